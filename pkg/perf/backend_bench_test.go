package perf

// Minimal reproductions of costs of GoMLX's Go backend that the models work around
// (docs/performance.md): the CNN's, sized as its first convolution at batch 64 (147,456 pixels,
// 32 output channels, 27 = 3·3·3 patch values), and the seq2seq step's.
//
//	GOEXPERIMENT=simd go test ./pkg/perf -run '^$' -bench Backend -benchtime 20x

import (
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/dllessons/dllessons/pkg/backend"
)

const pixels, outChannels, patchValues, images = 64 * 48 * 48, 32, 27, 64

func randomTensor(rows, cols int) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(1, uint64(rows)))
	data := make([]float32, rows*cols)
	for i := range data {
		data[i] = rng.Float32()
	}
	return tensors.FromFlatDataAndDimensions(data, rows, cols)
}

func benchGraph(b *testing.B, fn func(x, y *Node) *Node, x, y *tensors.Tensor) {
	exec, err := NewExec(backend.MustDefault(), fn)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		out, err := exec.Exec(x, y)
		if err != nil {
			b.Fatal(err)
		}
		out[0].MustFinalizeAll()
	}
}

// BenchmarkBackendWeightGradient: gradᵀ · patches, contracting all 147,456 pixels into a 32×27
// result. "single" is one product (the backend splits its workers over the 32×27 output only, and
// each re-packs all of patches); "per-image" is the same sum as a product batched over the 64
// images and a sum over them (what pkg/models/cnn does).
func BenchmarkBackendWeightGradient(b *testing.B) {
	grad, patches := randomTensor(pixels, outChannels), randomTensor(pixels, patchValues)
	b.Run("single", func(b *testing.B) {
		benchGraph(b, func(g, p *Node) *Node { return Dot(Transpose(g, 0, 1), p).Product() }, grad, patches)
	})
	b.Run("per-image", func(b *testing.B) {
		benchGraph(b, func(g, p *Node) *Node {
			perImage := TransposeAllAxes(Reshape(Transpose(g, 0, 1), outChannels, images, pixels/images), 1, 0, 2)
			return ReduceSum(Dot(perImage, Reshape(p, images, pixels/images, patchValues)).
				General([]int{2}, []int{0}, []int{1}, []int{0}), 0)
		}, grad, patches)
	})
}

// BenchmarkBackendTranspose: the 2-D transpose of a tall [rows, 32] matrix. With 147,456 rows the
// 32 output rows a tile writes lie 576 KiB apart — a multiple of 4 KiB, so they share one L1
// cache set; with one row more they do not.
func BenchmarkBackendTranspose(b *testing.B) {
	for _, rows := range []int{pixels, pixels + 1} {
		b.Run(map[bool]string{true: "rows=147456", false: "rows=147457"}[rows == pixels], func(b *testing.B) {
			x := randomTensor(rows, outChannels)
			benchGraph(b, func(x, _ *Node) *Node { return Transpose(x, 0, 1) }, x, randomTensor(1, 1))
		})
	}
}

// BenchmarkBackendWeightGradientLayout: Σ_n xᵀ v for x [1024, 192] and v [1024, 256] (a seq2seq
// LSTM's stacked inputs and gate gradients). The contracted axis leads in both operands, a layout
// the matmul kernels do not take, and the backend then transposes both operands ("autodiff"),
// although v is already in a layout they take once x alone is transposed ("one-transpose", what
// pkg/models/seq2seq does).
func BenchmarkBackendWeightGradientLayout(b *testing.B) {
	x, v := randomTensor(1024, 192), randomTensor(1024, 256)
	b.Run("autodiff", func(b *testing.B) {
		benchGraph(b, func(x, v *Node) *Node { return Einsum("ni,nk->ik", x, v) }, x, v)
	})
	b.Run("one-transpose", func(b *testing.B) {
		benchGraph(b, func(x, v *Node) *Node { return Einsum("in,nk->ik", Transpose(x, 0, 1), v) }, x, v)
	})
}

// BenchmarkBackendTwoSidedBroadcast: the attention energies' sum q[b, t] + k[b, s] over a
// [32, 16, 16, 128] grid. With both operands broadcast ("broadcast") the backend adds through
// its index iterator; with both gathered to the full shape first ("gathered", what
// pkg/models/seq2seq does) it adds with its vector kernel.
func BenchmarkBackendTwoSidedBroadcast(b *testing.B) {
	const bs, t, h = 32, 16, 128
	q, k := randomTensor(bs*t, h), randomTensor(bs*t, h)
	qIdx, kIdx := make([]int32, 0, bs*t*t), make([]int32, 0, bs*t*t)
	for r := range bs {
		for i := range t {
			for j := range t {
				qIdx, kIdx = append(qIdx, int32(r*t+i)), append(kIdx, int32(r*t+j))
			}
		}
	}
	b.Run("broadcast", func(b *testing.B) {
		benchGraph(b, func(q, k *Node) *Node {
			return Add(Reshape(q, bs, t, 1, h), Reshape(k, bs, 1, t, h))
		}, q, k)
	})
	b.Run("gathered", func(b *testing.B) {
		benchGraph(b, func(q, k *Node) *Node {
			g := q.Graph()
			qi := Const(g, tensors.FromFlatDataAndDimensions(qIdx, bs, t, t, 1))
			ki := Const(g, tensors.FromFlatDataAndDimensions(kIdx, bs, t, t, 1))
			return Add(Gather(q, qi), Gather(k, ki))
		}, q, k)
	})
}

// BenchmarkBackendSkinnyProduct: the CNN's fc1 at batch 8, x [8, 4608] · Wᵀ for W [1024, 4608].
// The backend chooses its kernel by the product's FLOPs alone: at 37.7 M this one gets the large
// kernel, which packs all of W (19 MB) for 8 rows ("one"); the same product as 16 products of
// [64, 4608] slabs of W, each under the 4 Mi-FLOP threshold of the small kernel, reads W once
// ("split"). Each run uploads the same 19 MB of weights, as one tensor or as 16.
func BenchmarkBackendSkinnyProduct(b *testing.B) {
	const slabs = 16
	x := randomTensor(8, 4608)
	run := func(b *testing.B, fn func(in []*Node) *Node, weights ...*tensors.Tensor) {
		exec, err := NewExec(backend.MustDefault(), fn)
		if err != nil {
			b.Fatal(err)
		}
		inputs := []any{x}
		for _, w := range weights {
			inputs = append(inputs, w)
		}
		for b.Loop() {
			out, err := exec.Exec(inputs...)
			if err != nil {
				b.Fatal(err)
			}
			out[0].MustFinalizeAll()
		}
	}
	b.Run("one", func(b *testing.B) {
		run(b, func(in []*Node) *Node { return Einsum("bi,oi->bo", in[0], in[1]) }, randomTensor(1024, 4608))
	})
	b.Run("split", func(b *testing.B) {
		slab := make([]*tensors.Tensor, slabs)
		for i := range slab {
			slab[i] = randomTensor(1024/slabs, 4608)
		}
		run(b, func(in []*Node) *Node {
			outs := make([]*Node, slabs)
			for i, w := range in[1:] {
				outs[i] = Einsum("bi,oi->bo", in[0], w)
			}
			return Concatenate(outs, 1)
		}, slab...)
	})
}

// BenchmarkBackendInnerAxesReduceMax: a 2×2 max-pool of the first convolution's output at the
// CNN's evaluation batch (100 images of 48×48×32). As a ReduceMax over the two window axes of
// [100, 24, 2, 24, 2, 32] ("inner") it goes through the backend's generic reduction iterator; the
// same numbers with the window position as the leading axis, [4, 100·24·24·32] ("leading"),
// reduce in one contiguous pass.
func BenchmarkBackendInnerAxesReduceMax(b *testing.B) {
	const batch, side, channels = 100, 48, 32
	x := randomTensor(batch*side*side, channels)
	b.Run("inner", func(b *testing.B) {
		benchGraph(b, func(x, _ *Node) *Node {
			return ReduceMax(Reshape(x, batch, side/2, 2, side/2, 2, channels), 2, 4)
		}, x, x)
	})
	b.Run("leading", func(b *testing.B) {
		benchGraph(b, func(x, _ *Node) *Node { return ReduceMax(Reshape(x, 4, -1), 0) }, x, x)
	})
}
