package cnn

import (
	"sync"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
)

// The first convolution's patches are made on the host, in Go, when a training batch is
// prepared: its input is the image itself, which needs no gradient, so nothing in the graph
// has to gather them. The Go backend's Gather copies a row at a time, and the image's rows
// are 3 numbers long: gathering its 9 · 48 · 48 taps per image took a tenth of a train step.
// The weight gradient wants the same numbers transposed per group of pixels, so they are made
// in that layout too instead of transposing the output gradient in the graph.

// firstConvInput is the first convolution's patches in the two layouts the train step uses.
type firstConvInput struct {
	patches  *Node // [b·h·w, 9·c], rows in pooling order: the forward product
	patchesT *Node // [groups, 9·c, b·h·w/groups]: the weight gradient
}

// firstConvGroups is the number of pixel groups of the first convolution's weight gradient: one
// per window position and image (h/2·w/2 = 576 pixels each), as conv2 and conv3 (weightGroups).
func firstConvGroups(b int) int { return weightGroups(b, ImageSize, ImageSize) }

// firstConvFromImages builds the first convolution's input in the graph from images
// [b, h, w, c] (the same numbers Conv1Patches makes on the host).
func firstConvFromImages(images *Node) firstConvInput {
	rows, b, h, w := mapRows(images)
	patches := im2col3x3Rows(rows, b, h, w, 0, naturalOrder, poolOrder)
	k := patches.Shape().Dimensions[1]
	groups := firstConvGroups(b)
	t := TransposeAllAxes(Reshape(patches, groups, -1, k), 0, 2, 1)
	return firstConvInput{patches: patches, patchesT: t}
}

// elementTables caches, per batch size, where each number of the two layouts comes from.
var elementTables sync.Map // int → *conv1Sources

// conv1Sources holds, for each number of the patches and of their transposed layout, its index
// in the batch's pixels, or len(pixels) for the zero padding.
type conv1Sources struct{ patches, patchesT []int32 }

func conv1SourcesFor(b int) *conv1Sources {
	if t, ok := elementTables.Load(b); ok {
		return t.(*conv1Sources)
	}
	h, w, c := ImageSize, ImageSize, InChannels
	rows := im2colRowsOrdered(b, h, w, 0, naturalOrder, poolOrder)
	p, k := b*h*w, 9*c
	per := p / firstConvGroups(b)
	src := &conv1Sources{patches: make([]int32, p*k), patchesT: make([]int32, p*k)}
	for r := range p {
		for tap, row := range rows[r*9 : (r+1)*9] {
			for ch := range c {
				e := int32(p * c) // the zero appended to the pixels
				if int(row) < p {
					e = row*int32(c) + int32(ch)
				}
				i := tap*c + ch
				src.patches[r*k+i] = e
				g, j := r/per, r%per
				src.patchesT[(g*k+i)*per+j] = e
			}
		}
	}
	t, _ := elementTables.LoadOrStore(b, src)
	return t.(*conv1Sources)
}

// Conv1Patches returns the first convolution's patches of a batch of b images (pixels
// [b, 48, 48, 3] row-major) as the train step takes them: the forward patches
// [b·48·48, 27] in pooling order, and the same numbers as [groups, 27, pixels/groups].
func Conv1Patches(pixels []float32, b int) (patches, patchesT *tensors.Tensor) {
	src := conv1SourcesFor(b)
	padded := append(pixels[:len(pixels):len(pixels)], 0) // a copy, with the padding's zero
	p, k := b*ImageSize*ImageSize, 9*InChannels
	groups := firstConvGroups(b)
	patches = tensors.FromShape(shapesMake(dtypes.Float32, p, k))
	patchesT = tensors.FromShape(shapesMake(dtypes.Float32, groups, k, p/groups))
	var wg sync.WaitGroup
	for _, layout := range []struct {
		t   *tensors.Tensor
		src []int32
	}{{patches, src.patches}, {patchesT, src.patchesT}} {
		wg.Go(func() { // both cores: the graph waits for these
			tensors.MustMutableFlatData(layout.t, func(flat []float32) {
				for i, e := range layout.src {
					flat[i] = padded[e]
				}
			})
		})
	}
	wg.Wait()
	return patches, patchesT
}
