package exercises

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/models/cnn"
)

// TestCNNReferencesAgreeWithTheModel ties the plain-Go references to the model that trains:
// parameter counts to the CNN's variables, im2col to cnn.Im2Col3x3 run on GoMLX.
func TestCNNReferencesAgreeWithTheModel(t *testing.T) {
	byLayer, _, err := cnn.ParamsByLayer(cnn.Variant{})
	if err != nil {
		t.Fatal(err)
	}
	for i, cin := range []int{cnn.InChannels, 32, 64} {
		scope := []string{"conv1", "conv2", "conv3"}[i]
		if got, want := ConvParams(3, cin, cnn.Channels[i]), byLayer[scope]; got != want {
			t.Errorf("%s: ConvParams %d, model %d", scope, got, want)
		}
	}
	const h, w, c = 3, 4, 2
	img := randomImage(newRand(5), h, w, c)
	flat := make([]float32, 0, h*w*c)
	for y := range h {
		for x := range w {
			for _, v := range img[y][x] {
				flat = append(flat, float32(v))
			}
		}
	}
	exec, err := NewExec(backend.MustDefault(), func(x *Node) *Node { return cnn.Im2Col3x3(x) })
	if err != nil {
		t.Fatal(err)
	}
	outs, err := exec.Exec(tensors.FromFlatDataAndDimensions(flat, 1, h, w, c))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float32](outs[0])
	want := Im2Col3x3(img)
	for r, row := range want {
		for k, v := range row {
			if float64(got[r*9*c+k]) != v {
				t.Fatalf("im2col row %d, column %d: model %v, reference %v", r, k, got[r*9*c+k], v)
			}
		}
	}
	if rf := ReceptiveField(CourseCNNLayers); rf != 22 {
		t.Errorf("course CNN receptive field %d, the lesson's table says 22", rf)
	}
}

func TestLesson3Checks(t *testing.T) {
	expect(t, CheckConvParams(ConvParams), Pass, "✓ Exercise 3.1")
	expect(t, CheckConvParams(func(k, cin, cout int) int { return k * k * cin * cout }), Fail, "k = 3, cin = 3, cout = 32", "expected: 896", "got:      864")
	expect(t, CheckIm2Col(Im2Col3x3), Pass)
	expect(t, CheckIm2Col(func(img [][][]float64) [][]float64 { // taps in column-major order
		h, w, c := len(img), len(img[0]), len(img[0][0])
		var out [][]float64
		for y := range h {
			for x := range w {
				var row []float64
				for kx := range 3 {
					for ky := range 3 {
						sy, sx := y+ky-1, x+kx-1
						if sy < 0 || sy >= h || sx < 0 || sx >= w {
							row = append(row, make([]float64, c)...)
						} else {
							row = append(row, img[sy][sx]...)
						}
					}
				}
				out = append(out, row)
			}
		}
		return out
	}), Fail, "an image of 2×3 pixels")
	expect(t, CheckBatchNorm(BatchNorm), Pass)
	noEps := func(x [][]float64, gamma, beta, runMean, runVar []float64) ([][]float64, []float64, []float64) {
		y, m, v := BatchNorm(x, gamma, beta, runMean, runVar)
		for j := range gamma { // recompute y without ε: NaN for a constant feature
			mean, sq := 0.0, 0.0
			for _, r := range x {
				mean += r[j] / float64(len(x))
			}
			for _, r := range x {
				sq += (r[j] - mean) * (r[j] - mean) / float64(len(x))
			}
			for i, r := range x {
				y[i][j] = gamma[j]*(r[j]-mean)/math.Sqrt(sq) + beta[j]
			}
		}
		return y, m, v
	}
	expect(t, CheckBatchNorm(noEps), Fail, "wrong answer", "ε = 1e-5")
	expect(t, CheckReceptiveField(ReceptiveField), Pass)
	expect(t, CheckReceptiveField(func(layers []Layer) int { // forgets the jump
		rf := 1
		for _, l := range layers {
			rf += l.Kernel - 1
		}
		return rf
	}), Fail, "expected: 22", "got:      10")
}
