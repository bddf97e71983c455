package plots

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// sans is the face of every text in the figures: the SVGs name Liberation Sans with Arial,
// DejaVu Sans and sans-serif after it (withGenericFonts), faces that any viewer has something
// close to.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// newPlot is plot.New with every text in sans instead of gonum's serif default. (Setting
// gonum's plot.DefaultFont would do the same for every package of the program, at import.)
func newPlot() *plot.Plot {
	p := plot.New()
	for _, f := range []*font.Font{&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.X.Tick.Label.Font,
		&p.Y.Label.TextStyle.Font, &p.Y.Tick.Label.Font, &p.Legend.TextStyle.Font} {
		f.Typeface, f.Variant = sans.Typeface, sans.Variant
	}
	return p
}

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
	p := newPlot()
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
		line.Color = Color(i)
		line.Width = vg.Points(1.5)
		points.Color = Color(i)
		points.Shape = draw.CircleGlyph{}
		points.Radius = vg.Points(1.5)
		p.Add(line, points)
		if s.Name != "" {
			p.Legend.Add(s.Name, line, points)
		}
	}
	p.Legend.Top = true
	setLegendStyle(p)
	return p, nil
}

// setLegendStyle gives p's legend the tick labels' size and some room between entries.
func setLegendStyle(p *plot.Plot) {
	p.Legend.TextStyle.Font.Size = p.X.Tick.Label.Font.Size
	p.Legend.Padding = px(4)
}

// Palette is the shared palette: Okabe and Ito's eight colours ("Color Universal Design",
// 2002), which stay distinct with every common colour-vision deficiency, ordered so the first
// ones contrast most on white. Yellow comes last: it is faint on white.
var Palette = []color.RGBA{
	{0x00, 0x72, 0xB2, 0xff}, // blue
	{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	{0x00, 0x9E, 0x73, 0xff}, // bluish green
	{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	{0xE6, 0x9F, 0x00, 0xff}, // orange
	{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	{0x00, 0x00, 0x00, 0xff}, // black
	{0xF0, 0xE4, 0x42, 0xff}, // yellow
}

// Color returns the i-th colour of the shared palette (cycling after eight).
func Color(i int) color.Color { return Palette[i%len(Palette)] }

// PlotFigure draws p at the default size as a Figure (SVG and PNG), its legend beside the data.
func PlotFigure(p *plot.Plot) (*Figure, error) {
	name := p.Title.Text
	if name == "" {
		name = "plot"
	}
	return Render(name, Width, Height, drawPlot(p))
}

// legendGap separates the data area from a legend drawn beside it; legendSlack is extra room
// for the legend's text, whose width is measured with Liberation Sans, in case a viewer of the
// SVG substitutes a wider face.
var legendGap, legendSlack = px(8), 0.2

// rightMargin keeps the last tick label of the x axis off the figure's edge.
var rightMargin = px(12)

// drawPlot draws p with its legend (if any) in a column to the right of the plot, so no entry
// hides data; p's own legend placement (Top, Left, offsets) is ignored.
func drawPlot(p *plot.Plot) func(draw.Canvas) {
	return func(c draw.Canvas) {
		if p.BackgroundColor != nil { // the whole figure, not only the plot's part of it
			c.SetColor(p.BackgroundColor)
			c.Fill(c.Rectangle.Path())
		}
		plotC, legendC, ok := plotLayout(p, c)
		if !ok {
			p.Draw(plotC)
			return
		}
		legend := p.Legend
		p.Legend = plot.NewLegend()
		p.Draw(plotC)
		p.Legend = legend
		drawLegend(p, legendC)
	}
}

// plotLayout splits c into the plot's canvas and, when p has a legend, the column beside it.
func plotLayout(p *plot.Plot, c draw.Canvas) (plotC, legendC draw.Canvas, hasLegend bool) {
	width := p.Legend.Rectangle(c).Size().X
	if width <= 0 {
		return draw.Crop(c, 0, -rightMargin, 0, 0), draw.Canvas{}, false
	}
	width = vg.Length(float64(width) * (1 + legendSlack))
	plotC = draw.Crop(c, 0, -(width + legendGap), 0, 0)
	legendC = draw.Crop(c, c.Size().X-width, 0, 0, 0)
	return plotC, legendC, true
}

// drawLegend draws p's legend at the top of column c, level with the top of the data area.
func drawLegend(p *plot.Plot, c draw.Canvas) {
	legend := p.Legend
	legend.Top, legend.Left, legend.XOffs = true, true, 0
	legend.YOffs = -(c.Max.Y - p.DataCanvas(c).Max.Y) // below the title, as the data area is
	legend.Draw(c)
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
	if ext == "svg" || ext == "png" { // as notebooks get them: fallback fonts, 2× PNG
		f, err := PlotFigure(p)
		if err != nil {
			return err
		}
		return f.Save(path)
	}
	c, err := draw.NewFormattedCanvas(Width, Height, ext)
	if err != nil {
		return fmt.Errorf("plots: %q: %w", path, err)
	}
	if err := paintSafely(drawPlot(p), c); err != nil {
		return fmt.Errorf("plots: %q: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := c.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
