package cnn

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive

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
// gradient of a convolution as one more im2col product with the flipped kernel, pooling and
// ReLU as a single Where. TestManualGradientsMatchAutodiff checks it against graph.Gradient.

// blockCache holds what a conv block's backward pass needs from its forward pass.
type blockCache struct {
	scope, bnScope string
	inShape        []int // [b, h, w, cin]
	patches        *Node // [b·h·w, 9·cin], rows in pooling order
	patchesT       *Node // the first block's patches as [groups, 9·cin, pixels/groups]; else nil
	bn             *bnCache
	prePool        *Node // [4, b·h/2·w/2·c]: the four positions of each 2×2 window (after batch norm, if any)
	pooled         *Node // [b, h/2, w/2, c] (before ReLU)
	dropMask       *Node // [b, h/2, w/2, c], scaled by 1/(1−p); nil without dropout
}

// bnCache holds a batch-norm layer's normalised input and 1/σ.
type bnCache struct {
	scope  string
	xHat   *Node
	invStd *Node // per feature, broadcastable to xHat
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
	return m.lossAndScaledGradients(firstConvFromImages(images), labels, nil, masks)
}

// lossAndScaledGradients is LossAndGradients with every gradient multiplied by scale (a scalar;
// nil for 1). The backward pass is linear in the loss's gradient, so the training step passes
// the learning rate here and multiplies the [b, 6] gradient of the logits instead of each of the
// 5.3 million parameters' gradients.
func (m *Model) lossAndScaledGradients(in firstConvInput, labels, scale *Node, masks []*Node) (loss *Node, grads []*Node) {
	g := labels.Graph()
	trainer.ReadVariablesAsParameters(m.Store, g, true)
	if want := m.numDropoutMasks(); len(masks) != want {
		panic(fmt.Sprintf("cnn: the train step needs %d dropout masks (dropout %g), got %d", want, m.Dropout, len(masks)))
	}
	mask := func(i int) *Node {
		if i >= len(masks) { // no dropout, or the output layer
			return nil
		}
		return masks[i]
	}
	blocks := make([]*blockCache, len(Channels))
	var x *Node
	for i := range Channels {
		blocks[i], x = m.blockForward(i, x, in, mask(i))
	}
	spatial := x.Shape().Dimensions
	if m.Variant.BatchNorm {
		x = ReduceMean(x, 1, 2)
	} else {
		x = Reshape(x, spatial[0], -1)
	}
	fcs := make([]*denseCache, len(Hidden)+1)
	for i := range fcs {
		fcs[i], x = m.denseForward(i, x, mask(len(Channels)+i))
	}
	logProbs := LogSoftmax(x, -1)
	loss = NLLLoss(logProbs, labels)

	// Backward: d loss / d logits of the mean NLL of a log-softmax.
	batch := float64(spatial[0])
	oneHot := OneHot(labels, NumClasses, logProbs.DType())
	grad := DivScalar(Sub(Exp(logProbs), oneHot), batch)
	if scale != nil {
		grad = Mul(grad, scale)
	}
	named := map[string]*Node{}
	for i := len(fcs) - 1; i >= 0; i-- {
		grad = m.denseBackward(fcs[i], grad, named)
	}
	if m.Variant.BatchNorm {
		b, h, w, c := spatial[0], spatial[1], spatial[2], spatial[3]
		grad = BroadcastToDims(Reshape(DivScalar(grad, float64(h*w)), b, 1, 1, c), b, h, w, c)
	} else {
		grad = Reshape(grad, spatial...)
	}
	for i := len(blocks) - 1; i >= 0; i-- {
		grad = m.blockBackward(blocks[i], grad, i > 0, named)
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

// blockForward: conv 3×3 → (batch norm) → 2×2 max-pool → ReLU → dropout. Block 0 reads its
// patches from first, the others im2col their input x.
func (m *Model) blockForward(i int, x *Node, first firstConvInput, dropMask *Node) (*blockCache, *Node) {
	g := first.patches.Graph()
	c := &blockCache{scope: fmt.Sprintf("conv%d", i+1)}
	kernel := m.variable(c.scope, "weights").ValueGraph(g)
	cout := kernel.Shape().Dimensions[0]
	// The patches' rows come in pooling order (poolOrder), so the convolution's output is
	// [4, pooled pixels·cout]: the 2×2 max-pool is a reduction over the leading axis and its
	// gradient a leading-axis broadcast, both contiguous loops in the Go backend (in pixel order
	// they ran through its generic iterators: a fifth of a batch-8 step).
	if i == 0 {
		b := first.patches.Shape().Dimensions[0] / (ImageSize * ImageSize)
		c.inShape = []int{b, ImageSize, ImageSize, InChannels}
		c.patches, c.patchesT = first.patches, first.patchesT
	} else {
		c.inShape = x.Shape().Dimensions
		c.patches = im2col3x3Rows(x, 0, naturalOrder, poolOrder)
	}
	b, h, w, cin := c.inShape[0], c.inShape[1], c.inShape[2], c.inShape[3]
	y := matmulTransposed(c.patches, Reshape(kernel, cout, 9*cin))
	y = Add(y, ExpandAxes(m.variable(c.scope, "bias").ValueGraph(g), 0))
	if m.Variant.BatchNorm {
		c.bnScope = fmt.Sprintf("bn%d", i+1)
		c.bn, y = m.batchNormTrain(c.bnScope, y)
	}
	c.prePool = Reshape(y, 4, -1)
	c.pooled = Reshape(ReduceMax(c.prePool, 0), b, h/2, w/2, cout)
	y = Max(c.pooled, ZerosLike(c.pooled))
	c.dropMask = dropMask
	if c.dropMask != nil {
		y = Mul(y, c.dropMask)
	}
	return c, y
}

// blockBackward returns the gradient of the block's input (nil if !needInput) and records the
// block's parameter gradients in named.
func (m *Model) blockBackward(c *blockCache, grad *Node, needInput bool, named map[string]*Node) *Node {
	g := grad.Graph()
	if c.dropMask != nil {
		grad = Mul(grad, c.dropMask)
	}
	grad = Where(GreaterThan(c.pooled, ZerosLike(c.pooled)), grad, ZerosLike(grad)) // ReLU
	b, h, w, cin := c.inShape[0], c.inShape[1], c.inShape[2], c.inShape[3]
	cout := grad.Shape().Dimensions[3]
	grad = maxPoolBackward(c.prePool, c.pooled, grad) // [4·pooled pixels, cout], pooling order
	if c.bn != nil {
		grad = m.batchNormBackward(c.bn, grad, named)
	}
	grad2 := Reshape(grad, b*h*w, cout)
	// dW [cout, 9·cin] = gradᵀ · patches; the kernel wants the contracted axis last on the left.
	if c.patchesT != nil {
		named[c.scope+"/weights"] = Reshape(weightGradientT(grad2, c.patchesT), cout, 3, 3, cin)
	} else {
		named[c.scope+"/weights"] = Reshape(weightGradient(grad2, c.patches, weightGroups(b, h, w)), cout, 3, 3, cin)
	}
	named[c.scope+"/bias"] = sumOverRows(grad2)
	if !needInput {
		return nil
	}
	// d input = "full" convolution of grad with the flipped kernel: im2col of grad at offsets
	// (2−ky, 2−kx), read from its pooling order, times the kernel rearranged to [9·cout, cin].
	kernel := m.variable(c.scope, "weights").ValueGraph(g)
	flipped := Reshape(TransposeAllAxes(Reshape(kernel, cout, 9, cin), 1, 0, 2), 9*cout, cin)
	patches := im2col3x3Rows(Reshape(grad2, b, h, w, cout), 1, poolOrder, naturalOrder)
	return Reshape(Dot(patches, flipped).Product(), b, h, w, cin)
}

// weightGradient is gradᵀ · patches [cout, 9·cin] for grad [p, cout] and patches [p, 9·cin]
// over p = images·h·w pixels, computed image by image (a product batched over the images, then a
// sum). The Go backend shares a product among its workers by output rows and columns only: the
// single product, with a contraction of all p pixels and an output of only cout × 9·cin, was
// re-packed whole by every worker (a fifth of a CNN train step). Batched, each worker packs
// its own images once. docs/performance.md has the measurements.
func weightGradient(grad, patches *Node, images int) *Node {
	p, cout, k := grad.Shape().Dimensions[0], grad.Shape().Dimensions[1], patches.Shape().Dimensions[1]
	// gradᵀ per image [images, cout, h·w] in two transposes the backend has fast paths for: 2-D,
	// then the image axis to the front (whole rows of h·w values). The backend would otherwise
	// take its generic element-by-element transpose.
	gradT := TransposeAllAxes(Reshape(Transpose(grad, 0, 1), cout, images, p/images), 1, 0, 2)
	perImage := Dot(gradT, Reshape(patches, images, p/images, k)).
		General([]int{2}, []int{0}, []int{1}, []int{0}) // [images, cout, 9·cin]
	return ReduceSum(perImage, 0)
}

// weightGroups is the number of groups the weight gradient of a convolution over [b, h, w]
// splits its pixels into: groups of whole pooling blocks (h/2·w/2 pixels: one window position
// of one image) of at least 512 pixels, so each product is large enough to run well and there
// are still several per worker.
func weightGroups(b, h, w int) int {
	block, blocks := h/2*w/2, 4*b
	per := (512 + block - 1) / block
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
		c.bn, y = m.batchNormTrain("bn_fc1", y)
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
			grad = m.batchNormBackward(c.bn, grad, named)
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

// batchNormTrain normalises with batch statistics, moves the running averages (as batchNorm
// does in training) and keeps what the backward pass needs.
func (m *Model) batchNormTrain(scope string, x *Node) (*bnCache, *Node) {
	g := x.Graph()
	rank := x.Rank()
	count := float64(x.Shape().Size() / x.Shape().Dimensions[rank-1])
	mean := perFeature(DivScalar(sumOverRows(x), count), rank)
	centered := Sub(x, mean)
	variance := perFeature(DivScalar(sumOverRows(Square(centered)), count), rank)
	invStd := Rsqrt(AddScalar(variance, batchNormEps))
	xHat := Mul(centered, invStd)
	momentum := Scalar(g, dtypes.Float32, batchNormMoment)
	runMean, runVar := m.variable(scope, "running_mean"), m.variable(scope, "running_var")
	runMean.SetValueGraph(lerp(runMean.ValueGraph(g), Reshape(mean, -1), momentum))
	runVar.SetValueGraph(lerp(runVar.ValueGraph(g), MulScalar(Reshape(variance, -1), count/math.Max(count-1, 1)), momentum))
	gamma := perFeature(m.variable(scope, "gamma").ValueGraph(g), rank)
	beta := perFeature(m.variable(scope, "beta").ValueGraph(g), rank)
	return &bnCache{scope: scope, xHat: xHat, invStd: invStd}, Add(Mul(xHat, gamma), beta)
}

// batchNormBackward: with n values per feature,
// dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)), dγ = Σ dy · x̂, dβ = Σ dy.
func (m *Model) batchNormBackward(c *bnCache, grad *Node, named map[string]*Node) *Node {
	g := grad.Graph()
	rank := grad.Rank()
	dBeta := perFeature(sumOverRows(grad), rank)
	dGamma := perFeature(sumOverRows(Mul(grad, c.xHat)), rank)
	named[c.scope+"/gamma"] = Reshape(dGamma, -1)
	named[c.scope+"/beta"] = Reshape(dBeta, -1)
	n := float64(grad.Shape().Size() / grad.Shape().Dimensions[rank-1])
	gamma := perFeature(m.variable(c.scope, "gamma").ValueGraph(g), rank)
	inner := Sub(Sub(grad, DivScalar(dBeta, n)), Mul(c.xHat, DivScalar(dGamma, n)))
	return Mul(Mul(gamma, c.invStd), inner)
}
