package plots

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// EnergyMap draws a 2-D energy landscape as a heat map with contour lines, the stored patterns
// as black crosses, and each path (e.g. a CCCP trajectory) as a line from a hollow start to a
// filled end point.
func EnergyMap(title string, grid plotter.GridXYZ, patterns [][]float64, paths ...[][]float64) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, "q₁", "q₂"
	colors := moreland.SmoothBlueRed()
	lo, hi := gridRange(grid)
	colors.SetMin(lo)
	colors.SetMax(hi)
	p.Add(crispHeatMap{plotter.NewHeatMap(grid, colors.Palette(64))})
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
