package plots

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// PNGDensity is how many PNG pixels a figure gets per CSS pixel of its SVG: 2 keeps text sharp
// on high-density screens and when a frontend shows the PNG instead of the SVG.
const PNGDensity = 2

// pngDPI is the PNG's resolution: CSS pixels are 1/96 inch.
const pngDPI = 96 * PNGDensity

// Figure is one figure drawn once onto two canvases: SVG for frontends that trust the
// notebook and for files, PNG for those that do not (JupyterLab shows an untrusted SVG only as
// its alt text, and strips <svg> from HTML).
type Figure struct {
	Name          string // the alt text: what a frontend shows when it can show no image
	Width, Height int    // CSS pixels; the PNG has PNGDensity times as many per side
	SVG, PNG      []byte
}

// Render draws a figure of w×h with paint onto an SVG and a PNG canvas.
func Render(name string, w, h vg.Length, paint func(draw.Canvas)) (*Figure, error) {
	svgCanvas := vgsvg.NewWith(vgsvg.UseWH(w, h))
	pngCanvas := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI), vgimg.UseBackgroundColor(color.White))
	if err := paintSafely(paint, svgCanvas, pngCanvas); err != nil {
		return nil, fmt.Errorf("plots: figure %q: %w", name, err)
	}
	var svg, pngData bytes.Buffer
	if _, err := svgCanvas.WriteTo(&svg); err != nil {
		return nil, fmt.Errorf("plots: figure %q as SVG: %w", name, err)
	}
	// Best compression: these PNGs are stored in the notebooks (a few per cent smaller).
	encoder := png.Encoder{CompressionLevel: png.BestCompression}
	if err := encoder.Encode(&pngData, pngCanvas.Image()); err != nil {
		return nil, fmt.Errorf("plots: figure %q as PNG: %w", name, err)
	}
	return &Figure{Name: name, Width: int(w.Dots(96) + 0.5), Height: int(h.Dots(96) + 0.5),
		SVG: withGenericFonts(svg.Bytes()), PNG: pngData.Bytes()}, nil
}

// paintSafely turns a panic of a drawing (gonum's canvases panic on some bad input) into an error.
func paintSafely(paint func(draw.Canvas), canvases ...vg.CanvasSizer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("drawing failed: %v", r)
		}
	}()
	for _, c := range canvases {
		paint(draw.New(c))
	}
	return nil
}

// withGenericFonts adds a generic family after gonum's Liberation fonts, so a browser without
// them still picks a sans-serif (or serif) face instead of its default.
func withGenericFonts(svg []byte) []byte {
	s := strings.NewReplacer(
		"font-family:Liberation Sans;", "font-family:'Liberation Sans',Arial,Helvetica,'DejaVu Sans',sans-serif;",
		"font-family:Liberation Serif;", "font-family:'Liberation Serif','Times New Roman',serif;",
		"font-family:Liberation Mono;", "font-family:'Liberation Mono',monospace;",
	).Replace(string(svg))
	return []byte(s)
}

// Show displays the figure in a GoNB notebook as one bundle of image/png, image/svg+xml and
// text/plain, without text/html: every frontend then finds an image it may show, trusted or
// not. Outside a notebook it prints a one-line note instead, so the same code runs in tests
// and the CLI.
func (f *Figure) Show() { f.ShowAs("") }

// ShowAs is Show into the display with this id: the first call creates the output, later calls
// with the same id replace it in place (a live figure; the saved notebook keeps the last one).
// An empty id is a new output, as Show.
func (f *Figure) ShowAs(displayID string) {
	if !gonbui.IsNotebook {
		fmt.Printf("[figure %q: %d×%d, %d bytes of SVG, %d bytes of PNG]\n", f.Name, f.Width, f.Height, len(f.SVG), len(f.PNG))
		return
	}
	gonbui.SendData(&protocol.DisplayData{
		Data: map[protocol.MIMEType]any{
			protocol.MIMEImagePNG:  f.PNG,
			protocol.MIMEImageSVG:  string(f.SVG),
			protocol.MIMETextPlain: "Figure: " + f.Name,
		},
		// The PNG is drawn at PNGDensity×: frontends lay it out at the SVG's size.
		Metadata:  map[string]any{string(protocol.MIMEImagePNG): map[string]int{"width": f.Width, "height": f.Height}},
		DisplayID: displayID,
	})
	// Displays travel to Jupyter asynchronously: wait for this one, or a headless run may close
	// the cell before the figure arrives (it happened: a lesson lost its heat-maps).
	gonbui.Sync()
}

// Save writes the figure to path as SVG (.svg) or PNG (.png), creating its directory.
func (f *Figure) Save(path string) error {
	var data []byte
	switch ext := filepath.Ext(path); ext {
	case ".svg":
		data = f.SVG
	case ".png":
		data = f.PNG
	default:
		return fmt.Errorf("plots: cannot save figure %q as %q: use a .svg or .png file name", f.Name, path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// SaveBoth writes the figure as base.svg and base.png, the pair LoadFigure reads.
func (f *Figure) SaveBoth(base string) error {
	if err := f.Save(base + ".svg"); err != nil {
		return err
	}
	return f.Save(base + ".png")
}

// LoadFigure reads a figure written by SaveBoth (base.svg and base.png).
func LoadFigure(name, base string) (*Figure, error) {
	svg, err := os.ReadFile(base + ".svg")
	if err != nil {
		return nil, fmt.Errorf("plots: figure %q: %w", name, err)
	}
	pngData, err := os.ReadFile(base + ".png")
	if err != nil {
		return nil, fmt.Errorf("plots: figure %q: %w (written beside its .svg by SaveBoth)", name, err)
	}
	w, h, err := pngSize(pngData)
	if err != nil {
		return nil, fmt.Errorf("plots: figure %q: %s.png: %w", name, base, err)
	}
	return &Figure{Name: name, Width: w / PNGDensity, Height: h / PNGDensity, SVG: svg, PNG: pngData}, nil
}

// px converts CSS pixels (1/96 inch), the unit of the hand-laid-out figures, to vg lengths.
func px(n float64) vg.Length { return vg.Length(n) * vg.Inch / 96 }

// pixelCanvas draws in CSS pixels from the top-left corner, as SVG does, onto a vg canvas
// (whose origin is bottom-left, y up).
type pixelCanvas struct {
	draw.Canvas
}

// point maps (x, y) pixels from the top-left to a vg point.
func (c pixelCanvas) point(x, y float64) vg.Point {
	return vg.Point{X: c.Min.X + px(x), Y: c.Max.Y - px(y)}
}

// rect fills the w×h pixel rectangle at (x, y) and outlines it with a one-pixel stroke.
func (c pixelCanvas) rect(x, y, w, h float64, fill, stroke color.Color) {
	r := vg.Rectangle{Min: c.point(x, y+h), Max: c.point(x+w, y)}
	path := vg.Path{}
	path.Move(r.Min)
	path.Line(vg.Point{X: r.Max.X, Y: r.Min.Y})
	path.Line(r.Max)
	path.Line(vg.Point{X: r.Min.X, Y: r.Max.Y})
	path.Close()
	c.SetColor(fill)
	c.Fill(path)
	c.SetLineWidth(px(1))
	c.SetLineDash(nil, 0)
	c.SetColor(stroke)
	c.Stroke(path)
}

// anchor is where a label's x coordinate sits on it, as SVG's text-anchor.
type anchor int

const (
	start anchor = iota
	middle
	end
)

// label draws text with its baseline at y (pixels), like SVG's <text>.
func (c pixelCanvas) label(x, y float64, text string, size float64, bold bool, at anchor, clr color.Color) {
	f := sans
	if bold {
		f.Weight = xfont.WeightBold
	}
	face := font.DefaultCache.Lookup(f, px(size))
	pt := c.point(x, y)
	switch at {
	case middle:
		pt.X -= face.Width(text) / 2
	case end:
		pt.X -= face.Width(text)
	}
	c.SetColor(clr)
	c.FillString(face, pt, text)
}

// density is how many canvas pixels a CSS pixel covers: PNGDensity on the PNG canvas, 1 on
// vector canvases.
func density(c draw.Canvas) int {
	if d, ok := c.Canvas.(interface{ DPI() float64 }); ok {
		return max(1, int(d.DPI()/96+0.5))
	}
	return 1
}
