package plots

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"

	"gonum.org/v1/plot/vg"
	plotdraw "gonum.org/v1/plot/vg/draw"
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
func (g *ImageGrid) Image() image.Image { return g.imageAt(1) }

// imageAt renders the grid with every pixel and gap density times larger.
func (g *ImageGrid) imageAt(density int) image.Image {
	cols := 0
	for _, r := range g.Rows {
		cols = max(cols, len(r))
	}
	scale := g.Scale * density
	cell := g.Size*scale + 2*density
	img := image.NewRGBA(image.Rect(0, 0, cols*cell, len(g.Rows)*cell))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for r, row := range g.Rows {
		for c, pix := range row {
			for y := range g.Size * scale {
				for x := range g.Size * scale {
					i := ((y/scale)*g.Size + x/scale) * 3
					img.Set(c*cell+x, r*cell+y, color.RGBA{pix[i], pix[i+1], pix[i+2], 255})
				}
			}
		}
	}
	return img
}

// gridLabelWidth is the room for the class names, in CSS pixels: with eight 48-pixel images
// at scale 2 per row the figure stays within MaxFigureWidth.
const gridLabelWidth = 96

// Figure draws the grid with the class names on the left. The PNG gets the images at its own
// pixel density, so they are copied pixel for pixel, never blurred by scaling.
func (g *ImageGrid) Figure() (*Figure, error) {
	img := g.Image().Bounds()
	const labelW, titleH = gridLabelWidth, 24
	cell := g.Size*g.Scale + 2
	w, h := float64(labelW+img.Dx()), float64(titleH+img.Dy())
	return Render(g.Title, px(w), px(h), func(dc plotdraw.Canvas) {
		c := pixelCanvas{dc}
		c.label(4, 16, g.Title, 13, true, start, color.Black)
		for i, name := range g.Names {
			c.label(labelW-8, float64(titleH+i*cell+cell/2+4), name, 13, false, end, color.Black)
		}
		at := vg.Rectangle{Min: c.point(labelW, h), Max: c.point(w, titleH)}
		c.DrawImage(at, g.imageAt(density(dc)))
	})
}

// ConfusionFigure draws a confusion matrix (counts[true][predicted]) as a heat map with the
// count and the row percentage in each cell; rows are labelled true, columns predicted.
func ConfusionFigure(title string, names []string, counts [][]int) (*Figure, error) {
	n := len(names)
	if len(counts) != n {
		return nil, fmt.Errorf("plots: confusion matrix %q has %d rows for %d class names", title, len(counts), n)
	}
	const cell, left, top = 64, 110, 60
	w, h := float64(left+n*cell+10), float64(top+n*cell+10)
	return Render(title, px(w), px(h), func(dc plotdraw.Canvas) {
		c := pixelCanvas{dc}
		c.label(4, 16, title, 14, true, start, color.Black)
		// Rows are the true classes, columns the predictions: say so where the names start.
		c.label(left, 38, "predicted →", 11, true, start, color.Black)
		c.label(left-6, top-8, "true ↓", 11, true, end, color.Black)
		for j, name := range names {
			c.label(float64(left+j*cell+cell/2), top-8, name, 11, false, middle, color.Black)
		}
		for i, row := range counts {
			total := 0
			for _, k := range row {
				total += k
			}
			c.label(left-6, float64(top+i*cell+cell/2+4), names[i], 11, false, end, color.Black)
			for j, k := range row {
				frac := float64(k) / math.Max(float64(total), 1)
				shade := uint8(255 - 200*frac)
				x, y := float64(left+j*cell), float64(top+i*cell)
				c.rect(x, y, cell, cell, color.RGBA{shade, shade, 255, 255}, color.RGBA{0xcc, 0xcc, 0xcc, 255})
				text := color.Color(color.Black)
				if frac > 0.6 {
					text = color.White
				}
				c.label(x+cell/2, y+cell/2-3, fmt.Sprint(k), 11, false, middle, text)
				c.label(x+cell/2, y+cell/2-3+14, fmt.Sprintf("%.0f%%", 100*frac), 11, false, middle, text)
			}
		}
	})
}

// pngSize reads the pixel size from a PNG's header.
func pngSize(data []byte) (w, h int, err error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, 0, err
	}
	return cfg.Width, cfg.Height, nil
}
