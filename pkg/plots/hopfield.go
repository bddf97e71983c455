package plots

import (
	"fmt"
	"image/color"

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
	p.Add(plotter.NewHeatMap(grid, colors.Palette(64)))
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
