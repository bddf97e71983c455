// Package plots draws the lessons' figures with gonum/plot and shows them in GoNB as SVG and
// PNG together (so every frontend shows them, trusted or not, and they survive saving the
// notebook and need no CDN) or writes them to files for the CLI.
package plots

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Default figure size.
var (
	Width  = 6 * vg.Inch
	Height = 4 * vg.Inch
)

// Series is one named line of (X, Y) points.
type Series struct {
	Name string
	X, Y []float64
}

// Lines returns a line plot of the series with a legend.
func Lines(title, xLabel, yLabel string, series ...Series) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xLabel, yLabel
	p.Add(plotter.NewGrid())
	for i, s := range series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("plots: series %q has %d x values and %d y values", s.Name, len(s.X), len(s.Y))
		}
		pts := make(plotter.XYs, len(s.X))
		for j := range s.X {
			pts[j].X, pts[j].Y = s.X[j], s.Y[j]
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, fmt.Errorf("plots: series %q: %w", s.Name, err)
		}
		line.Color = plotutil.Color(i)
		line.Dashes = plotutil.Dashes(0)
		points.Color = plotutil.Color(i)
		points.Shape = draw.CircleGlyph{}
		points.Radius = vg.Points(1.5)
		p.Add(line, points)
		if s.Name != "" {
			p.Legend.Add(s.Name, line, points)
		}
	}
	p.Legend.Top = true
	return p, nil
}

// Color returns the i-th colour of the shared palette.
func Color(i int) color.Color { return plotutil.Color(i) }

// PlotFigure draws p at the default size as a Figure (SVG and PNG).
func PlotFigure(p *plot.Plot) (*Figure, error) {
	name := p.Title.Text
	if name == "" {
		name = "plot"
	}
	return Render(name, Width, Height, p.Draw)
}

// Show displays p in a GoNB notebook at the default size (see Figure.Show). Outside a notebook
// it prints a one-line note instead, so the same code runs in tests and the CLI.
func Show(p *plot.Plot) error {
	f, err := PlotFigure(p)
	if err != nil {
		return err
	}
	f.Show()
	return nil
}

// Save writes p to path; the format follows the extension (.svg, .png, .pdf).
func Save(p *plot.Plot, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	ext := strings.TrimPrefix(filepath.Ext(path), ".")
	if ext == "" {
		return fmt.Errorf("plots: %q has no extension to choose a format", path)
	}
	return p.Save(Width, Height, path)
}
