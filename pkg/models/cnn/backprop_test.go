package cnn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/dllessons/dllessons/pkg/backend"
)

// TestManualGradientsMatchAutodiff compares the hand-written backward pass with GoMLX's
// graph.Gradient of the same loss (dropout off so both see the same function), for both
// variants, on random images.
func TestManualGradientsMatchAutodiff(t *testing.T) {
	const batch = 4
	rng := rand.New(rand.NewPCG(1, 2)) // distinct images: identical ones make batch norm's output 0
	images := make([]float32, batch*48*48*3)
	for i := range images {
		images[i] = rng.Float32()
	}
	labels := []int32{0, 3, 5, 1}
	for _, variant := range []Variant{{false}, {true}} {
		t.Run(variant.Name(), func(t *testing.T) {
			manual := gradients(t, variant, images, labels, func(m *Model, x, y *Node) (*Node, []*Node) {
				return m.LossAndGradients(x, y)
			})
			auto := gradients(t, variant, images, labels, func(m *Model, x, y *Node) (*Node, []*Node) {
				loss := NLLLoss(m.LogProbs(x, true), y)
				params := make([]*Node, len(m.Trainable))
				for i, v := range m.Trainable {
					params[i] = v.ValueGraph(x.Graph())
				}
				return loss, Gradient(loss, params...)
			})
			for i := range manual {
				// Biases right before a batch norm have a zero gradient in exact arithmetic: both
				// sides are float32 noise there (norms ~1e-6 against 0.004–6 for the others), so a
				// difference under 1e-4 in norm passes too.
				rel := relativeDiff(manual[i], auto[i])
				if (rel > 1e-3 && diffNorm(manual[i], auto[i]) > 1e-4) || math.IsNaN(rel) {
					t.Errorf("gradient %d: relative difference %.2g between hand-written and autodiff (norms %.3g, %.3g)", i, rel, norm(manual[i]), norm(auto[i]))
				}
			}
		})
	}
}

// gradients returns the loss (first) and the gradients computed by build.
func gradients(t *testing.T, variant Variant, images []float32, labels []int32,
	build func(m *Model, x, y *Node) (*Node, []*Node)) [][]float32 {
	t.Helper()
	store := model.NewStore()
	m, err := New(store, variant, 3)
	if err != nil {
		t.Fatal(err)
	}
	m.Dropout = 0
	exec, err := model.NewExec(backend.MustDefault(), store, func(_ *model.Scope, x, y *Node) []*Node {
		loss, grads := build(m, x, y)
		return append([]*Node{loss}, grads...)
	})
	if err != nil {
		t.Fatal(err)
	}
	b := len(labels)
	outs, err := exec.Call(tensors.FromFlatDataAndDimensions(images, b, 48, 48, 3), tensors.FromFlatDataAndDimensions(labels, b))
	if err != nil {
		t.Fatal(err)
	}
	flat := make([][]float32, len(outs))
	for i, o := range outs {
		flat[i] = tensors.MustCopyFlatData[float32](o)
	}
	if len(flat) != len(m.Trainable)+1 {
		t.Fatal(fmt.Sprintf("got %d outputs, want loss + %d gradients", len(flat), len(m.Trainable)))
	}
	return flat
}

// relativeDiff is ‖a−b‖ / max(‖b‖, 0.01).
func relativeDiff(a, b []float32) float64 {
	return diffNorm(a, b) / math.Max(norm(b), 1e-2)
}

// diffNorm is ‖a−b‖.
func diffNorm(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i] - b[i])
		s += d * d
	}
	return math.Sqrt(s)
}

func norm(a []float32) float64 {
	var s float64
	for _, v := range a {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}

// TestIm2ColConvolutionMatchesDirectSum checks the im2col convolution against the definition:
// y[n,i,j,o] = Σ x[n,i+ky−1,j+kx−1,c]·k[o,ky,kx,c], zero outside.
func TestIm2ColConvolutionMatchesDirectSum(t *testing.T) {
	const b, h, w, cin, cout = 2, 4, 5, 3, 2
	rng := rand.New(rand.NewPCG(3, 4))
	x, k := make([]float32, b*h*w*cin), make([]float32, cout*9*cin)
	for i := range x {
		x[i] = rng.Float32() - 0.5
	}
	for i := range k {
		k[i] = rng.Float32() - 0.5
	}
	exec, err := NewExec(backend.MustDefault(), func(x, k *Node) *Node {
		return matmulTransposed(Im2Col3x3(x), Reshape(k, cout, 9*cin))
	})
	if err != nil {
		t.Fatal(err)
	}
	outs, err := exec.Exec(tensors.FromFlatDataAndDimensions(x, b, h, w, cin), tensors.FromFlatDataAndDimensions(k, cout, 3, 3, cin))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float32](outs[0])
	for n := range b {
		for i := range h {
			for j := range w {
				for o := range cout {
					var want float64
					for ky := range 3 {
						for kx := range 3 {
							y, z := i+ky-1, j+kx-1
							if y < 0 || y >= h || z < 0 || z >= w {
								continue
							}
							for c := range cin {
								want += float64(x[((n*h+y)*w+z)*cin+c]) * float64(k[((o*3+ky)*3+kx)*cin+c])
							}
						}
					}
					if g := got[((n*h+i)*w+j)*cout+o]; math.Abs(float64(g)-want) > 1e-5 {
						t.Fatalf("y[%d,%d,%d,%d] = %g, want %g", n, i, j, o, g, want)
					}
				}
			}
		}
	}
}

// TestConv1PatchesMatchTheGraphsIm2Col checks the host-made first-convolution patches (both
// layouts) against the graph's im2col of the same images, number for number.
func TestConv1PatchesMatchTheGraphsIm2Col(t *testing.T) {
	for _, b := range []int{1, 3, 8} {
		rng := rand.New(rand.NewPCG(5, uint64(b)))
		pixels := make([]float32, b*48*48*3)
		for i := range pixels {
			pixels[i] = rng.Float32()
		}
		exec, err := NewExec(backend.MustDefault(), func(x *Node) (*Node, *Node) {
			in := firstConvFromImages(x)
			return in.patches, in.patchesT
		})
		if err != nil {
			t.Fatal(err)
		}
		outs, err := exec.Exec(tensors.FromFlatDataAndDimensions(pixels, b, 48, 48, 3))
		if err != nil {
			t.Fatal(err)
		}
		hostP, hostT := Conv1Patches(pixels, b)
		// The train step fills reused, unzeroed buffers: every number must be written.
		reusedP, reusedT := nanFilled(hostP.Shape().Size()), nanFilled(hostT.Shape().Size())
		fillConv1Patches(pixels, b, reusedP, reusedT)
		reused := []*tensors.Tensor{
			tensors.FromFlatDataAndDimensions(reusedP, hostP.Shape().Dimensions...),
			tensors.FromFlatDataAndDimensions(reusedT, hostT.Shape().Dimensions...)}
		for i, pair := range [][2]*tensors.Tensor{{outs[0], hostP}, {outs[1], hostT}, {outs[0], reused[0]}, {outs[1], reused[1]}} {
			if !pair[0].Shape().Equal(pair[1].Shape()) {
				t.Fatalf("batch %d, layout %d: host shape %s, graph %s", b, i, pair[1].Shape(), pair[0].Shape())
			}
			want, got := tensors.MustCopyFlatData[float32](pair[0]), tensors.MustCopyFlatData[float32](pair[1])
			for j := range want {
				if want[j] != got[j] {
					t.Fatalf("batch %d, layout %d: element %d is %g on the host, %g in the graph", b, i, j, got[j], want[j])
				}
			}
		}
	}
}

func nanFilled(n int) []float32 {
	flat := make([]float32, n)
	for i := range flat {
		flat[i] = float32(math.NaN())
	}
	return flat
}

// TestDropoutMasksInShardsAreTheWholeMasks checks that masks drawn piece by piece (the train
// step's shards) hold exactly the numbers of the whole masks.
func TestDropoutMasksInShardsAreTheWholeMasks(t *testing.T) {
	m := &Model{Dropout: 0.1}
	const b = 5
	whole := m.DropoutMasks(42, 3, b)
	parts := make([][][]float32, len(whole))
	for i, mask := range whole {
		size := mask.Shape().Size()
		parts[i] = [][]float32{nanFilled(size)} // the dense layers' masks are not cut
		if i < len(Channels) {
			cut := 2 * size / b // the first shard: two images
			parts[i] = [][]float32{nanFilled(cut), nanFilled(size - cut)}
		}
	}
	m.fillDropoutMasks(42, 3, parts)
	for i, mask := range whole {
		want := tensors.MustCopyFlatData[float32](mask)
		var got []float32
		for _, piece := range parts[i] {
			got = append(got, piece...)
		}
		if !slices.Equal(got, want) {
			t.Errorf("mask %d drawn in pieces differs from the whole mask", i)
		}
	}
}

// TestDropoutMasksAreSeededBernoulli checks the host-drawn masks: only 0 and 1/(1−p), about a
// fraction p of zeros, the same masks for the same (seed, step), others for another step.
func TestDropoutMasksAreSeededBernoulli(t *testing.T) {
	m := &Model{Dropout: 0.1}
	const b = 8
	masks := m.DropoutMasks(42, 7, b)
	if len(masks) != len(Channels)+len(Hidden) {
		t.Fatalf("%d masks, want %d", len(masks), len(Channels)+len(Hidden))
	}
	var zeros, total int
	for i, mask := range masks {
		if want := dropoutShapes(b)[i]; !slices.Equal(mask.Shape().Dimensions, want) {
			t.Fatalf("mask %d has shape %v, want %v", i, mask.Shape().Dimensions, want)
		}
		for _, v := range tensors.MustCopyFlatData[float32](mask) {
			switch v {
			case 0:
				zeros++
			case float32(1 / 0.9):
			default:
				t.Fatalf("mask %d holds %g: want 0 or 1/0.9", i, v)
			}
			total++
		}
	}
	// 270,336 units: the fraction's standard deviation is 0.0006.
	if frac := float64(zeros) / float64(total); math.Abs(frac-0.1) > 0.003 {
		t.Errorf("dropped fraction %.4f, want 0.1", frac)
	}
	same, other := m.DropoutMasks(42, 7, b), m.DropoutMasks(42, 8, b)
	if !masks[0].Equal(same[0]) {
		t.Error("the same seed and step drew different masks")
	}
	if masks[0].Equal(other[0]) {
		t.Error("steps 7 and 8 drew the same mask")
	}
	if (&Model{Dropout: 0}).DropoutMasks(42, 7, b) != nil {
		t.Error("dropout 0 drew masks")
	}
}
