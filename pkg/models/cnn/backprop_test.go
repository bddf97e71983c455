package cnn

import (
	"fmt"
	"math"
	"math/rand/v2"
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
				// sides are float32 noise there, so the tolerance has a small absolute floor.
				if rel := relativeDiff(manual[i], auto[i]); rel > 1e-3 || math.IsNaN(rel) {
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
	var num, den float64
	for i := range a {
		d := float64(a[i] - b[i])
		num += d * d
		den += float64(b[i]) * float64(b[i])
	}
	return math.Sqrt(num) / math.Max(math.Sqrt(den), 1e-2)
}

func norm(a []float32) float64 {
	var s float64
	for _, v := range a {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}

// TestIm2ColConvolutionMatchesDirectSum checks the im2col convolution (and its flipped taps)
// against the definition: y[n,i,j,o] = Σ x[n,i+ky−1,j+kx−1,c]·k[o,ky,kx,c], zero outside.
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
	for _, flip := range []int{0, 1} {
		exec, err := NewExec(backend.MustDefault(), func(x, k *Node) *Node {
			return matmulTransposed(Im2Col3x3(x, flip), Reshape(k, cout, 9*cin))
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
								oy, ox := ky+flip*(2-2*ky), kx+flip*(2-2*kx) // flip reads (2−ky, 2−kx)
								y, z := i+oy-1, j+ox-1
								if y < 0 || y >= h || z < 0 || z >= w {
									continue
								}
								for c := range cin {
									want += float64(x[((n*h+y)*w+z)*cin+c]) * float64(k[((o*3+ky)*3+kx)*cin+c])
								}
							}
						}
						if g := got[((n*h+i)*w+j)*cout+o]; math.Abs(float64(g)-want) > 1e-5 {
							t.Fatalf("flip %d: y[%d,%d,%d,%d] = %g, want %g", flip, n, i, j, o, g, want)
						}
					}
				}
			}
		}
	}
}
