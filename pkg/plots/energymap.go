package plots

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// EnergyMap draws a 2-D energy landscape as a grey heat map (valleys light, ridges dark) with
// contour lines and a colour bar, the stored patterns as black crosses, and each path (e.g. a
// CCCP trajectory) as a line in a palette colour from a hollow start to a filled end point.
// Grey keeps every palette colour readable on top of it.
func EnergyMap(title string, grid plotter.GridXYZ, patterns [][]float64, paths ...[][]float64) (*plot.Plot, error) {
	p := newPlot()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, "q₁", "q₂"
	lo, hi := gridRange(grid)
	colors := energyColors(lo, hi)
	p.Add(crispHeatMap{plotter.NewHeatMap(grid, colors.Palette(64))})
	p.Add(colorBar{colors: colors, label: "energy E(q)"})
	levels := make([]float64, 12)
	for i := range levels {
		levels[i] = lo + (hi-lo)*float64(i+1)/float64(len(levels)+1)
	}
	contours := plotter.NewContour(grid, levels, grey{})
	p.Add(contours)
	for i, path := range paths {
		if err := addPath(p, path, Color(i)); err != nil {
			return nil, err
		}
	}
	stored, err := plotter.NewScatter(toXYs(patterns))
	if err != nil {
		return nil, fmt.Errorf("plots: patterns: %w", err)
	}
	stored.Shape, stored.Radius, stored.Color = draw.CrossGlyph{}, vg.Points(6), color.Black
	p.Add(stored)
	p.Legend.Add("stored patterns", stored)
	setLegendStyle(p)
	return p, nil
}

func addPath(p *plot.Plot, path [][]float64, c color.Color) error {
	if len(path) == 0 {
		return nil
	}
	line, err := plotter.NewLine(toXYs(path))
	if err != nil {
		return fmt.Errorf("plots: path: %w", err)
	}
	line.Color, line.Width = c, vg.Points(1.5)
	start, _ := plotter.NewScatter(toXYs(path[:1]))
	start.Shape, start.Color, start.Radius = draw.RingGlyph{}, c, vg.Points(4)
	end, _ := plotter.NewScatter(toXYs(path[len(path)-1:]))
	end.Shape, end.Color, end.Radius = draw.CircleGlyph{}, c, vg.Points(3)
	p.Add(line, start, end)
	return nil
}

func toXYs(points [][]float64) plotter.XYs {
	xys := make(plotter.XYs, len(points))
	for i, pt := range points {
		xys[i].X, xys[i].Y = pt[0], pt[1]
	}
	return xys
}

func gridRange(g plotter.GridXYZ) (lo, hi float64) {
	c, r := g.Dims()
	lo, hi = g.Z(0, 0), g.Z(0, 0)
	for i := 0; i < c; i++ {
		for j := 0; j < r; j++ {
			lo, hi = min(lo, g.Z(i, j)), max(hi, g.Z(i, j))
		}
	}
	return lo, hi
}

// grey is a one-colour palette for contour lines.
type grey struct{}

func (grey) Colors() []color.Color { return []color.Color{color.Gray{Y: 60}} }

// crispHeatMap draws a heat map as one image at the canvas's pixel density, each pixel taking
// the colour of the grid cell under it. gonum draws one rectangle per cell (hundreds of KB of
// SVG, and hairline seams between cells in a PNG) or, rasterized, one pixel per cell that the
// renderer then blurs; this keeps the cells sharp at a fraction of the bytes.
type crispHeatMap struct{ *plotter.HeatMap }

// Plot implements plot.Plotter.
func (h crispHeatMap) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	xmin, xmax, ymin, ymax := h.DataRange()
	rect := vg.Rectangle{Min: vg.Point{X: trX(xmin), Y: trY(ymin)}, Max: vg.Point{X: trX(xmax), Y: trY(ymax)}}
	dpi := float64(96 * density(c))
	w, ht := int(rect.Size().X.Dots(dpi)+0.5), int(rect.Size().Y.Dots(dpi)+0.5)
	if w <= 0 || ht <= 0 {
		return
	}
	img := image.NewRGBA(image.Rect(0, 0, w, ht))
	cols, rows := h.GridXYZ.Dims()
	for y := range ht {
		row := rows - 1 - (y*rows)/ht // image rows run top-down, grid rows bottom-up
		for x := range w {
			if clr := h.cellColor(x*cols/w, row); clr != nil {
				img.Set(x, y, clr)
			}
		}
	}
	c.DrawImage(rect, img)
}

// cellColor is the colour gonum's HeatMap gives cell (i, j), or nil for none.
func (h crispHeatMap) cellColor(i, j int) color.Color {
	pal := h.Palette.Colors()
	scale := float64(len(pal)-1) / (h.Max - h.Min)
	switch v := h.GridXYZ.Z(i, j); {
	case v < h.Min:
		return h.Underflow
	case v > h.Max:
		return h.Overflow
	case math.IsNaN(v), math.IsInf(scale, 0):
		return h.NaN
	default:
		return pal[int((v-h.Min)*scale+0.5)]
	}
}

// energyColors maps [lo, hi] linearly from a near-white to a mid grey.
func energyColors(lo, hi float64) palette.ColorMap {
	return &greyMap{min: lo, max: hi, light: 250, dark: 110}
}

// greyMap is a linear grey colour map from light (at min) to dark (at max).
type greyMap struct {
	min, max    float64
	light, dark uint8
}

func (m *greyMap) At(v float64) (color.Color, error) {
	if v < m.min || v > m.max || math.IsNaN(v) {
		return nil, palette.ErrOverflow
	}
	f := 0.0
	if m.max > m.min {
		f = (v - m.min) / (m.max - m.min)
	}
	return color.Gray{Y: uint8(float64(m.light) + f*(float64(m.dark)-float64(m.light)) + 0.5)}, nil
}
func (m *greyMap) Max() float64     { return m.max }
func (m *greyMap) SetMax(v float64) { m.max = v }
func (m *greyMap) Min() float64     { return m.min }
func (m *greyMap) SetMin(v float64) { m.min = v }
func (m *greyMap) Alpha() float64   { return 1 }
func (m *greyMap) SetAlpha(float64) {}
func (m *greyMap) Palette(n int) palette.Palette {
	colors := make([]color.Color, n)
	for i := range colors {
		colors[i], _ = m.At(m.min + (m.max-m.min)*float64(i)/float64(max(n-1, 1)))
	}
	return greyPalette(colors)
}

type greyPalette []color.Color

func (p greyPalette) Colors() []color.Color { return p }

// colorBar is a plotter that draws the colour scale of a heat map as a vertical bar to the
// right of the data area, with three labelled ticks. Its glyph boxes make gonum reserve the
// room for it, so it never covers data.
type colorBar struct {
	colors palette.ColorMap
	label  string
}

// Colour-bar geometry in CSS pixels: gap to the data, bar width, tick labels and title.
const barGap, barWidth, barLabels = 10, 14, 58

// GlyphBoxes implements plot.GlyphBoxer: an empty box on the left edge and the bar's room on
// the right (gonum needs two x positions to solve for the padding).
func (b colorBar) GlyphBoxes(*plot.Plot) []plot.GlyphBox {
	return []plot.GlyphBox{
		{X: 0, Y: 0.5},
		{X: 1, Y: 0.5, Rectangle: vg.Rectangle{Max: vg.Point{X: px(barGap + barWidth + barLabels), Y: 1}}},
	}
}

// Plot implements plot.Plotter.
func (b colorBar) Plot(c draw.Canvas, _ *plot.Plot) {
	x0 := c.Max.X + px(barGap)
	const steps = 64
	lo, hi := b.colors.Min(), b.colors.Max()
	h := c.Max.Y - c.Min.Y
	for i := range steps {
		v := lo + (hi-lo)*(float64(i)+0.5)/steps
		clr, err := b.colors.At(v)
		if err != nil {
			continue
		}
		y0 := c.Min.Y + h*vg.Length(i)/steps
		rect := vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x0 + px(barWidth), Y: y0 + h/steps + px(0.5)}}
		c.SetColor(clr)
		c.Fill(rect.Path())
	}
	c.SetColor(color.Black)
	c.SetLineWidth(px(1))
	c.SetLineDash(nil, 0)
	c.Stroke(vg.Rectangle{Min: vg.Point{X: x0, Y: c.Min.Y}, Max: vg.Point{X: x0 + px(barWidth), Y: c.Max.Y}}.Path())
	face := font.DefaultCache.Lookup(sans, px(11))
	for _, frac := range []float64{0, 0.5, 1} {
		y := c.Min.Y + h*vg.Length(frac)
		c.StrokeLine2(draw.LineStyle{Color: color.Black, Width: px(1)}, x0+px(barWidth), y, x0+px(barWidth+4), y)
		c.FillString(face, vg.Point{X: x0 + px(barWidth+6), Y: y - px(4)}, fmt.Sprintf("%.3g", lo+(hi-lo)*frac))
	}
	title := font.DefaultCache.Lookup(sans, px(11))
	c.Push()
	c.Translate(vg.Point{X: x0 + px(barWidth+barLabels-4), Y: c.Min.Y + h/2 - title.Width(b.label)/2})
	c.Rotate(math.Pi / 2)
	c.FillString(title, vg.Point{}, b.label)
	c.Pop()
}
