package exercises

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// ConvParams is the number of parameters of a k×k convolution from cin to cout channels with a
// bias per output channel: k²·cin·cout + cout, whatever the image size.
func ConvParams(k, cin, cout int) int { return k*k*cin*cout + cout }

// Im2Col3x3 returns the [h·w][9·c] patches of a 3×3, stride-1, zero-padding-1 convolution of
// img [h][w][c]: row y·w+x holds the 9 taps (ky, kx) in row-major order, each tap's c channels
// together, zeros where a tap falls outside the image. It is the layout of cnn.Im2Col3x3.
func Im2Col3x3(img [][][]float64) [][]float64 {
	h, w := len(img), len(img[0])
	c := len(img[0][0])
	out := make([][]float64, 0, h*w)
	for y := range h {
		for x := range w {
			row := make([]float64, 0, 9*c)
			for ky := range 3 {
				for kx := range 3 {
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
}

// BatchNormMomentum and BatchNormEps are PyTorch's defaults, which the course CNN uses.
const (
	BatchNormMomentum = 0.1
	BatchNormEps      = 1e-5
)

// BatchNorm is the reference batch-norm forward pass in training mode on x [n][features]: each
// feature standardised with the batch mean and biased variance, scaled by γ and shifted by β;
// the running averages move towards the batch mean and the unbiased variance with momentum 0.1.
func BatchNorm(x [][]float64, gamma, beta, runMean, runVar []float64) (y [][]float64, newMean, newVar []float64) {
	n, f := float64(len(x)), len(gamma)
	y = make([][]float64, len(x))
	for i := range y {
		y[i] = make([]float64, f)
	}
	newMean, newVar = make([]float64, f), make([]float64, f)
	for j := range f {
		mean, sq := 0.0, 0.0
		for _, row := range x {
			mean += row[j]
		}
		mean /= n
		for _, row := range x {
			sq += (row[j] - mean) * (row[j] - mean)
		}
		variance := sq / n
		for i, row := range x {
			y[i][j] = gamma[j]*(row[j]-mean)/math.Sqrt(variance+BatchNormEps) + beta[j]
		}
		unbiased := sq / math.Max(n-1, 1)
		newMean[j] = (1-BatchNormMomentum)*runMean[j] + BatchNormMomentum*mean
		newVar[j] = (1-BatchNormMomentum)*runVar[j] + BatchNormMomentum*unbiased
	}
	return y, newMean, newVar
}

// Layer is one layer of a plain convolutional stack for the receptive-field exercise.
type Layer struct {
	Kernel, Stride int
}

// ReceptiveField is the side of the input window that one unit after the layers sees: each
// layer adds (k − 1)·j, where j is the product of the strides before it.
func ReceptiveField(layers []Layer) int {
	rf, jump := 1, 1
	for _, l := range layers {
		rf += (l.Kernel - 1) * jump
		jump *= l.Stride
	}
	return rf
}

func sameInt(want, got int) bool { return want == got }
func showInt(v int) string       { return fmt.Sprint(v) }

// CheckConvParams checks the parameter count of a convolution layer.
func CheckConvParams(params func(k, cin, cout int) int) Result {
	c := checker[int]{id: "3.1", title: "a convolution's parameter count", same: sameInt, show: showInt,
		hint: "each of the cout filters has k·k·cin weights and one bias; the image size does not matter."}
	cases := [][3]int{{3, 3, 32}, {3, 32, 64}, {3, 64, 128}, {1, 1, 1}, {5, 128, 128}, {7, 3, 1}}
	rng := rand.New(rand.NewPCG(31, 1))
	for range randomTrials {
		cases = append(cases, [3]int{1 + 2*rng.IntN(4), 1 + rng.IntN(256), 1 + rng.IntN(256)})
	}
	var trials []trial[int]
	for _, cs := range cases {
		k, cin, cout := cs[0], cs[1], cs[2]
		trials = append(trials, trial[int]{
			input: fmt.Sprintf("k = %d, cin = %d, cout = %d", k, cin, cout),
			want:  ConvParams(k, cin, cout),
			run:   func() int { return params(k, cin, cout) },
		})
	}
	return c.run(trials, " (including the course CNN's conv1–conv3)")
}

func randomImage(rng *rand.Rand, h, w, c int) [][][]float64 {
	img := make([][][]float64, h)
	for y := range img {
		img[y] = make([][]float64, w)
		for x := range img[y] {
			img[y][x] = make([]float64, c)
			for k := range img[y][x] {
				img[y][x][k] = float64(rng.IntN(19) - 9)
			}
		}
	}
	return img
}

func copyImage(img [][][]float64) [][][]float64 {
	out := make([][][]float64, len(img))
	for y := range img {
		out[y] = copyMat(img[y])
	}
	return out
}

// CheckIm2Col checks the 3×3 im2col patches against Im2Col3x3.
func CheckIm2Col(im2col func(img [][][]float64) [][]float64) Result {
	c := checker[[][]float64]{id: "3.2", title: "im2col for a 3×3 convolution", same: closeMat, show: showMat, bad: badMat,
		hint: "one row per pixel (y·w + x); in it the taps (ky, kx) = (0,0), (0,1), … (2,2), each reading pixel (y+ky−1, x+kx−1) — all c channels — or c zeros outside the image."}
	rng := rand.New(rand.NewPCG(32, 1))
	sizes := [][3]int{{1, 1, 1}, {2, 3, 1}, {3, 3, 2}, {1, 4, 3}}
	for range randomTrials / 2 {
		sizes = append(sizes, [3]int{1 + rng.IntN(6), 1 + rng.IntN(6), 1 + rng.IntN(3)})
	}
	var trials []trial[[][]float64]
	for _, s := range sizes {
		img := randomImage(rng, s[0], s[1], s[2])
		trials = append(trials, trial[[][]float64]{
			input: fmt.Sprintf("an image of %d×%d pixels with %d channels: %v", s[0], s[1], s[2], img),
			want:  Im2Col3x3(img),
			run:   func() [][]float64 { return im2col(copyImage(img)) },
		})
	}
	return c.run(trials, " (including 1×1 and one-row images)")
}

// bnOut is what a batch-norm forward pass returns, for comparison.
type bnOut struct {
	y              [][]float64
	mean, variance []float64
}

// CheckBatchNorm checks the training-mode batch-norm forward pass with running statistics.
func CheckBatchNorm(bn func(x [][]float64, gamma, beta, runMean, runVar []float64) (y [][]float64, newMean, newVar []float64)) Result {
	c := checker[bnOut]{id: "3.3", title: "batch norm forward with running statistics",
		same: func(a, b bnOut) bool {
			return closeMat(a.y, b.y) && closeVec(a.mean, b.mean) && closeVec(a.variance, b.variance)
		},
		show: func(o bnOut) string {
			return fmt.Sprintf("y = %s, running mean = %s, running var = %s", showMat(o.y), showVec(o.mean), showVec(o.variance))
		},
		bad: func(o bnOut) string {
			return badMat(append([][]float64{o.mean, o.variance}, o.y...))
		},
		hint: "normalise with the batch's biased variance (÷n) and ε = 1e-5 inside the square root; update the running variance with the unbiased one (÷(n−1)): new = 0.9·old + 0.1·batch."}
	rng := rand.New(rand.NewPCG(33, 1))
	type bnCase struct{ x [][]float64 }
	cases := []bnCase{
		{[][]float64{{1, 2}, {3, 6}}},
		{[][]float64{{5}, {5}, {5}}}, // zero variance: ε keeps it finite
		{[][]float64{{-1, 0, 1}, {1, 0, -1}, {2, 2, 2}, {0, 4, 8}}},
	}
	for range randomTrials / 2 {
		n, f := 2+rng.IntN(7), 1+rng.IntN(5)
		cases = append(cases, bnCase{randomMatrix(rng, n, f, 3)})
	}
	var trials []trial[bnOut]
	for _, cs := range cases {
		f := len(cs.x[0])
		x := cs.x
		gamma, beta := randomMatrix(rng, 1, f, 1)[0], randomMatrix(rng, 1, f, 1)[0]
		runMean, runVar := randomMatrix(rng, 1, f, 1)[0], make([]float64, f)
		for j := range runVar {
			runVar[j] = 0.5 + rng.Float64()
		}
		y, m, v := BatchNorm(x, gamma, beta, runMean, runVar)
		trials = append(trials, trial[bnOut]{
			input: fmt.Sprintf("x = %s, γ = %s, β = %s, running mean = %s, running var = %s", showMat(x), showVec(gamma), showVec(beta), showVec(runMean), showVec(runVar)),
			want:  bnOut{y, m, v},
			run: func() bnOut {
				y, m, v := bn(copyMat(x), copyVec(gamma), copyVec(beta), copyVec(runMean), copyVec(runVar))
				return bnOut{y, m, v}
			},
		})
	}
	return c.run(trials, " (including a feature with zero variance)")
}

func randomMatrix(rng *rand.Rand, n, d int, scale float64) [][]float64 {
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, d)
		for j := range m[i] {
			m[i][j] = scale * rng.NormFloat64()
		}
	}
	return m
}

// CourseCNNLayers is the course CNN's stack: three blocks of a 3×3 convolution (stride 1)
// and a 2×2 max-pool (stride 2).
var CourseCNNLayers = []Layer{{3, 1}, {2, 2}, {3, 1}, {2, 2}, {3, 1}, {2, 2}}

// CheckReceptiveField checks the receptive field of a stack of layers.
func CheckReceptiveField(rf func(layers []Layer) int) Result {
	c := checker[int]{id: "3.4", title: "receptive field", same: sameInt, show: showInt,
		hint: "start at 1 pixel and jump 1; each layer adds (kernel − 1)·jump, then multiplies jump by its stride."}
	cases := [][]Layer{nil, {{3, 1}}, {{3, 1}, {3, 1}}, CourseCNNLayers, {{2, 2}, {3, 1}}, {{7, 2}, {3, 2}, {3, 1}}}
	rng := rand.New(rand.NewPCG(34, 1))
	for range randomTrials {
		layers := make([]Layer, 1+rng.IntN(6))
		for i := range layers {
			layers[i] = Layer{1 + rng.IntN(7), 1 + rng.IntN(3)}
		}
		cases = append(cases, layers)
	}
	var trials []trial[int]
	for _, layers := range cases {
		trials = append(trials, trial[int]{
			input: fmt.Sprintf("layers (kernel, stride) = %v", layers),
			want:  ReceptiveField(layers),
			run:   func() int { return rf(append([]Layer(nil), layers...)) },
		})
	}
	return c.run(trials, " (including the course CNN: 22×22)")
}
