package plots

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg/draw"
)

// checkFigure asserts what every figure must be: a well-formed SVG holding the given texts, and
// a PNG that decodes at PNGDensity times the SVG's pixel size, small enough for a notebook.
func checkFigure(t *testing.T, f *Figure, texts ...string) image.Image {
	t.Helper()
	if f.Width <= 0 || f.Height <= 0 {
		t.Fatalf("figure %q has size %d×%d", f.Name, f.Width, f.Height)
	}
	dec := xml.NewDecoder(bytes.NewReader(f.SVG))
	for {
		if _, err := dec.Token(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("figure %q: SVG is not well-formed XML: %v", f.Name, err)
		}
	}
	svg := string(f.SVG)
	if !strings.Contains(svg, "<svg") {
		t.Errorf("figure %q: SVG has no <svg> element", f.Name)
	}
	for _, want := range texts {
		if !strings.Contains(svg, ">"+want+"<") {
			t.Errorf("figure %q: SVG lacks the text %q", f.Name, want)
		}
	}
	img, err := png.Decode(bytes.NewReader(f.PNG))
	if err != nil {
		t.Fatalf("figure %q: PNG does not decode: %v", f.Name, err)
	}
	if b := img.Bounds(); b.Dx() != PNGDensity*f.Width || b.Dy() != PNGDensity*f.Height {
		t.Errorf("figure %q: PNG is %d×%d, want %d×%d (%d× the SVG's %d×%d)", f.Name, b.Dx(), b.Dy(),
			PNGDensity*f.Width, PNGDensity*f.Height, PNGDensity, f.Width, f.Height)
	}
	if len(f.PNG)+len(f.SVG) > 700<<10 {
		t.Errorf("figure %q: %d bytes of PNG and %d of SVG, too large for a notebook output", f.Name, len(f.PNG), len(f.SVG))
	}
	return img
}

// darkPixels counts pixels darker than mid-grey in r.
func darkPixels(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y < 128 {
				n++
			}
		}
	}
	return n
}

func TestLabelRendersTextInThePNG(t *testing.T) {
	text := func(s string) image.Image {
		f, err := Render("label", px(200), px(40), func(dc draw.Canvas) {
			pixelCanvas{dc}.label(10, 25, s, 16, false, start, color.Black)
		})
		if err != nil {
			t.Fatal(err)
		}
		return checkFigure(t, f, s)
	}
	blank, written := text(""), text("Hopfield")
	box := image.Rect(PNGDensity*10, PNGDensity*5, PNGDensity*120, PNGDensity*32)
	if n := darkPixels(blank, blank.Bounds()); n != 0 {
		t.Errorf("an empty label drew %d dark pixels", n)
	}
	if n := darkPixels(written, box); n < 200 {
		t.Errorf("the label drew only %d dark pixels where its glyphs belong", n)
	}
	if n := darkPixels(written, written.Bounds()) - darkPixels(written, box); n != 0 {
		t.Errorf("%d dark pixels outside the label's box: wrong baseline or size", n)
	}
}

func TestPlotFigureRendersLinesWithLegend(t *testing.T) {
	p, err := Lines("Energy", "iteration", "E", Series{Name: "β=1", X: []float64{0, 1, 2}, Y: []float64{3, 2, 1.5}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := PlotFigure(p)
	if err != nil {
		t.Fatal(err)
	}
	if f.Width != 576 || f.Height != 384 {
		t.Errorf("a 6×4 inch plot is %d×%d CSS pixels, want 576×384", f.Width, f.Height)
	}
	img := checkFigure(t, f, "Energy", "iteration", "β=1")
	// The title sits centred at the top: its glyphs must be in the PNG.
	top := image.Rect(img.Bounds().Dx()/3, 0, 2*img.Bounds().Dx()/3, PNGDensity*20)
	if n := darkPixels(img, top); n < 100 {
		t.Errorf("the PNG shows no title (%d dark pixels at the top)", n)
	}
	if !strings.Contains(string(f.SVG), "sans-serif") && !strings.Contains(string(f.SVG), ",serif") {
		t.Error("the SVG names no generic font family to fall back on")
	}
}

func TestImageGridFigureCopiesImagesPixelForPixel(t *testing.T) {
	// A 4×4 checkerboard of red and blue: any blur between pixels would mix them.
	board := make([]uint8, 4*4*3)
	for i := range 4 * 4 {
		if (i/4+i%4)%2 == 0 {
			board[3*i] = 255
		} else {
			board[3*i+2] = 255
		}
	}
	g := &ImageGrid{Title: "grid", Names: []string{"a", "b"}, Rows: [][][]uint8{{board, board}, {board}}, Size: 4, Scale: 2}
	f, err := g.Figure()
	if err != nil {
		t.Fatal(err)
	}
	img := checkFigure(t, f, "grid", "a", "b")
	// The first cell starts at (gridLabelWidth, 24) CSS pixels and is 8 wide: each image pixel is 2×2 CSS
	// pixels, so PNGDensity*2 PNG pixels a side, all of one colour.
	const side = PNGDensity * 2
	for y := range 4 * side {
		for x := range 4 * side {
			want := color.RGBA{255, 0, 0, 255}
			if (x/side+y/side)%2 == 1 {
				want = color.RGBA{0, 0, 255, 255}
			}
			if got := color.RGBAModel.Convert(img.At(PNGDensity*gridLabelWidth+x, PNGDensity*24+y)); got != want {
				t.Fatalf("PNG pixel (%d, %d) of the first image is %v, want %v", x, y, got, want)
			}
		}
	}
	wide := &ImageGrid{Title: "wide", Names: []string{"T-shirt/top"}, Rows: [][][]uint8{make([][]uint8, 8)}, Size: 48, Scale: 2}
	for i := range wide.Rows[0] {
		wide.Rows[0][i] = make([]uint8, 48*48*3)
	}
	wf, err := wide.Figure()
	if err != nil {
		t.Fatal(err)
	}
	if wf.Width > MaxFigureWidth {
		t.Errorf("eight 48-pixel images at scale 2 make a figure %d CSS pixels wide, want at most %d", wf.Width, MaxFigureWidth)
	}
	if r, g, b, _ := img.At(PNGDensity*(gridLabelWidth+10)+1, PNGDensity*(24+10)+1).RGBA(); r>>8 != 255 || g>>8 != 255 || b>>8 != 255 {
		t.Error("the missing image in row b should stay white")
	}
}

func TestConfusionFigureShowsCountsAndRowPercentages(t *testing.T) {
	f, err := ConfusionFigure("cm", []string{"x", "y"}, [][]int{{3, 1}, {0, 4}})
	if err != nil {
		t.Fatal(err)
	}
	img := checkFigure(t, f, "cm", "3", "75%", "25%", "100%", "predicted →", "true ↓")
	// The cell (y, y) holds 100%: filled with the darkest shade, rgb(55, 55, 255).
	if r, g, b, _ := img.At(PNGDensity*(110+64+4), PNGDensity*(60+64+4)).RGBA(); r>>8 != 55 || g>>8 != 55 || b>>8 != 255 {
		t.Errorf("the full cell's colour is %d,%d,%d, want 55,55,255", r>>8, g>>8, b>>8)
	}
	if _, err := ConfusionFigure("bad", []string{"x"}, [][]int{{1}, {2}}); err == nil {
		t.Error("want an error for a matrix with more rows than class names")
	}
}

func TestAttentionFigureShadesByWeight(t *testing.T) {
	m := AttentionMap{Title: "kæt → cat", Phones: []string{"K", "AE", "T"}, Output: []string{"c", "a", "t", "</s>"},
		Weights: [][]float32{{1, 0, 0}, {0, 0.5, 0.5}, {0, 0, 1}, {0, 0, 1}}}
	f, err := AttentionFigure("heat-maps", m, m)
	if err != nil {
		t.Fatal(err)
	}
	img := checkFigure(t, f, "kæt → cat", "AE", "c", "&lt;/s&gt;")
	// First map: cells start at (50, 70); cell (0, 0) has weight 1 (black), (0, 1) weight 0 (white).
	at := func(i, j int) uint8 {
		return color.GrayModel.Convert(img.At(PNGDensity*(50+j*22+11), PNGDensity*(70+i*22+11))).(color.Gray).Y
	}
	if at(0, 0) != 0 || at(0, 1) != 255 || at(1, 1) < 120 || at(1, 1) > 135 {
		t.Errorf("cell shades %d, %d, %d; want 0, 255 and ≈128", at(0, 0), at(0, 1), at(1, 1))
	}
}

func TestEnergyMapFigure(t *testing.T) {
	p, err := EnergyMap("bowl", bowl{}, [][]float64{{0, 0}, {1, -1}}, [][]float64{{1.5, 1.5}, {0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := PlotFigure(p)
	if err != nil {
		t.Fatal(err)
	}
	checkFigure(t, f, "bowl", "stored patterns", "energy E(q)")
}

func TestAttentionFigureFitsTheNotebookAndHasAColourBar(t *testing.T) {
	m := AttentionMap{Title: "word", Phones: []string{"a", "b", "c", "d", "e", "f", "g", "h"}, Output: []string{"w", "o", "r", "d"},
		Weights: [][]float32{{1}, {0, 1}, {0, 0, 1}, {0, 0, 0, 1}}}
	f, err := AttentionFigure("six maps", m, m, m, m, m, m)
	if err != nil {
		t.Fatal(err)
	}
	checkFigure(t, f, "weight α", "0", "0.5", "1")
	if f.Width > MaxFigureWidth {
		t.Errorf("six maps are %d CSS pixels wide, want at most %d (a notebook's width)", f.Width, MaxFigureWidth)
	}
}

func TestFigureSaveAndLoad(t *testing.T) {
	f, err := ConfusionFigure("cm", []string{"x", "y"}, [][]int{{3, 1}, {0, 4}})
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(t.TempDir(), "sub", "cm")
	if err := f.SaveBoth(base); err != nil {
		t.Fatal(err)
	}
	back, err := LoadFigure("cm again", base)
	if err != nil {
		t.Fatal(err)
	}
	if back.Width != f.Width || back.Height != f.Height || !bytes.Equal(back.SVG, f.SVG) || !bytes.Equal(back.PNG, f.PNG) {
		t.Errorf("loaded %d×%d, saved %d×%d (or different bytes)", back.Width, back.Height, f.Width, f.Height)
	}
	if err := f.Save(base + ".pdf"); err == nil || !strings.Contains(err.Error(), ".svg or .png") {
		t.Errorf("want an error naming the formats for .pdf, got %v", err)
	}
	if err := os.Remove(base + ".png"); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFigure("cm", base); err == nil || !strings.Contains(err.Error(), "cm.png") {
		t.Errorf("want an error naming the missing PNG, got %v", err)
	}
}
