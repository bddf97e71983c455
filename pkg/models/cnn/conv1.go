package cnn

import (
	"sync"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
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
	patches := im2col3x3Rows(rows, b, h, w, naturalOrder, poolOrder)
	k := patches.Shape().Dimensions[1]
	groups := firstConvGroups(b)
	t := TransposeAllAxes(Reshape(patches, groups, -1, k), 0, 2, 1)
	return firstConvInput{patches: patches, patchesT: t}
}

// Conv1Patches returns the first convolution's patches of a batch of b images (pixels
// [b, 48, 48, 3] row-major) as the train step takes them: the forward patches
// [b·48·48, 27] in pooling order, and the same numbers as [groups, 27, pixels/groups].
func Conv1Patches(pixels []float32, b int) (patches, patchesT *tensors.Tensor) {
	patches = tensors.FromShape(conv1PatchesShape(b))
	patchesT = tensors.FromShape(conv1PatchesTShape(b))
	tensors.MustMutableFlatData(patches, func(flat []float32) {
		tensors.MustMutableFlatData(patchesT, func(flatT []float32) { fillConv1Patches(pixels, b, flat, flatT) })
	})
	return patches, patchesT
}

func conv1PatchesShape(b int) shapes.Shape {
	return shapesMake(dtypes.Float32, b*ImageSize*ImageSize, 9*InChannels)
}

func conv1PatchesTShape(b int) shapes.Shape {
	groups := firstConvGroups(b)
	return shapesMake(dtypes.Float32, groups, 9*InChannels, b*ImageSize*ImageSize/groups)
}

// fillConv1Patches writes Conv1Patches' two layouts into patches and patchesT, every number of
// them (the train step hands in the backend's reused buffers, which are not zeroed), each on its
// own core. Each number is read from its pixel directly: the tables of source indices this
// replaced held two int32 per number, 32 MB at batch 64, for the whole run.
func fillConv1Patches(pixels []float32, b int, patches, patchesT []float32) {
	var wg sync.WaitGroup
	wg.Go(func() { fillPatchRows(pixels, b, patches) })
	wg.Go(func() { fillPatchesTransposed(pixels, b, patchesT) })
	wg.Wait()
}

// fillPatchRows writes the patches [b·h·w, 9·c], rows in pooling order, row by row. A row's
// three taps of one kernel row are three neighbouring pixels, 3·c consecutive numbers of the
// image: one copy each, or zeros and the pixels inside where the kernel leaves the image.
func fillPatchRows(pixels []float32, b int, patches []float32) {
	fillPatchBlocks(pixels, b, patches, 0, 4*b)
}

// fillPatchBlocks writes the rows of pooling blocks [from, to) of fillPatchRows' patches (a
// block is one window position of one image: its rows are contiguous).
func fillPatchBlocks(pixels []float32, b int, patches []float32, from, to int) {
	h, w, c := ImageSize, ImageSize, InChannels
	k := 9 * c
	r := from * (h / 2) * (w / 2)
	for q := from; q < to; q++ { // pooling blocks: window position pos, image img
		pos, img := q/b, q%b
		for py := range h / 2 {
			for px := range w / 2 {
				y, x := 2*py+pos/2, 2*px+pos%2
				row := patches[r*k : (r+1)*k]
				for ky := range 3 {
					taps := row[ky*3*c : (ky+1)*3*c]
					sy := y + ky - 1
					if sy < 0 || sy >= h {
						clear(taps)
						continue
					}
					line := pixels[(img*h+sy)*w*c : (img*h+sy+1)*w*c]
					if lo, hi := x-1, x+2; lo >= 0 && hi <= w {
						copy(taps, line[lo*c:hi*c])
						continue
					}
					for kx := range 3 {
						if sx := x + kx - 1; sx < 0 || sx >= w {
							clear(taps[kx*c : (kx+1)*c])
						} else {
							copy(taps[kx*c:(kx+1)*c], line[sx*c:])
						}
					}
				}
				r++
			}
		}
	}
}

// fillPatchesTransposed writes the patches as [groups, 9·c, rows per group], each group's rows
// a run of whole pooling blocks (one window position of one image): for each block, tap and
// channel, the block's pixels are consecutive numbers of the output.
func fillPatchesTransposed(pixels []float32, b int, patchesT []float32) {
	h, w, c := ImageSize, ImageSize, InChannels
	k, half := 9*c, w/2
	perGroup := b * h * w / firstConvGroups(b)
	for q := range 4 * b { // pooling blocks: window position pos, image img
		pos, img := q/b, q%b
		g, j0 := q*half*(h/2)/perGroup, q*half*(h/2)%perGroup
		for tap := range 9 {
			oy, ox := pos/2+tap/3-1, pos%2+tap%3-1
			// The block's columns px read x = 2·px + ox: inside the image for px in [first, last).
			first, last := 0, half
			if ox < 0 {
				first = 1
			}
			if 2*(half-1)+ox >= w {
				last = half - 1
			}
			for ch := range c {
				out := patchesT[(g*k+tap*c+ch)*perGroup+j0:][:half*(h/2)]
				for py := range h / 2 {
					line := out[py*half : (py+1)*half]
					sy := 2*py + oy
					if sy < 0 || sy >= h {
						clear(line)
						continue
					}
					clear(line[:first])
					clear(line[last:])
					src := pixels[((img*h+sy)*w+2*first+ox)*c+ch:]
					for i := range line[first:last] {
						line[first+i] = src[2*i*c]
					}
				}
			}
		}
	}
}
