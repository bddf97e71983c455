package plots

import "testing"

func TestImageGridPlacesImagesByClass(t *testing.T) {
	red := make([]uint8, 4*4*3)
	for i := 0; i < len(red); i += 3 {
		red[i] = 255
	}
	g := &ImageGrid{Title: "t", Names: []string{"a", "b"}, Rows: [][][]uint8{{red, red}, {red}}, Size: 4, Scale: 2}
	img := g.Image()
	if img.Bounds().Dx() != 2*(4*2+2) || img.Bounds().Dy() != 2*(4*2+2) {
		t.Fatalf("grid size %v", img.Bounds())
	}
	if r, gr, _, _ := img.At(1, 1).RGBA(); r>>8 != 255 || gr != 0 {
		t.Error("first cell is not red")
	}
	if r, gr, b, _ := img.At(10+1, 10+1).RGBA(); r>>8 != 255 || gr>>8 != 255 || b>>8 != 255 {
		t.Error("missing image in row b should stay white")
	}
}
