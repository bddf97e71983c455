package plots

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// ImageGrid lays out labelled RGB images (H×W×3 bytes each, channels last) as rows of one class
// each: rows[i] holds the images of class names[i]. Each pixel is drawn scale×scale.
type ImageGrid struct {
	Title string
	Names []string
	Rows  [][][]uint8
	Size  int // image side in pixels
	Scale int
}

// Image renders the grid (without labels) as one image with a 2-pixel gap between cells.
func (g *ImageGrid) Image() image.Image {
	cols := 0
	for _, r := range g.Rows {
		cols = max(cols, len(r))
	}
	cell := g.Size*g.Scale + 2
	img := image.NewRGBA(image.Rect(0, 0, cols*cell, len(g.Rows)*cell))
	for y := range img.Bounds().Dy() {
		for x := range img.Bounds().Dx() {
			img.Set(x, y, color.White)
		}
	}
	for r, row := range g.Rows {
		for c, pix := range row {
			for y := range g.Size * g.Scale {
				for x := range g.Size * g.Scale {
					i := ((y/g.Scale)*g.Size + x/g.Scale) * 3
					img.Set(c*cell+x, r*cell+y, color.RGBA{pix[i], pix[i+1], pix[i+2], 255})
				}
			}
		}
	}
	return img
}

// SVG renders the grid with the class names on the left, the images embedded as one PNG.
func (g *ImageGrid) SVG() (string, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, g.Image()); err != nil {
		return "", err
	}
	img := g.Image().Bounds()
	labelW, titleH := 110, 24
	cell := g.Size*g.Scale + 2
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="13">`,
		labelW+img.Dx(), titleH+img.Dy())
	fmt.Fprintf(&b, `<text x="%d" y="16" font-weight="bold">%s</text>`, 4, html.EscapeString(g.Title))
	for i, name := range g.Names {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelW-8, titleH+i*cell+cell/2+4, html.EscapeString(name))
	}
	fmt.Fprintf(&b, `<image x="%d" y="%d" width="%d" height="%d" href="data:image/png;base64,%s"/>`,
		labelW, titleH, img.Dx(), img.Dy(), base64.StdEncoding.EncodeToString(buf.Bytes()))
	b.WriteString(`</svg>`)
	return b.String(), nil
}

// ConfusionSVG draws a confusion matrix (counts[true][predicted]) as a heat map with the count
// and the row percentage in each cell.
func ConfusionSVG(title string, names []string, counts [][]int) string {
	n := len(names)
	cell, left, top := 64, 110, 60
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`,
		left+n*cell+10, top+n*cell+40)
	fmt.Fprintf(&b, `<text x="4" y="16" font-size="14" font-weight="bold">%s</text>`, html.EscapeString(title))
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">predicted</text>`, left+n*cell/2, top+n*cell+32)
	for j, name := range names {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`, left+j*cell+cell/2, top-8, html.EscapeString(name))
	}
	for i, row := range counts {
		total := 0
		for _, c := range row {
			total += c
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, left-6, top+i*cell+cell/2+4, html.EscapeString(names[i]))
		for j, c := range row {
			frac := float64(c) / math.Max(float64(total), 1)
			shade := uint8(255 - 200*frac)
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="rgb(%d,%d,255)" stroke="#ccc"/>`,
				left+j*cell, top+i*cell, cell, cell, shade, shade)
			textColor := "black"
			if frac > 0.6 {
				textColor = "white"
			}
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="%s">%d<tspan x="%d" dy="14">%.0f%%</tspan></text>`,
				left+j*cell+cell/2, top+i*cell+cell/2-3, textColor, c, left+j*cell+cell/2, 100*frac)
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// SaveSVG writes an SVG document to path, creating its directory.
func SaveSVG(svg, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(svg), 0o644)
}
