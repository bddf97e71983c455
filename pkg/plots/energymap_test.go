package plots

import (
	"image/color"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
)

// bowl is E(x, y) = x² + y² on a 5×5 grid over [−2, 2]².
type bowl struct{}

func (bowl) Dims() (c, r int)   { return 5, 5 }
func (bowl) Z(c, r int) float64 { x, y := float64(c-2), float64(r-2); return x*x + y*y }
func (bowl) X(c int) float64    { return float64(c - 2) }
func (bowl) Y(r int) float64    { return float64(r - 2) }

func TestEnergyMapDrawsLandscapePatternsAndPaths(t *testing.T) {
	if lo, hi := gridRange(bowl{}); lo != 0 || hi != 8 {
		t.Errorf("grid range = [%v, %v], want [0, 8]", lo, hi)
	}
	path := [][]float64{{1.5, 1.5}, {0.5, 0.4}, {0, 0}}
	if _, err := EnergyMap("bowl", bowl{}, [][]float64{{0, 0}, {1, -1}}, path, nil); err != nil {
		t.Fatal(err)
	}
}

func TestCrispHeatMapColoursEachCellAtFullDensity(t *testing.T) {
	heat := plotter.NewHeatMap(bowl{}, moreland.SmoothBlueRed().Palette(64))
	p := plot.New()
	p.HideAxes()
	p.Add(crispHeatMap{heat})
	f, err := Render("bowl", px(200), px(200), p.Draw)
	if err != nil {
		t.Fatal(err)
	}
	img := checkFigure(t, f)
	if n := strings.Count(string(f.SVG), "<image"); n != 1 {
		t.Errorf("the SVG holds %d images, want the heat map as one", n)
	}
	pal := heat.Palette.Colors()
	same := func(x, y int, want color.Color) bool {
		r, g, b, _ := img.At(PNGDensity*x, PNGDensity*y).RGBA()
		wr, wg, wb, _ := want.RGBA()
		return r>>8 == wr>>8 && g>>8 == wg>>8 && b>>8 == wb>>8
	}
	// The bowl is lowest (palette's first colour) in its centre cell, highest in its corners.
	if !same(100, 100, pal[0]) || !same(25, 25, pal[len(pal)-1]) || !same(175, 175, pal[len(pal)-1]) {
		t.Errorf("heat map colours: centre %v, corners %v %v; want %v and %v", img.At(200, 200), img.At(50, 50),
			img.At(350, 350), pal[0], pal[len(pal)-1])
	}
}
