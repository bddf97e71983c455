package plots

import (
	"fmt"
	"html"
	"strings"
)

// AttentionMap is one word's attention: weights[i][j] is how much output character i looked at
// source phone j.
type AttentionMap struct {
	Title   string
	Phones  []string
	Output  []string // produced characters (the last one is usually the end mark)
	Weights [][]float32
}

// AttentionSVG draws attention maps side by side as grey-scale grids (darker = more weight),
// phones along the top, produced characters down the left.
func AttentionSVG(maps ...AttentionMap) string {
	const cell, left, top, gap = 22, 40, 70, 30
	width, height := 10, 0
	for _, m := range maps {
		width += left + len(m.Phones)*cell + gap
		height = max(height, top+len(m.Output)*cell+10)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`, width, height)
	x0 := 10
	for _, m := range maps {
		writeAttentionMap(&b, m, x0+left, top, cell)
		x0 += left + len(m.Phones)*cell + gap
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func writeAttentionMap(b *strings.Builder, m AttentionMap, x, y, cell int) {
	fmt.Fprintf(b, `<text x="%d" y="16" font-weight="bold">%s</text>`, x-30, html.EscapeString(m.Title))
	for j, p := range m.Phones {
		cx := x + j*cell + cell/2
		fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`, cx, y-8, html.EscapeString(p))
	}
	for i, ch := range m.Output {
		fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, x-6, y+i*cell+cell/2+4, html.EscapeString(ch))
		for j := range m.Phones {
			w := 0.0
			if i < len(m.Weights) && j < len(m.Weights[i]) {
				w = float64(m.Weights[i][j])
			}
			shade := int(255 * (1 - min(max(w, 0), 1)))
			fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="rgb(%d,%d,%d)" stroke="#ddd"><title>%.2f</title></rect>`,
				x+j*cell, y+i*cell, cell, cell, shade, shade, shade, w)
		}
	}
}
