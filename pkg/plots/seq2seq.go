package plots

import (
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

// AttentionFigure draws attention maps side by side as grey-scale grids (darker = more
// weight), phones along the top, produced characters down the left.
func AttentionFigure(name string, maps ...AttentionMap) (*Figure, error) {
	const cell, left, top, gap = 22, 40, 70, 30
	width, height := 10, 0
	for _, m := range maps {
		width += left + len(m.Phones)*cell + gap
		height = max(height, top+len(m.Output)*cell+10)
	}
	return Render(name, px(float64(width)), px(float64(height)), func(dc draw.Canvas) {
		c := pixelCanvas{dc}
		x0 := 10
		for _, m := range maps {
			drawAttentionMap(c, m, x0+left, top, cell)
			x0 += left + len(m.Phones)*cell + gap
		}
	})
}

func drawAttentionMap(c pixelCanvas, m AttentionMap, x, y, cell int) {
	c.label(float64(x-30), 16, m.Title, 12, true, start, color.Black)
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
