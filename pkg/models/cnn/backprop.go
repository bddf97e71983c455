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
	patches        *Node // [b·h·w, 9·cin]
	bn             *bnCache
	prePool        *Node // [b, h, w, c] (after batch norm, if any)
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
func (m *Model) LossAndGradients(images, labels *Node) (loss *Node, grads []*Node) {
	g := images.Graph()
	trainer.ReadVariablesAsParameters(m.Store, g, true)
	x := images
	blocks := make([]*blockCache, len(Channels))
	for i := range Channels {
		blocks[i], x = m.blockForward(i, x)
	}
	spatial := x.Shape().Dimensions
	if m.Variant.BatchNorm {
		x = ReduceMean(x, 1, 2)
	} else {
		x = Reshape(x, spatial[0], -1)
	}
	fcs := make([]*denseCache, len(Hidden)+1)
	for i := range fcs {
		fcs[i], x = m.denseForward(i, x)
	}
	logProbs := LogSoftmax(x, -1)
	loss = NLLLoss(logProbs, labels)

	// Backward: d loss / d logits of the mean NLL of a log-softmax.
	batch := float64(spatial[0])
	oneHot := OneHot(labels, NumClasses, logProbs.DType())
	grad := DivScalar(Sub(Exp(logProbs), oneHot), batch)
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

// blockForward: conv 3×3 → (batch norm) → 2×2 max-pool → ReLU → dropout.
func (m *Model) blockForward(i int, x *Node) (*blockCache, *Node) {
	g := x.Graph()
	dims := x.Shape().Dimensions
	c := &blockCache{scope: fmt.Sprintf("conv%d", i+1), inShape: dims}
	b, h, w, cin := dims[0], dims[1], dims[2], dims[3]
	kernel := m.variable(c.scope, "weights").ValueGraph(g)
	cout := kernel.Shape().Dimensions[0]
	c.patches = Im2Col3x3(x, 0)
	y := matmulTransposed(c.patches, Reshape(kernel, cout, 9*cin))
	y = Add(y, ExpandAxes(m.variable(c.scope, "bias").ValueGraph(g), 0))
	y = Reshape(y, b, h, w, cout)
	if m.Variant.BatchNorm {
		c.bnScope = fmt.Sprintf("bn%d", i+1)
		c.bn, y = m.batchNormTrain(c.bnScope, y)
	}
	c.prePool = y
	c.pooled = MaxPool2x2(y)
	y = Max(c.pooled, ZerosLike(c.pooled))
	c.dropMask = m.dropoutMask(y)
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
	grad = maxPoolBackward(c.prePool, c.pooled, grad)
	if c.bn != nil {
		grad = m.batchNormBackward(c.bn, grad, named)
	}
	b, h, w, cin := c.inShape[0], c.inShape[1], c.inShape[2], c.inShape[3]
	cout := grad.Shape().Dimensions[3]
	grad2 := Reshape(grad, b*h*w, cout)
	// dW [cout, 9·cin] = gradᵀ · patches; the kernel wants the contracted axis last on the left.
	named[c.scope+"/weights"] = Reshape(weightGradient(grad2, c.patches, b), cout, 3, 3, cin)
	named[c.scope+"/bias"] = sumOverRows(grad2)
	if !needInput {
		return nil
	}
	// d input = "full" convolution of grad with the flipped kernel: im2col of grad at offsets
	// (2−ky, 2−kx) times the kernel rearranged to [9·cout, cin].
	kernel := m.variable(c.scope, "weights").ValueGraph(g)
	flipped := Reshape(TransposeAllAxes(Reshape(kernel, cout, 9, cin), 1, 0, 2), 9*cout, cin)
	return Reshape(Dot(Im2Col3x3(grad, 1), flipped).Product(), b, h, w, cin)
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

// maxPoolBackward routes each window's gradient to the position(s) that held its maximum.
func maxPoolBackward(x, pooled, grad *Node) *Node {
	dims := x.Shape().Dimensions
	b, h, w, c := dims[0], dims[1], dims[2], dims[3]
	full := []int{b, h / 2, 2, w / 2, 2, c}
	spread := func(n *Node) *Node { return BroadcastToDims(Reshape(n, b, h/2, 1, w/2, 1, c), full...) }
	isMax := Equal(Reshape(x, full...), spread(pooled))
	return Reshape(Where(isMax, spread(grad), ZerosLike(Reshape(x, full...))), b, h, w, c)
}

// denseForward: fc_i, then for hidden layers (batch norm after fc1) → ReLU → dropout.
func (m *Model) denseForward(i int, x *Node) (*denseCache, *Node) {
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
	c.dropMask = m.dropoutMask(y)
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

// dropoutMask draws the training dropout mask for x: 1/(1−p) where kept, 0 where dropped;
// nil when the rate is 0. It uses the store's random state, so checkpoints resume it.
func (m *Model) dropoutMask(x *Node) *Node {
	if m.Dropout <= 0 {
		return nil
	}
	u := m.Store.RandomUniform(x.Graph(), x.Shape())
	keep := ConvertDType(GreaterOrEqual(u, Scalar(x.Graph(), x.DType(), m.Dropout)), x.DType())
	return MulScalar(keep, 1/(1-m.Dropout))
}

// sumOverRows sums x over all axes but the last, as one reduction over the leading axis of
// x [rows, features]: the Go backend has a vectorised kernel for exactly that (measured faster
// than a product with a row of ones, which it replaced when GoMLX moved to v0.28.16).
func sumOverRows(x *Node) *Node {
	features := x.Shape().Dimensions[x.Rank()-1]
	return ReduceSum(Reshape(x, -1, features), 0)
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
