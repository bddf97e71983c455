package plots

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

func TestLinesRejectsMismatchedSeries(t *testing.T) {
	if _, err := Lines("t", "x", "y", Series{Name: "bad", X: []float64{1, 2}, Y: []float64{1}}); err == nil ||
		!strings.Contains(err.Error(), `"bad"`) {
		t.Fatalf("want an error naming the series, got %v", err)
	}
}

func TestSaveWritesFile(t *testing.T) {
	p, _ := Lines("t", "x", "y", Series{X: []float64{0, 1}, Y: []float64{0, 1}})
	path := filepath.Join(t.TempDir(), "sub", "fig.svg")
	if err := Save(p, path); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(path); err != nil || info.Size() == 0 {
		t.Fatalf("figure not written: %v", err)
	}
	if err := Save(p, filepath.Join(t.TempDir(), "noext")); err == nil {
		t.Fatal("want an error for a path without extension")
	}
}

func TestLegendSitsBesideTheData(t *testing.T) {
	series := []Series{
		{Name: "fixed point = stored pattern", X: []float64{0, 1, 2}, Y: []float64{0, 0.5, 1}},
		{Name: "closest to its own pattern", X: []float64{0, 1, 2}, Y: []float64{1, 0.5, 0}},
	}
	p, err := Lines("legend", "x", "y", series...)
	if err != nil {
		t.Fatal(err)
	}
	c := draw.New(vgimg.New(Width, Height))
	plotC, legendC, ok := plotLayout(p, c)
	if !ok {
		t.Fatal("a plot with named series got no legend column")
	}
	data := p.DataCanvas(plotC).Rectangle
	legend := p.Legend.Rectangle(legendC)
	if legendC.Min.X < data.Max.X {
		t.Errorf("the legend column starts at x=%v, inside the data area (which ends at %v)", legendC.Min.X, data.Max.X)
	}
	if legend.Max.X > c.Max.X || legend.Size().X*(1+vg.Length(legendSlack)) > legendC.Size().X+1e-9 {
		t.Errorf("legend %v does not fit its column %v with room to spare", legend, legendC.Rectangle)
	}
	if data.Max.X > c.Max.X-rightMargin {
		t.Errorf("data area reaches x=%v, closer than the right margin to the edge %v", data.Max.X, c.Max.X)
	}
}

func TestPaletteIsOkabeItoAndDistinctForColourBlindViewers(t *testing.T) {
	okabeIto := map[color.RGBA]bool{
		{0xE6, 0x9F, 0x00, 0xff}: true, {0x56, 0xB4, 0xE9, 0xff}: true, {0x00, 0x9E, 0x73, 0xff}: true, {0xF0, 0xE4, 0x42, 0xff}: true,
		{0x00, 0x72, 0xB2, 0xff}: true, {0xD5, 0x5E, 0x00, 0xff}: true, {0xCC, 0x79, 0xA7, 0xff}: true, {0x00, 0x00, 0x00, 0xff}: true,
	}
	seen := map[color.RGBA]bool{}
	for i := range 8 {
		c := color.RGBAModel.Convert(Color(i)).(color.RGBA)
		if !okabeIto[c] || seen[c] {
			t.Errorf("colour %d (%v) is not a new Okabe–Ito colour", i, c)
		}
		seen[c] = true
	}
	// Under simulated protanopia and deuteranopia (Viénot et al. 1999) the series colours used
	// for lines (the first seven) must stay apart.
	for name, m := range map[string][3][3]float64{
		"protanopia":   {{0.11238, 0.88762, 0}, {0.11238, 0.88762, 0}, {0.00401, -0.00401, 1}},
		"deuteranopia": {{0.29275, 0.70725, 0}, {0.29275, 0.70725, 0}, {-0.02234, 0.02234, 1}},
	} {
		for i := range 7 {
			for j := range i {
				if d := simulatedDistance(m, Color(i), Color(j)); d < 0.1 {
					t.Errorf("%s: colours %d and %d are only %.3f apart", name, i, j, d)
				}
			}
		}
	}
}

// simulatedDistance is the Euclidean distance, in linear RGB, of two colours seen through m.
func simulatedDistance(m [3][3]float64, a, b color.Color) float64 {
	see := func(c color.Color) [3]float64 {
		r, g, bl, _ := c.RGBA()
		lin := [3]float64{}
		for k, v := range []uint32{r, g, bl} {
			s := float64(v) / 0xffff
			if s <= 0.04045 {
				lin[k] = s / 12.92
			} else {
				lin[k] = math.Pow((s+0.055)/1.055, 2.4)
			}
		}
		var out [3]float64
		for i := range 3 {
			for k := range 3 {
				out[i] += m[i][k] * lin[k]
			}
		}
		return out
	}
	x, y := see(a), see(b)
	return math.Sqrt((x[0]-y[0])*(x[0]-y[0]) + (x[1]-y[1])*(x[1]-y[1]) + (x[2]-y[2])*(x[2]-y[2]))
}

func TestPlotFigureFillsTheLegendColumnToo(t *testing.T) {
	p, err := Lines("bg", "x", "y", Series{Name: "a long series name", X: []float64{0, 1}, Y: []float64{0, 1}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := PlotFigure(p)
	if err != nil {
		t.Fatal(err)
	}
	full := fmt.Sprintf("M0,0L%g,0L%g,%gL0,%gZ\" style=\"fill:#FFFFFF\"", Width.Points(), Width.Points(), Height.Points(), Height.Points())
	if !strings.Contains(string(f.SVG), full) {
		t.Error("the SVG's white background does not cover the whole figure (a dark viewer would show the legend column dark)")
	}
}

// TestTextIsSansWithoutTouchingGonumsDefault: every text of a figure is in the sans face, and
// importing plots leaves gonum's own default font (a package-level setting) as gonum set it.
func TestTextIsSansWithoutTouchingGonumsDefault(t *testing.T) {
	if plot.DefaultFont.Variant != "Serif" {
		t.Errorf("gonum's DefaultFont is %+v: importing plots changed it", plot.DefaultFont)
	}
	p, err := Lines("title", "x", "y", Series{Name: "s", X: []float64{0, 1}, Y: []float64{1, 0}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := PlotFigure(p)
	if err != nil {
		t.Fatal(err)
	}
	if svg := string(f.SVG); strings.Contains(svg, "Serif") || !strings.Contains(svg, "Liberation Sans") {
		t.Errorf("the figure's fonts are not all sans: %v", regexp.MustCompile(`font-family:[^;]*`).FindAllString(svg, -1))
	}
}
