// Package plots draws the lessons' figures with gonum/plot and shows them as SVG in GoNB
// (so they survive saving the notebook and need no CDN) or writes them to files for the CLI.
package plots

import (
	"bytes"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
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

// SVG renders p as an SVG document.
func SVG(p *plot.Plot, w, h vg.Length) (string, error) {
	writer, err := p.WriterTo(w, h, "svg")
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if _, err := writer.WriteTo(&buf); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// Show displays p in a GoNB notebook as inline SVG at the default size. Outside a notebook it
// prints a one-line note instead, so the same code runs in tests and the CLI.
func Show(p *plot.Plot) error {
	svg, err := SVG(p, Width, Height)
	if err != nil {
		return err
	}
	ShowSVG(p.Title.Text, svg)
	return nil
}

// ShowSVG displays an SVG document in a GoNB notebook; outside one it prints a one-line note.
func ShowSVG(name, svg string) {
	if !gonbui.IsNotebook {
		fmt.Printf("[figure %q: %d bytes of SVG]\n", name, len(svg))
		return
	}
	gonbui.DisplaySVG(svg)
	// Displays travel to Jupyter asynchronously: wait for this one, or a headless run may close
	// the cell before the figure arrives (it happened: a lesson lost its heat-maps).
	gonbui.Sync()
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
