package cnn

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like math
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

// CNN architecture of the course.
var (
	Channels        = []int{32, 64, 128} // output channels of the three conv blocks
	Hidden          = []int{1024, 512}   // MLP hidden sizes
	DefaultDropout  = 0.1
	ImageSize       = 48
	InChannels      = 3
	NumClasses      = 6
	batchNormEps    = 1e-5 // PyTorch's defaults, as the course used
	batchNormMoment = 0.1
)

// Variant names a model: with or without batch normalisation.
type Variant struct{ BatchNorm bool }

// Name is "cnn" or "cnn-bn".
func (v Variant) Name() string {
	if v.BatchNorm {
		return "cnn-bn"
	}
	return "cnn"
}

// flatFeatures is the size of the MLP's input: 128×6×6 flattened, or 128 after global average
// pooling — the source of the 7× difference in parameter counts.
func (v Variant) flatFeatures() int {
	last := Channels[len(Channels)-1]
	if v.BatchNorm {
		return last
	}
	side := ImageSize >> len(Channels)
	return last * side * side
}

// LayerSpec describes one layer that owns parameters.
type LayerSpec struct {
	Scope  string // variable scope, e.g. "conv1"
	Kind   string // "conv3x3", "batchnorm2d", "dense", "batchnorm1d"
	In     int    // input channels/features
	Out    int    // output channels/features
	OutMap string // output feature map, e.g. "48×48×32" or "1024"
}

// Layers lists the variant's parameterised layers in order.
func (v Variant) Layers() []LayerSpec {
	var specs []LayerSpec
	in, side := InChannels, ImageSize
	for i, out := range Channels {
		fmap := fmt.Sprintf("%d×%d×%d", side, side, out)
		specs = append(specs, LayerSpec{fmt.Sprintf("conv%d", i+1), "conv3x3", in, out, fmap})
		if v.BatchNorm {
			specs = append(specs, LayerSpec{fmt.Sprintf("bn%d", i+1), "batchnorm2d", out, out, fmap})
		}
		in, side = out, side/2
	}
	in = v.flatFeatures()
	for i, out := range append(append([]int{}, Hidden...), NumClasses) {
		specs = append(specs, LayerSpec{fmt.Sprintf("fc%d", i+1), "dense", in, out, fmt.Sprint(out)})
		if v.BatchNorm && i == 0 {
			specs = append(specs, LayerSpec{"bn_fc1", "batchnorm1d", out, out, fmt.Sprint(out)})
		}
		in = out
	}
	return specs
}

// CNN is one variant's variables in a model.Store, created with PyTorch's default
// initialisation (uniform ±1/√fan_in for weights and biases; γ=1, β=0) so the learning rates of
// the course behave the same.
type Model struct {
	Variant Variant
	Store   *model.Store
	// Trainable lists the parameters in a fixed order (gradients and updates follow it).
	Trainable []*model.Variable
	// Dropout is the dropout rate in training (the course's 0.1; tests set 0 to compare gradients).
	Dropout float64
}

// New creates (or, if store has a checkpoint loader, loads) the variant's variables;
// seed fixes the initial values.
func New(store *model.Store, variant Variant, seed uint64) (*Model, error) {
	m := &Model{Variant: variant, Store: store, Dropout: DefaultDropout}
	for _, spec := range variant.Layers() {
		if err := m.createLayer(spec, seed); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// createLayer creates one layer's variables in its scope.
func (m *Model) createLayer(spec LayerSpec, seed uint64) error {
	add := func(name string, trainable bool, value *tensors.Tensor) error {
		v, err := m.Store.CreateVariable("/cnn/"+spec.Scope+"/"+name, value)
		if err != nil {
			return fmt.Errorf("%s variable %s/%s: %w", m.Variant.Name(), spec.Scope, name, err)
		}
		v.Trainable = trainable // a variable loaded from a checkpoint comes back as trainable
		if trainable {
			m.Trainable = append(m.Trainable, v)
		}
		return nil
	}
	switch spec.Kind {
	case "conv3x3", "dense":
		// Weights are stored [out, in] (PyTorch's layout): the forward product contracts the last
		// axis of both operands and both gradients then come out of the Go backend's matmul in
		// their final layout, with no transposes (which cost a quarter of the step the other way).
		fanIn := spec.In
		dims := []int{spec.Out, spec.In}
		if spec.Kind == "conv3x3" {
			fanIn, dims = 9*spec.In, []int{spec.Out, 3, 3, spec.In}
		}
		bound := 1 / math.Sqrt(float64(fanIn))
		if err := add("weights", true, uniformTensor(seed, spec.Scope+"/weights", bound, dims...)); err != nil {
			return err
		}
		return add("bias", true, uniformTensor(seed, spec.Scope+"/bias", bound, spec.Out))
	default: // batch norm
		for _, p := range []struct {
			name      string
			value     float32
			trainable bool
		}{{"gamma", 1, true}, {"beta", 0, true}, {"running_mean", 0, false}, {"running_var", 1, false}} {
			if err := add(p.name, p.trainable, filledTensor(p.value, spec.Out)); err != nil {
				return err
			}
		}
		return nil
	}
}

// uniformTensor draws U(-bound, bound) values from a generator seeded by seed and the
// variable's name, so each variable's initial value is independent of creation order.
func uniformTensor(seed uint64, name string, bound float64, dims ...int) *tensors.Tensor {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	t := tensors.FromShape(tensorsShape(dims))
	tensors.MustMutableFlatData(t, func(flat []float32) {
		for i := range flat {
			flat[i] = float32((2*rng.Float64() - 1) * bound)
		}
	})
	return t
}

func filledTensor(value float32, n int) *tensors.Tensor {
	data := make([]float32, n)
	for i := range data {
		data[i] = value
	}
	return tensors.FromFlatDataAndDimensions(data, n)
}

// NumParams counts the trainable parameters (what PyTorch's parameters() counts: running
// statistics of batch norm are state, not parameters).
func (m *Model) NumParams() int {
	n := 0
	for _, v := range m.Trainable {
		n += v.Shape().Size()
	}
	return n
}

// LayerParams returns the number of trainable parameters of each layer in Layers() order.
func (m *Model) LayerParams() []int {
	specs := m.Variant.Layers()
	counts := make([]int, len(specs))
	for _, v := range m.Trainable {
		for i, spec := range specs {
			if v.Scope() == "/cnn/"+spec.Scope {
				counts[i] += v.Shape().Size()
			}
		}
	}
	return counts
}

func (m *Model) variable(scope, name string) *model.Variable {
	return m.Store.GetVariable("/cnn/" + scope + "/" + name)
}

// LogProbs builds the forward pass: images [batch, 48, 48, 3] float32 → log-probabilities
// [batch, 6]. training selects batch statistics and active dropout.
func (m *Model) LogProbs(images *Node, training bool) *Node {
	g := images.Graph()
	trainer.ReadVariablesAsParameters(m.Store, g, training)
	scope := m.Store.RootScope().In("dropout")
	x := images
	for i := range Channels {
		x = m.conv3x3(fmt.Sprintf("conv%d", i+1), x)
		if m.Variant.BatchNorm {
			x = m.batchNorm(fmt.Sprintf("bn%d", i+1), x, training)
		}
		// ReLU after pooling: max-pool commutes with the monotone ReLU, and this way the ReLU
		// (and its gradient) runs on a map 4× smaller.
		x = MaxPool2x2(x)
		x = Max(x, ZerosLike(x))
		x = layers.DropoutStatic(scope, x, m.Dropout)
	}
	if m.Variant.BatchNorm {
		x = ReduceMean(x, 1, 2) // global average pooling
	} else {
		x = Reshape(x, x.Shape().Dimensions[0], -1)
	}
	for i := range len(Hidden) + 1 {
		x = m.dense(fmt.Sprintf("fc%d", i+1), x)
		if i == len(Hidden) {
			break
		}
		if m.Variant.BatchNorm && i == 0 {
			x = m.batchNorm("bn_fc1", x, training)
		}
		x = layers.DropoutStatic(scope, Max(x, ZerosLike(x)), m.Dropout)
	}
	return LogSoftmax(x, -1)
}

// conv3x3 is a 3×3, stride 1, zero-padding 1 convolution of x [b, h, w, cin] as im2col: each
// pixel's 9 neighbours become one row of 9·cin numbers (Im2Col3x3), multiplied by the kernel.
func (m *Model) conv3x3(scope string, x *Node) *Node {
	g := x.Graph()
	dims := x.Shape().Dimensions
	b, h, w, cin := dims[0], dims[1], dims[2], dims[3]
	kernel := m.variable(scope, "weights").ValueGraph(g) // [cout, 3, 3, cin]
	cout := kernel.Shape().Dimensions[0]
	patches := Im2Col3x3(x)
	out := matmulTransposed(patches, Reshape(kernel, cout, 9*cin))
	out = Add(out, ExpandAxes(m.variable(scope, "bias").ValueGraph(g), 0))
	return Reshape(out, b, h, w, cout)
}

// Im2Col3x3 returns the [b·h·w, 9·c] matrix of 3×3 neighbourhoods of x [b, h, w, c] (zero
// padded by one), tap (ky, kx) in row-major order, each tap's c channels contiguous.
//
// It is one Gather of pixel rows from x as a [b·h·w, c] matrix with a row of zeros appended
// for the taps outside the image: the Go backend's Gather copies whole rows, while slicing
// nine shifted views copied element by element and took a quarter of a CNN train step.
func Im2Col3x3(x *Node) *Node {
	rows, b, h, w := mapRows(x)
	return im2col3x3Rows(rows, b, h, w, naturalOrder, naturalOrder)
}

// pixelOrder numbers the pixels of a [b, h, w] grid: the row of pixel (img, y, x) in a
// [b·h·w, c] matrix.
type pixelOrder func(b, h, w, img, y, x int) int

// naturalOrder is row-major [b, h, w].
func naturalOrder(_, h, w, img, y, x int) int { return (img*h+y)*w + x }

// poolOrder puts the pixels in [2, 2, b, h/2, w/2] order — position in the 2×2 window first —
// so that a map's four window positions are four contiguous blocks (the training step's layout).
func poolOrder(b, h, w, img, y, x int) int {
	return (((y%2)*2+x%2)*b+img)*(h/2)*(w/2) + (y/2)*(w/2) + x/2
}

// im2colRowsOrdered lists, for every pixel of a [b, h, w] grid and each of its 9 taps, the row
// the tap reads from a source matrix whose rows are in order src, or b·h·w (the zero row) where
// the tap falls in the padding; the output's rows (the pixels whose neighbourhoods they hold)
// are in order dst.
func im2colRowsOrdered(b, h, w int, src, dst pixelOrder) []int32 {
	rows := make([]int32, b*h*w*9)
	zero := int32(b * h * w)
	for img := range b {
		for y := range h {
			for x := range w {
				out := rows[dst(b, h, w, img, y, x)*9:]
				for tap := range 9 {
					sy, sx := y+tap/3-1, x+tap%3-1
					if sy < 0 || sy >= h || sx < 0 || sx >= w {
						out[tap] = zero
					} else {
						out[tap] = int32(src(b, h, w, img, sy, sx))
					}
				}
			}
		}
	}
	return rows
}

// im2col3x3Rows is Im2Col3x3 for the pixels of a [b, h, w] grid given as the rows of a [b·h·w, c]
// matrix in order src, with the patches' rows in order dst. It takes the matrix, not a
// [b, h, w, c] map, because the Go backend copies a value that has other uses whole on every
// Reshape: the backward pass hands its [pixels, c] gradients over as they are.
func im2col3x3Rows(pixels *Node, b, h, w int, src, dst pixelOrder) *Node {
	g := pixels.Graph()
	c := pixels.Shape().Dimensions[1]
	rows := Concatenate([]*Node{pixels, Zeros(g, shapesMake(pixels.DType(), 1, c))}, 0)
	idx := Const(g, tensors.FromFlatDataAndDimensions(im2colRowsOrdered(b, h, w, src, dst), b*h*w*9, 1))
	return Reshape(Gather(rows, idx), b*h*w, 9*c)
}

// mapRows is the [b·h·w, c] matrix of a [b, h, w, c] map, with its dimensions.
func mapRows(x *Node) (rows *Node, b, h, w int) {
	d := x.Shape().Dimensions
	return Reshape(x, d[0]*d[1]*d[2], d[3]), d[0], d[1], d[2]
}

// MaxPool2x2 takes the maximum of each 2×2 window (stride 2) of x [b, h, w, c] with h, w even,
// as a reshape and a reduction (the Go backend has no gradient for its max-pool op).
func MaxPool2x2(x *Node) *Node {
	dims := x.Shape().Dimensions
	b, h, w, c := dims[0], dims[1], dims[2], dims[3]
	return ReduceMax(Reshape(x, b, h/2, 2, w/2, 2, c), 2, 4)
}

// matmulTransposed is x [m, k] · wᵀ for w [n, k].
func matmulTransposed(x, w *Node) *Node {
	return Dot(x, w).General([]int{1}, nil, []int{1}, nil)
}

// dense is x [b, in] · Wᵀ + bias, W [out, in].
func (m *Model) dense(scope string, x *Node) *Node {
	g := x.Graph()
	out := matmulTransposed(x, m.variable(scope, "weights").ValueGraph(g))
	return Add(out, ExpandAxes(m.variable(scope, "bias").ValueGraph(g), 0))
}

// batchNorm normalises each feature (last axis) over all other axes. In training it uses the
// batch's mean and (biased) variance and moves the running averages towards them (unbiased
// variance, momentum 0.1, as PyTorch); in evaluation it uses the running averages.
func (m *Model) batchNorm(scope string, x *Node, training bool) *Node {
	g := x.Graph()
	gamma, beta := m.variable(scope, "gamma").ValueGraph(g), m.variable(scope, "beta").ValueGraph(g)
	runMeanVar, runVarVar := m.variable(scope, "running_mean"), m.variable(scope, "running_var")
	axes := make([]int, x.Rank()-1)
	for i := range axes {
		axes[i] = i
	}
	var mean, variance *Node
	if training {
		mean = ReduceAndKeep(x, ReduceMean, axes...)
		centered := Sub(x, mean)
		variance = ReduceAndKeep(Square(centered), ReduceMean, axes...)
		count := float64(x.Shape().Size() / x.Shape().Dimensions[x.Rank()-1])
		unbiased := MulScalar(Reshape(variance, -1), count/math.Max(count-1, 1))
		momentum := Scalar(g, dtypes.Float32, batchNormMoment)
		runMeanVar.SetValueGraph(lerp(runMeanVar.ValueGraph(g), StopGradient(Reshape(mean, -1)), momentum))
		runVarVar.SetValueGraph(lerp(runVarVar.ValueGraph(g), StopGradient(unbiased), momentum))
	} else {
		mean, variance = runMeanVar.ValueGraph(g), runVarVar.ValueGraph(g)
	}
	normalized := Div(Sub(x, perFeature(mean, x.Rank())), Sqrt(AddScalar(perFeature(variance, x.Rank()), batchNormEps)))
	return Add(Mul(normalized, perFeature(gamma, x.Rank())), perFeature(beta, x.Rank()))
}

// perFeature reshapes a per-feature vector (or kept-dims statistic) to [1, …, 1, features] so it
// broadcasts over a rank-`rank` input.
func perFeature(v *Node, rank int) *Node {
	dims := make([]int, rank)
	for i := range dims {
		dims[i] = 1
	}
	dims[rank-1] = v.Shape().Size()
	return Reshape(v, dims...)
}

// lerp is a + t·(b − a).
func lerp(a, b, t *Node) *Node { return Add(a, Mul(t, Sub(b, a))) }
