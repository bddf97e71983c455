package cnn

import (
	"fmt"
	"sync"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive

	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

// evalLogProbs is LogProbs(images, false) in the train step's layout, for scoring validation
// and test images: the first convolution's patches come from the host (evalPatches), every
// map's pixels are in pooling order, so that each 2×2 max-pool is a reduction over a leading
// axis, and the convolutions' products run in the weight gradient's groups of pixels. LogProbs'
// in-graph im2col of the image's 3-number rows and its max-pools over two inner axes took half
// of an evaluation batch's time. TestEvalLogProbsEqualLogProbs checks that both give the same bits.
func (m *Model) evalLogProbs(patches *Node) *Node {
	g := patches.Graph()
	trainer.ReadVariablesAsParameters(m.Store, g, false)
	b := patches.Shape().Dimensions[0] / (ImageSize * ImageSize)
	h, w := ImageSize, ImageSize
	var rows *Node // the last block's output [b·h·w, c], natural order
	for i := range Channels {
		scope := fmt.Sprintf("conv%d", i+1)
		if i > 0 {
			patches = im2col3x3Rows(rows, b, h, w, naturalOrder, poolOrder)
		}
		kernel := m.variable(scope, "weights").ValueGraph(g)
		cout := kernel.Shape().Dimensions[0]
		groups := weightGroups(b, h, w)
		y := patchProduct(Reshape(patches, groups, -1, patches.Shape().Dimensions[1]), Reshape(kernel, cout, -1))
		y = Add(y, ExpandAxes(m.variable(scope, "bias").ValueGraph(g), 0))
		if m.Variant.BatchNorm {
			y = m.batchNorm(fmt.Sprintf("bn%d", i+1), y, false)
		}
		y = ReduceMax(Reshape(y, 4, -1), 0) // the 2×2 windows' four positions are the leading axis
		h, w = h/2, w/2
		rows = Reshape(Max(y, ZerosLike(y)), b*h*w, cout)
	}
	var x *Node
	if m.Variant.BatchNorm {
		x = ReduceMean(Reshape(rows, b, h, w, -1), 1, 2) // global average pooling
	} else {
		x = Reshape(rows, b, -1)
	}
	for i := range len(Hidden) + 1 {
		x = m.dense(fmt.Sprintf("fc%d", i+1), x)
		if i == len(Hidden) {
			break
		}
		if m.Variant.BatchNorm && i == 0 {
			x = m.batchNorm("bn_fc1", x, false)
		}
		x = Max(x, ZerosLike(x))
	}
	return LogSoftmax(x, -1)
}

// evalPatches writes the first convolution's patches of b images (pixels [b, 48, 48, 3]) in
// the forward layout of Conv1Patches, the pooling blocks split between two cores.
func evalPatches(pixels []float32, b int, patches []float32) {
	var wg sync.WaitGroup
	half := 2 * b // of the 4·b pooling blocks
	wg.Go(func() { fillPatchBlocks(pixels, b, patches, 0, half) })
	wg.Go(func() { fillPatchBlocks(pixels, b, patches, half, 4*b) })
	wg.Wait()
}
