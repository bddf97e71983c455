package plots

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot/vg/draw"
)

// AttentionMap is one word's attention: weights[i][j] is how much output character i looked at
// source phone j.
type AttentionMap struct {
	Title   string
	Phones  []string
	Output  []string // produced characters (the last one is usually the end mark)
	Weights [][]float32
}

// MaxFigureWidth is the widest a hand-laid-out figure gets, in CSS pixels: a notebook's
// output area is about 900 pixels wide.
const MaxFigureWidth = 880

// AttentionFigure draws attention maps as grey-scale grids (darker = more weight), phones
// along the top, produced characters down the left, in rows no wider than MaxFigureWidth, with
// a colour bar for the weights on the right.
func AttentionFigure(name string, maps ...AttentionMap) (*Figure, error) {
	const cell, left, top, gap, bar = 22, 40, 70, 30, 80
	type placed struct{ x, y int }
	at := make([]placed, len(maps))
	x, y, rowH, width := 10, 0, 0, 0
	for i, m := range maps {
		w := left + len(m.Phones)*cell + gap
		if x > 10 && x+w > MaxFigureWidth-bar {
			x, y, rowH = 10, y+rowH, 0
		}
		at[i] = placed{x, y}
		x += w
		width = max(width, x)
		rowH = max(rowH, top+len(m.Output)*cell+10)
	}
	height := max(y+rowH, 200)
	width += bar
	return Render(name, px(float64(width)), px(float64(height)), func(dc draw.Canvas) {
		c := pixelCanvas{dc}
		for i, m := range maps {
			drawAttentionMap(c, m, at[i].x+left, at[i].y, top, cell)
		}
		drawWeightBar(c, float64(width-bar+10), top, 140)
	})
}

// drawWeightBar draws the grey scale of the attention weights, 0 (white) at the bottom to 1
// (black) at the top, at (x, y) pixels, h pixels tall.
func drawWeightBar(c pixelCanvas, x, y, h float64) {
	const steps, w = 20, 14
	for i := range steps {
		shade := uint8(255 * (1 - (float64(i)+0.5)/steps))
		c.rect(x, y+h-float64(i+1)*h/steps, w, h/steps, color.Gray{Y: shade}, color.Gray{Y: shade})
	}
	c.rect(x, y, w, h, color.Transparent, color.Black)
	for _, v := range []float64{0, 0.5, 1} {
		c.label(x+w+4, y+h-v*h+4, fmt.Sprintf("%g", v), 11, false, start, color.Black)
	}
	c.label(x, y-10, "weight α", 11, true, start, color.Black)
}

func drawAttentionMap(c pixelCanvas, m AttentionMap, x, y0, top, cell int) {
	c.label(float64(x-30), float64(y0+16), m.Title, 12, true, start, color.Black)
	y := y0 + top
	for j, p := range m.Phones {
		c.label(float64(x+j*cell+cell/2), float64(y-8), p, 12, false, middle, color.Black)
	}
	for i, ch := range m.Output {
		c.label(float64(x-6), float64(y+i*cell+cell/2+4), ch, 12, false, end, color.Black)
		for j := range m.Phones {
			w := 0.0
			if i < len(m.Weights) && j < len(m.Weights[i]) {
				w = float64(m.Weights[i][j])
			}
			shade := uint8(255 * (1 - min(max(w, 0), 1)))
			c.rect(float64(x+j*cell), float64(y+i*cell), float64(cell), float64(cell),
				color.Gray{Y: shade}, color.Gray{Y: 0xdd})
		}
	}
}
