package cnn

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

// Hand-written backward pass for the train step.
//
// GoMLX's automatic differentiation is correct but, on the pure-Go backend, about a third of a
// step went to work the backward pass does not need: every matmul's gradient ends with an
// identity Transpose (a full copy through a generic iterator), max and max-pool gradients are
// built from chains of Sign ops, the input image gets a gradient nobody uses, and each im2col
// view's gradient is padded back separately. Here each layer's gradient is written directly:
// matmuls whose operands are already in the layout the backend's kernel wants, the input
// gradient of a convolution as one product with the kernel and a gather per tap
// (inputGradient), pooling and ReLU as a single Where. TestManualGradientsMatchAutodiff checks
// it against graph.Gradient.

// trainShards is how many independent parts the train step splits a batch into. The Go backend
// runs each element-wise operation, gather and reduction on one core, but runs independent
// operations side by side: with the batch's images in two halves, each with its own
// convolutions, pooling and batch-norm passes, both cores stay busy (an element-wise chain over
// two halves ran 1.7× as fast as over the whole). A constant, not the machine's core count, so
// that a seed gives the same numbers everywhere. The halves meet only in small tensors: the
// batch-norm statistics, the weight gradients and the dense layers' [b, features] inputs.
const trainShards = 2

// shardSizes splits b images into at most trainShards contiguous parts, the first ones larger.
func shardSizes(b int) []int {
	sizes := make([]int, min(trainShards, b))
	for i := range sizes {
		sizes[i] = b / len(sizes)
		if i < b%len(sizes) {
			sizes[i]++
		}
	}
	return sizes
}

// stepInput is a train step's batch as its graph takes it: the images split into shards.
type stepInput struct {
	labels     *Node            // [b], the whole batch
	first      []firstConvInput // per shard: the first convolution's patches
	blockMasks [][]*Node        // [shard][block] dropout masks of the conv blocks; nil without dropout
	denseMasks []*Node          // the hidden dense layers' masks, whole batch; nil without dropout
}

// blockCache holds what a conv block's backward pass needs from its forward pass.
type blockCache struct {
	scope  string
	bn     *bnCache // nil without batch norm
	shards []*shardCache
}

// shardCache is one shard's part of a blockCache.
type shardCache struct {
	inShape  []int // [b, h, w, cin] of this shard
	patches  *Node // [b·h·w, 9·cin] (block 1) or [groups, b·h·w/groups, 9·cin], rows in pooling order
	patchesT *Node // the first block's patches as [groups, 9·cin, pixels/groups]; else nil
	prePool  *Node // [4, b·h/2·w/2·c]: the four positions of each 2×2 window (after batch norm, if any)
	pooled   *Node // [b, h/2, w/2, c] (before ReLU)
	dropMask *Node // [b, h/2, w/2, c], scaled by 1/(1−p); nil without dropout
}

// bnCache holds what a batch-norm layer's backward pass needs: per shard its input minus the
// batch mean, and per feature 1/σ and γ/σ.
type bnCache struct {
	scope    string
	centered []*Node
	invStd   *Node // [C]
	scale    *Node // γ/σ [C]
}

// denseCache holds a dense layer's input and, for hidden layers, its pre-activation and mask.
type denseCache struct {
	scope    string
	in       *Node
	bn       *bnCache
	preAct   *Node // input of the ReLU
	dropMask *Node
}

// LossAndGradients runs the training-mode forward pass on images [b,48,48,3] and labels [b]
// and returns the mean NLL loss and the gradient of every Trainable variable, in order.
// Batch-norm running averages are updated as a side effect (as in LogProbs(…, true)).
// masks are the step's dropout masks (DropoutMasks), none when the model's Dropout is 0.
func (m *Model) LossAndGradients(images, labels *Node, masks ...*Node) (loss *Node, grads []*Node) {
	if want := m.numDropoutMasks(); len(masks) != want {
		panic(fmt.Sprintf("cnn: the train step needs %d dropout masks (dropout %g), got %d", want, m.Dropout, len(masks)))
	}
	in := stepInput{labels: labels}
	lo := 0
	for _, n := range shardSizes(images.Shape().Dimensions[0]) {
		part := func(x *Node) *Node { return Slice(x, AxisRange(lo, lo+n)) }
		in.first = append(in.first, firstConvFromImages(part(images)))
		if len(masks) > 0 {
			var shard []*Node
			for _, mask := range masks[:len(Channels)] {
				shard = append(shard, part(mask))
			}
			in.blockMasks = append(in.blockMasks, shard)
		}
		lo += n
	}
	if len(masks) > 0 {
		in.denseMasks = masks[len(Channels):]
	}
	return m.lossAndScaledGradients(in, nil)
}

// lossAndScaledGradients is LossAndGradients of the step's input with every gradient multiplied
// by scale (a scalar; nil for 1). The backward pass is linear in the loss's gradient, so the
// training step passes the learning rate here and multiplies the [b, 6] gradient of the logits
// instead of each of the 5.3 million parameters' gradients.
func (m *Model) lossAndScaledGradients(in stepInput, scale *Node) (loss *Node, grads []*Node) {
	g := in.labels.Graph()
	trainer.ReadVariablesAsParameters(m.Store, g, true)
	blocks := make([]*blockCache, len(Channels))
	var xs []*Node // the shards' feature maps
	for i := range Channels {
		blocks[i], xs = m.blockForward(i, xs, in)
	}
	features := make([]*Node, len(xs))
	for s, x := range xs {
		if m.Variant.BatchNorm {
			features[s] = ReduceMean(x, 1, 2)
		} else {
			features[s] = Reshape(x, x.Shape().Dimensions[0], -1)
		}
	}
	x := joinShards(features)
	fcs := make([]*denseCache, len(Hidden)+1)
	for i := range fcs {
		var mask *Node
		if i < len(in.denseMasks) {
			mask = in.denseMasks[i]
		}
		fcs[i], x = m.denseForward(i, x, mask)
	}
	logProbs := LogSoftmax(x, -1)
	loss = NLLLoss(logProbs, in.labels)

	// Backward: d loss / d logits of the mean NLL of a log-softmax.
	batch := float64(in.labels.Shape().Dimensions[0])
	oneHot := OneHot(in.labels, NumClasses, logProbs.DType())
	grad := DivScalar(Sub(Exp(logProbs), oneHot), batch)
	if scale != nil {
		grad = Mul(grad, scale)
	}
	named := map[string]*Node{}
	for i := len(fcs) - 1; i >= 0; i-- {
		grad = m.denseBackward(fcs[i], grad, named)
	}
	gradMaps := splitShards(grad, xs)
	for s, gs := range gradMaps {
		dims := xs[s].Shape().Dimensions
		if m.Variant.BatchNorm { // the gradient of the global average pooling
			b, h, w, c := dims[0], dims[1], dims[2], dims[3]
			gradMaps[s] = BroadcastToDims(Reshape(DivScalar(gs, float64(h*w)), b, 1, 1, c), dims...)
		} else {
			gradMaps[s] = Reshape(gs, dims...)
		}
	}
	for i := len(blocks) - 1; i >= 0; i-- {
		gradMaps = m.blockBackward(blocks[i], gradMaps, i > 0, named)
	}
	for _, v := range m.Trainable {
		gv, ok := named[strings.TrimPrefix(v.Scope(), "/cnn/")+"/"+v.Name()]
		if !ok {
			panic(fmt.Sprintf("cnn backprop: no gradient for %s", v.Path()))
		}
		grads = append(grads, gv)
	}
	return loss, grads
}

// joinShards concatenates the shards' [b_s, …] values along the batch axis.
func joinShards(xs []*Node) *Node {
	if len(xs) == 1 {
		return xs[0]
	}
	return Concatenate(xs, 0)
}

// splitShards cuts x [b, …] along the batch axis into parts as large as the shards' like[s].
func splitShards(x *Node, like []*Node) []*Node {
	if len(like) == 1 {
		return []*Node{x}
	}
	parts := make([]*Node, len(like))
	lo := 0
	for s, l := range like {
		n := l.Shape().Dimensions[0]
		parts[s] = Slice(x, AxisRange(lo, lo+n))
		lo += n
	}
	return parts
}

// sumShards adds the shards' values (partial sums of the same statistic or gradient).
func sumShards(xs []*Node) *Node {
	sum := xs[0]
	for _, x := range xs[1:] {
		sum = Add(sum, x)
	}
	return sum
}

// blockForward: conv 3×3 → (batch norm) → 2×2 max-pool → ReLU → dropout, on every shard. Block 0
// reads its patches from the step's input, the others im2col their input xs.
func (m *Model) blockForward(i int, xs []*Node, in stepInput) (*blockCache, []*Node) {
	g := in.labels.Graph()
	c := &blockCache{scope: fmt.Sprintf("conv%d", i+1)}
	kernel := m.variable(c.scope, "weights").ValueGraph(g)
	bias := m.variable(c.scope, "bias").ValueGraph(g)
	cout := kernel.Shape().Dimensions[0]
	ys := make([]*Node, len(in.first))
	for s := range ys {
		sc := &shardCache{}
		// The patches' rows come in pooling order (poolOrder), so the convolution's output is
		// [4, pooled pixels·cout]: the 2×2 max-pool is a reduction over the leading axis and its
		// gradient a leading-axis broadcast, both contiguous loops in the Go backend (in pixel
		// order they ran through its generic iterators: a fifth of a batch-8 step).
		if i == 0 {
			b := in.first[s].patches.Shape().Dimensions[0] / (ImageSize * ImageSize)
			sc.inShape = []int{b, ImageSize, ImageSize, InChannels}
			sc.patches, sc.patchesT = in.first[s].patches, in.first[s].patchesT
		} else {
			sc.inShape = xs[s].Shape().Dimensions
			rows, b, h, w := mapRows(xs[s])
			// Made in the weight gradient's groups of pixels at once: the backend copies a
			// value that has other uses on every Reshape, and the patches have two.
			sc.patches = Reshape(im2col3x3Rows(rows, b, h, w, naturalOrder, poolOrder), weightGroups(b, h, w), -1, 9*sc.inShape[3])
		}
		cin := sc.inShape[3]
		ys[s] = patchProduct(sc.patches, Reshape(kernel, cout, 9*cin))
		if !m.Variant.BatchNorm { // a batch norm subtracts the bias again with the mean (batchNormTrain)
			ys[s] = Add(ys[s], ExpandAxes(bias, 0))
		}
		c.shards = append(c.shards, sc)
	}
	if m.Variant.BatchNorm {
		c.bn, ys = m.batchNormTrain(fmt.Sprintf("bn%d", i+1), ys, bias)
	}
	for s, sc := range c.shards {
		b, h, w := sc.inShape[0], sc.inShape[1], sc.inShape[2]
		sc.prePool = Reshape(ys[s], 4, -1)
		sc.pooled = Reshape(ReduceMax(sc.prePool, 0), b, h/2, w/2, cout)
		ys[s] = Max(sc.pooled, ZerosLike(sc.pooled))
		if in.blockMasks != nil {
			sc.dropMask = in.blockMasks[s][i]
			ys[s] = Mul(ys[s], sc.dropMask)
		}
	}
	return c, ys
}

// blockBackward returns the gradient of the block's input per shard (nil if !needInput) and
// records the block's parameter gradients in named.
func (m *Model) blockBackward(c *blockCache, grads []*Node, needInput bool, named map[string]*Node) []*Node {
	g := grads[0].Graph()
	cout := grads[0].Shape().Dimensions[3]
	for s, sc := range c.shards {
		grad := grads[s]
		if sc.dropMask != nil {
			grad = Mul(grad, sc.dropMask)
		}
		grad = Where(GreaterThan(sc.pooled, ZerosLike(sc.pooled)), grad, ZerosLike(grad)) // ReLU
		grads[s] = maxPoolBackward(sc.prePool, sc.pooled, grad)                           // [4·pooled pixels, cout], pooling order
	}
	if c.bn != nil {
		grads = m.batchNormBackward(c.bn, grads, named)
		// The bias before a batch norm has no effect on its output: its gradient is exactly 0.
		named[c.scope+"/bias"] = Zeros(g, shapesMake(dtypes.Float32, cout))
	} else {
		sums := make([]*Node, len(grads))
		for s, grad := range grads {
			sums[s] = sumOverRows(grad)
		}
		named[c.scope+"/bias"] = sumShards(sums)
	}
	// dW [cout, 9·cin] = gradᵀ · patches, summed over the shards.
	dW := make([]*Node, len(grads))
	for s, sc := range c.shards {
		if sc.patchesT != nil {
			dW[s] = weightGradientT(grads[s], sc.patchesT)
		} else {
			dW[s] = weightGradient(grads[s], sc.patches)
		}
	}
	cin := c.shards[0].inShape[3]
	named[c.scope+"/weights"] = Reshape(sumShards(dW), cout, 3, 3, cin)
	if !needInput {
		return nil
	}
	kernel := Reshape(m.variable(c.scope, "weights").ValueGraph(g), cout, -1) // [cout, 9·cin]
	out := make([]*Node, len(grads))
	for s, sc := range c.shards {
		out[s] = inputGradient(grads[s], kernel, sc.inShape)
	}
	return out
}

// inputGradient is the gradient of a 3×3 convolution's input [b, h, w, cin] from the gradient
// of its output grad [b·h·w, cout] (rows in pooling order) and its kernel [cout, 9·cin]. Each
// tap t of the kernel sends pixel q's gradient back to the pixel it read, q + offset(t), as
// grad[q] · W_t: one product Y = grad · kernel [pixels, 9·cin] holds every tap's, and the
// input's gradient at pixel i is Σ_t Y[i − offset(t), t], a gather of rows of Y per tap, summed.
// The "full" convolution this replaced (an im2col of grad [pixels, 9·cout] times the flipped
// kernel) made a matrix twice as large as Y, which the product's kernel then packed whole: at
// batch 64, 85 MB for the second block alone. A zero row appended to grad gives Y a zero row
// (0 · W = 0) for the taps that fall outside the image.
//
// grad's rows are first put in natural order (one gather of whole rows), so that each tap's
// gather walks Y in one sequential pass. From pooling order it jumped between the four
// quadrants of a Y too large for the caches: at batch 64, 3.2 ms per tap gather of block 2
// against 0.67 ms, a fifth of the step's work (docs/performance.md, session 17).
func inputGradient(grad, kernel *Node, inShape []int) *Node {
	g := grad.Graph()
	b, h, w, cin := inShape[0], inShape[1], inShape[2], inShape[3]
	p, cout := grad.Shape().Dimensions[0], grad.Shape().Dimensions[1]
	natural := Gather(grad, Const(g, tensors.FromFlatDataAndDimensions(reorderRows(b, h, w, poolOrder, naturalOrder), p, 1)))
	rows := Concatenate([]*Node{natural, Zeros(g, shapesMake(grad.DType(), 1, cout))}, 0)
	y := Reshape(Dot(rows, kernel).Product(), (p+1)*9, cin) // row r·9 + t: tap t of pixel r
	var sum *Node
	for _, idx := range col2imRows(b, h, w, naturalOrder) {
		part := Gather(y, Const(g, tensors.FromFlatDataAndDimensions(idx, p, 1)))
		if sum == nil {
			sum = part
		} else {
			sum = Add(sum, part)
		}
	}
	return Reshape(sum, b, h, w, cin)
}

// reorderRows lists, for every pixel of a [b, h, w] grid in order dst, its row in order src.
func reorderRows(b, h, w int, src, dst pixelOrder) []int32 {
	rows := make([]int32, b*h*w)
	for img := range b {
		for y := range h {
			for x := range w {
				rows[dst(b, h, w, img, y, x)] = int32(src(b, h, w, img, y, x))
			}
		}
	}
	return rows
}

// col2imRows lists, for each of the 9 taps t of a 3×3 kernel and every input pixel i of a
// [b, h, w] grid in natural order, the row r·9 + t of Y (inputGradient) that sends its gradient
// there: r is the output pixel whose tap t read i, in order src, or b·h·w (Y's zero row) where
// that pixel is outside the image.
func col2imRows(b, h, w int, src pixelOrder) [9][]int32 {
	var rows [9][]int32
	zero := int32(b * h * w)
	for t := range rows {
		ky, kx := t/3, t%3
		rows[t] = make([]int32, b*h*w)
		for img := range b {
			for y := range h {
				for x := range w {
					r := zero
					// Output pixel (oy, ox) reads input (oy + ky − 1, ox + kx − 1) with tap t.
					if oy, ox := y-ky+1, x-kx+1; oy >= 0 && oy < h && ox >= 0 && ox < w {
						r = int32(src(b, h, w, img, oy, ox))
					}
					rows[t][naturalOrder(b, h, w, img, y, x)] = r*9 + int32(t)
				}
			}
		}
	}
	return rows
}

// weightGradient is gradᵀ · patches [cout, 9·cin] for grad [p, cout] and patches
// [groups, p/groups, 9·cin] over p pixels, computed group by group of pixels (a product batched
// over the groups, then a sum). The Go backend shares a product among its workers by output rows
// and columns only: the single product, with a contraction of all p pixels and an output of only
// cout × 9·cin, was re-packed whole by every worker (a fifth of a CNN train step). Batched, each
// worker packs its own groups once. docs/performance.md has the measurements.
func weightGradient(grad, patches *Node) *Node {
	perGroup := Dot(transposedPerGroup(grad, patches.Shape().Dimensions[0]), patches).
		General([]int{2}, []int{0}, []int{1}, []int{0}) // [groups, cout, 9·cin]
	return ReduceSum(perGroup, 0)
}

// patchProduct is a convolution's output [pixels, cout] from its patches, [pixels, 9·cin] or in
// groups of pixels [groups, pixels/groups, 9·cin], and its kernel [cout, 9·cin].
func patchProduct(patches, kernel *Node) *Node {
	if patches.Rank() == 2 {
		return matmulTransposed(patches, kernel)
	}
	out := Dot(patches, kernel).General([]int{2}, nil, []int{1}, nil) // [groups, pixels/groups, cout]
	return Reshape(out, -1, kernel.Shape().Dimensions[0])
}

// transposedPerGroup is x [p, c] cut into groups of p/groups rows, each transposed:
// [groups, c, p/groups]. It is computed as the product I · xᵀ per group, which is exact (one
// term 1·x, the others 0·x) and runs in the backend's matmul kernel on both cores, where its
// Transpose went element by element on one (8% of a batch-64 step; this is 7–9% faster).
func transposedPerGroup(x *Node, groups int) *Node {
	p, c := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
	identity := BroadcastPrefix(DiagonalWithValue(ScalarOne(x.Graph(), x.DType()), c), groups) // [groups, c, c]
	return Dot(identity, Reshape(x, groups, p/groups, c)).
		General([]int{2}, []int{0}, []int{2}, []int{0}) // [groups, c, p/groups]
}

// weightGroups is the number of groups the weight gradient of a convolution over [b, h, w]
// splits its pixels into: groups of whole pooling blocks (h/2·w/2 pixels: one window position
// of one image) of at least 512 pixels, so each product is large enough to run well and there
// are still several per worker.
func weightGroups(b, h, w int) int {
	block, blocks := h/2*w/2, 4*b
	per := min((512+block-1)/block, blocks)
	for blocks%per != 0 {
		per++
	}
	return blocks / per
}

// weightGradientT is weightGradient for patches given transposed per group, patchesT
// [groups, 9·cin, pixels/groups]: the product (patchesᵀ · grad per group) needs no transpose.
func weightGradientT(grad, patchesT *Node) *Node {
	groups, cout := patchesT.Shape().Dimensions[0], grad.Shape().Dimensions[1]
	perGroup := Dot(patchesT, Reshape(grad, groups, -1, cout)).
		General([]int{2}, []int{0}, []int{1}, []int{0}) // [groups, 9·cin, cout]
	return Transpose(ReduceSum(perGroup, 0), 0, 1)
}

// maxPoolBackward routes each window's gradient to the position(s) that held its maximum:
// prePool [4, n] holds the four positions of each window (pooling order), pooled and grad its
// maximum and gradient [b, h/2, w/2, c]; the result is [4·n/c, c].
func maxPoolBackward(prePool, pooled, grad *Node) *Node {
	c := pooled.Shape().Dimensions[3]
	isMax := Equal(prePool, Reshape(pooled, 1, -1))
	return Reshape(Where(isMax, Reshape(grad, 1, -1), ScalarZero(grad.Graph(), grad.DType())), -1, c)
}

// denseForward: fc_i, then for hidden layers (batch norm after fc1) → ReLU → dropout.
func (m *Model) denseForward(i int, x, dropMask *Node) (*denseCache, *Node) {
	g := x.Graph()
	c := &denseCache{scope: fmt.Sprintf("fc%d", i+1), in: x}
	y := matmulTransposed(x, m.variable(c.scope, "weights").ValueGraph(g))
	y = Add(y, ExpandAxes(m.variable(c.scope, "bias").ValueGraph(g), 0))
	if i == len(Hidden) {
		return c, y
	}
	if m.Variant.BatchNorm && i == 0 {
		var ys []*Node
		c.bn, ys = m.batchNormTrain("bn_fc1", []*Node{y}, nil)
		y = ys[0]
	}
	c.preAct = y
	y = Max(y, ZerosLike(y))
	c.dropMask = dropMask
	if c.dropMask != nil {
		y = Mul(y, c.dropMask)
	}
	return c, y
}

// denseBackward returns the gradient of the layer's input, recording parameter gradients.
func (m *Model) denseBackward(c *denseCache, grad *Node, named map[string]*Node) *Node {
	g := grad.Graph()
	if c.preAct != nil {
		if c.dropMask != nil {
			grad = Mul(grad, c.dropMask)
		}
		grad = Where(GreaterThan(c.preAct, ZerosLike(c.preAct)), grad, ZerosLike(grad))
		if c.bn != nil {
			grad = m.batchNormBackward(c.bn, []*Node{grad}, named)[0]
		}
	}
	named[c.scope+"/weights"] = Dot(Transpose(grad, 0, 1), c.in).Product() // [out, in]
	named[c.scope+"/bias"] = ReduceSum(grad, 0)
	return Dot(grad, m.variable(c.scope, "weights").ValueGraph(g)).Product()
}

// sumOverRows sums x over all axes but the last, as one reduction over the leading axis of
// x [rows, features]: the Go backend has a vectorised kernel for exactly that (measured faster
// than a product with a row of ones, which it replaced when GoMLX moved to v0.28.16). The
// backend copies on every Reshape of a value that has other uses, even to the same shape.
func sumOverRows(x *Node) *Node {
	if x.Rank() != 2 {
		x = Reshape(x, -1, x.Shape().Dimensions[x.Rank()-1])
	}
	return ReduceSum(x, 0)
}

// batchNormTrain normalises the shards xs [rows, C] with the statistics of all of them, moves the
// running averages (as batchNorm does in training) and keeps what the backward pass needs.
// shift, if not nil, is a per-feature bias the caller did not add to xs: it cancels in the output
// (the batch mean contains it), so only the running mean, which evaluation subtracts from inputs
// that have it, adds it back.
func (m *Model) batchNormTrain(scope string, xs []*Node, shift *Node) (*bnCache, []*Node) {
	g := xs[0].Graph()
	count := 0
	sums := make([]*Node, len(xs))
	for s, x := range xs {
		count += x.Shape().Dimensions[0]
		sums[s] = sumOverRows(x)
	}
	mean := DivScalar(sumShards(sums), float64(count)) // [C]
	c := &bnCache{scope: scope, centered: make([]*Node, len(xs))}
	for s, x := range xs {
		c.centered[s] = Sub(x, ExpandAxes(mean, 0))
		sums[s] = sumOverRows(Square(c.centered[s]))
	}
	variance := DivScalar(sumShards(sums), float64(count))
	c.invStd = Rsqrt(AddScalar(variance, batchNormEps))
	c.scale = Mul(m.variable(scope, "gamma").ValueGraph(g), c.invStd)
	beta := ExpandAxes(m.variable(scope, "beta").ValueGraph(g), 0)
	momentum := Scalar(g, dtypes.Float32, batchNormMoment)
	runMean, runVar := m.variable(scope, "running_mean"), m.variable(scope, "running_var")
	if shift != nil {
		mean = Add(mean, shift)
	}
	runMean.SetValueGraph(lerp(runMean.ValueGraph(g), mean, momentum))
	runVar.SetValueGraph(lerp(runVar.ValueGraph(g), MulScalar(variance, float64(count)/math.Max(float64(count-1), 1)), momentum))
	// y = x̂·γ + β = (x − μ)·(γ/σ) + β: x̂ itself is never made.
	out := make([]*Node, len(xs))
	for s, centered := range c.centered {
		out[s] = Add(Mul(centered, ExpandAxes(c.scale, 0)), beta)
	}
	return c, out
}

// batchNormBackward: with n values per feature and x̂ = (x − μ)/σ,
// dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)), dγ = Σ dy · x̂, dβ = Σ dy; the sums run over all
// the shards. Written with x − μ instead of x̂: dx = (γ/σ)·dy + k·(x − μ) + c₀ with
// k = −(γ/σ)·Σ dy·(x − μ)/(n·σ²) and c₀ = −(γ/σ)·mean(dy).
func (m *Model) batchNormBackward(c *bnCache, grads []*Node, named map[string]*Node) []*Node {
	n := 0
	sums, sumsCentered := make([]*Node, len(grads)), make([]*Node, len(grads))
	for s, grad := range grads {
		n += grad.Shape().Dimensions[0]
		sums[s] = sumOverRows(grad)
		sumsCentered[s] = sumOverRows(Mul(grad, c.centered[s]))
	}
	dBeta, dyCentered := sumShards(sums), sumShards(sumsCentered)
	named[c.scope+"/gamma"] = Mul(dyCentered, c.invStd)
	named[c.scope+"/beta"] = dBeta
	k := ExpandAxes(Neg(DivScalar(Mul(Mul(c.scale, Square(c.invStd)), dyCentered), float64(n))), 0)
	c0 := ExpandAxes(Neg(DivScalar(Mul(c.scale, dBeta), float64(n))), 0)
	out := make([]*Node, len(grads))
	for s, grad := range grads {
		out[s] = Add(Add(Mul(grad, ExpandAxes(c.scale, 0)), Mul(c.centered[s], k)), c0)
	}
	return out
}
