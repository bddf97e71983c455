package exercises

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dllessons/dllessons/pkg/hopfield"
)

// Attention is the reference scaled dot-product attention softmax(Q Kᵀ/√d) V, one row of Q at
// a time, with the softmax of pkg/hopfield.
func Attention(Q, K, V [][]float64) [][]float64 {
	d := len(Q[0])
	return maskedAttention(Q, K, V, 1/math.Sqrt(float64(d)), false)
}

// CausalSelfAttention is softmax(β X Xᵀ) X where query i sees only patterns 0..i.
func CausalSelfAttention(X [][]float64, beta float64) [][]float64 {
	return maskedAttention(X, X, X, beta, true)
}

func maskedAttention(Q, K, V [][]float64, beta float64, causal bool) [][]float64 {
	out := make([][]float64, len(Q))
	for i, q := range Q {
		keys := K
		if causal {
			keys = K[:i+1]
		}
		scores := make([]float64, len(keys))
		for j, k := range keys {
			scores[j] = hopfield.InnerProduct(q, k)
		}
		p := hopfield.SoftmaxBeta(beta, scores)
		out[i] = make([]float64, len(V[0]))
		for j, pj := range p {
			for c, v := range V[j] {
				out[i][c] += pj * v
			}
		}
	}
	return out
}

// SeparationGap is Δᵢ = xᵢᵀxᵢ − max_{j≠i} xᵢᵀxⱼ, how much pattern i prefers itself.
func SeparationGap(X [][]float64, i int) float64 {
	best := math.Inf(-1)
	for j, x := range X {
		if j != i {
			best = math.Max(best, hopfield.InnerProduct(X[i], x))
		}
	}
	return hopfield.InnerProduct(X[i], X[i]) - best
}

// attentionSizes are (queries, patterns, dimension) of the lesson-2 checks: edge cases first.
func attentionSizes(rng *rand.Rand) [][3]int {
	sizes := [][3]int{{1, 1, 1}, {1, 3, 4}, {4, 2, 3}, {3, 5, 1}}
	for range randomTrials / 2 {
		sizes = append(sizes, [3]int{1 + rng.IntN(5), 1 + rng.IntN(8), 1 + rng.IntN(8)})
	}
	return sizes
}

// CheckAttention checks softmax(Q Kᵀ/√d) V against Attention.
func CheckAttention(attention func(Q, K, V [][]float64) [][]float64) Result {
	c := checker[[][]float64]{id: "2.1", title: "scaled dot-product attention", same: closeMat, show: showMat, bad: badMat,
		hint: "row i of the result is Σⱼ pⱼ Vⱼ with p = softmax(Qᵢ·Kⱼ / √d) over j, d the length of a query; V may have another width than Q."}
	rng := rand.New(rand.NewPCG(21, 1))
	var trials []trial[[][]float64]
	for _, s := range attentionSizes(rng) {
		Q := hopfield.RandomPatterns(rng, s[0], s[2], 0)
		K := hopfield.RandomPatterns(rng, s[1], s[2], 0)
		V := hopfield.RandomPatterns(rng, s[1], 1+rng.IntN(4), 0)
		trials = append(trials, trial[[][]float64]{
			input: fmt.Sprintf("Q = %s, K = %s, V = %s", showMat(Q), showMat(K), showMat(V)),
			want:  Attention(Q, K, V),
			run:   func() [][]float64 { return attention(copyMat(Q), copyMat(K), copyMat(V)) },
		})
	}
	return c.run(trials, "")
}

// CheckHopfieldByAttention checks a Hopfield update of every query (any β) written with the
// attention function against hopfield.Update.
func CheckHopfieldByAttention(update func(X [][]float64, beta float64, Q [][]float64) [][]float64) Result {
	c := checker[[][]float64]{id: "2.2", title: "a Hopfield update for any β, through attention", same: closeMat, show: showMat, bad: badMat,
		hint: "attention divides the scores by √d; to get β·(Q Xᵀ) instead, scale the queries by β√d before calling it (keys = values = X)."}
	rng := rand.New(rand.NewPCG(22, 1))
	var trials []trial[[][]float64]
	for i, s := range attentionSizes(rng) {
		X := hopfield.RandomPatterns(rng, s[1], s[2], 0)
		Q := hopfield.RandomPatterns(rng, s[0], s[2], 0)
		beta := math.Pow(10, -1+2*rng.Float64())
		if i == 0 {
			beta = 1 / math.Sqrt(float64(s[2]))
		}
		want := make([][]float64, len(Q))
		for r, q := range Q {
			want[r] = hopfield.Update(X, beta, q)
		}
		trials = append(trials, trial[[][]float64]{
			input: fmt.Sprintf("X = %s, β = %.4g, Q = %s", showMat(X), beta, showMat(Q)),
			want:  want,
			run:   func() [][]float64 { return update(copyMat(X), beta, copyMat(Q)) },
		})
	}
	return c.run(trials, "")
}

// CheckSeparationGap checks Δᵢ against SeparationGap.
func CheckSeparationGap(gap func(X [][]float64, i int) float64) Result {
	c := checker[float64]{id: "2.3", title: "the separation gap Δᵢ", same: near, show: showFloat, bad: badFloat,
		hint: "Δᵢ = xᵢᵀxᵢ − max over j ≠ i of xᵢᵀxⱼ; the maximum may be negative, so do not start it at 0."}
	rng := rand.New(rand.NewPCG(23, 1))
	cases := []struct {
		X [][]float64
		i int
	}{
		{[][]float64{{1, 0}, {-1, 0}}, 0},
		{[][]float64{{1, 0}, {-2, 0}, {-3, 0}}, 1},
		{[][]float64{{1, 1}, {1, 1}}, 1},
	}
	for range randomTrials {
		X := hopfield.RandomPatterns(rng, 2+rng.IntN(8), 1+rng.IntN(8), 0)
		cases = append(cases, struct {
			X [][]float64
			i int
		}{X, rng.IntN(len(X))})
	}
	var trials []trial[float64]
	for _, cs := range cases {
		X, i := cs.X, cs.i
		trials = append(trials, trial[float64]{
			input: fmt.Sprintf("X = %s, i = %d", showMat(X), i),
			want:  SeparationGap(X, i),
			run:   func() float64 { return gap(copyMat(X), i) },
		})
	}
	return c.run(trials, " (including all other similarities negative)")
}

// CheckCausalSelfAttention checks masked self-attention against CausalSelfAttention.
func CheckCausalSelfAttention(causal func(X [][]float64, beta float64) [][]float64) Result {
	c := checker[[][]float64]{id: "2.4", title: "causal self-attention", same: closeMat, show: showMat, bad: badMat,
		hint: "query i may attend to patterns 0..i only: the softmax runs over j ≤ i (a mask of −∞ on j > i), so row 0 is x₀ itself."}
	rng := rand.New(rand.NewPCG(24, 1))
	var trials []trial[[][]float64]
	for _, s := range attentionSizes(rng) {
		X := hopfield.RandomPatterns(rng, s[1], s[2], 0)
		beta := math.Pow(10, -1+2*rng.Float64())
		trials = append(trials, trial[[][]float64]{
			input: fmt.Sprintf("X = %s, β = %.4g", showMat(X), beta),
			want:  CausalSelfAttention(X, beta),
			run:   func() [][]float64 { return causal(copyMat(X), beta) },
		})
	}
	return c.run(trials, "")
}
