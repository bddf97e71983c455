package exercises

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/dllessons/dllessons/pkg/hopfield"
	"github.com/dllessons/dllessons/pkg/metrics"
	"github.com/dllessons/dllessons/pkg/models/seq2seq"
)

// CheckLevenshtein checks an edit distance against metrics.Levenshtein.
func CheckLevenshtein(distance func(a, b string) int) Result {
	c := checker[int]{id: "4.1", title: "Levenshtein distance", same: sameInt, show: showInt,
		hint: "d[i][j] = min(d[i−1][j] + 1, d[i][j−1] + 1, d[i−1][j−1] + (a_i ≠ b_j)), with d[i][0] = i and d[0][j] = j; compare runes, not bytes ([]rune(a))."}
	pairs := [][2]string{{"", ""}, {"", "abc"}, {"kitten", "sitting"}, {"flaw", "lawn"}, {"café", "cafe"}, {"ǃxóõ", "xoo"}, {"abc", "abc"}}
	rng := rand.New(rand.NewPCG(41, 1))
	letters := []rune("abcdeé")
	word := func() string {
		r := make([]rune, rng.IntN(8))
		for i := range r {
			r[i] = letters[rng.IntN(len(letters))]
		}
		return string(r)
	}
	for range randomTrials {
		pairs = append(pairs, [2]string{word(), word()})
	}
	var trials []trial[int]
	for _, p := range pairs {
		a, b := p[0], p[1]
		trials = append(trials, trial[int]{
			input: fmt.Sprintf("a = %q, b = %q", a, b),
			want:  metrics.Levenshtein(a, b),
			run:   func() int { return distance(a, b) },
		})
	}
	return c.run(trials, " (including empty words and accented letters)")
}

// nucleus is a nucleus set for comparison.
type nucleus struct {
	ids   []int
	probs []float64
}

// CheckNucleusSet checks the top-p nucleus against seq2seq.NucleusSet, the function the
// lesson's sampler uses.
func CheckNucleusSet(set func(logProbs []float64, p float64) (ids []int, probs []float64)) Result {
	c := checker[nucleus]{id: "4.2", title: "the nucleus (top-p) set",
		same: func(a, b nucleus) bool { return slices.Equal(a.ids, b.ids) && closeVec(a.probs, b.probs) },
		show: func(n nucleus) string { return fmt.Sprintf("ids %v with probabilities %s", n.ids, showVec(n.probs)) },
		bad:  func(n nucleus) string { return badVec(n.probs) },
		hint: "sort the tokens by probability, largest first; keep them until their total first reaches p (the token that crosses p is kept); divide the kept probabilities by their sum."}
	type input struct {
		lp []float64
		p  float64
	}
	logs := func(ps ...float64) []float64 {
		out := make([]float64, len(ps))
		for i, p := range ps {
			out[i] = float64(float32(math.Log(p)))
		}
		return out
	}
	inputs := []input{
		{logs(0.5, 0.3, 0.2), 0.8},
		{logs(0.1, 0.6, 0.3), 0.5},
		{logs(0.1, 0.6, 0.3), 1},
		{logs(0.7, 0.2, 0.1), 0.01},
		{logs(1), 0.9},
		{[]float64{float64(float32(-1000)), 0, float64(float32(-0.5))}, 0.9}, // unnormalised
	}
	rng := rand.New(rand.NewPCG(42, 1))
	for range randomTrials {
		lp := make([]float64, 2+rng.IntN(10))
		for i := range lp {
			lp[i] = float64(float32(3 * rng.NormFloat64()))
		}
		inputs = append(inputs, input{lp, 0.05 + 0.95*rng.Float64()})
	}
	var trials []trial[nucleus]
	for _, in := range inputs {
		lp32 := make([]float32, len(in.lp))
		for i, v := range in.lp {
			lp32[i] = float32(v)
		}
		ids, probs := seq2seq.NucleusSet(lp32, in.p)
		lp, p := in.lp, in.p
		trials = append(trials, trial[nucleus]{
			input: fmt.Sprintf("log-probabilities %s, p = %.4g", showVec(lp), p),
			want:  nucleus{ids, probs},
			run: func() nucleus {
				ids, probs := set(copyVec(lp), p)
				return nucleus{ids, probs}
			},
		})
	}
	return c.run(trials, " (including p = 1, a tiny p and unnormalised scores)")
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// LSTMStep is one LSTM step in PyTorch's gate order i, f, g, o: with the pre-activations
// z = W·[x; h] + b (W has 4n rows), c' = σ(f)⊙c + σ(i)⊙tanh(g) and h' = σ(o)⊙tanh(c').
func LSTMStep(x, h, c []float64, W [][]float64, b []float64) (hNew, cNew []float64) {
	n := len(h)
	in := append(copyVec(x), h...)
	z := make([]float64, 4*n)
	for k := range z {
		z[k] = b[k] + hopfield.InnerProduct(W[k], in)
	}
	hNew, cNew = make([]float64, n), make([]float64, n)
	for j := range n {
		cNew[j] = sigmoid(z[n+j])*c[j] + sigmoid(z[j])*math.Tanh(z[2*n+j])
		hNew[j] = sigmoid(z[3*n+j]) * math.Tanh(cNew[j])
	}
	return hNew, cNew
}

// CheckLSTMStep checks one LSTM step against LSTMStep.
func CheckLSTMStep(step func(x, h, c []float64, W [][]float64, b []float64) (hNew, cNew []float64)) Result {
	c := checker[[][]float64]{id: "4.3", title: "one LSTM step", same: closeMat,
		show: func(m [][]float64) string { return fmt.Sprintf("h' = %s, c' = %s", showVec(m[0]), showVec(m[1])) },
		bad:  badMat,
		hint: "z = W·[x; h] + b; its four blocks of n are the gates i, f, g, o (PyTorch's order); c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c')."}
	rng := rand.New(rand.NewPCG(43, 1))
	sizes := [][2]int{{1, 1}, {2, 3}, {3, 2}}
	for range randomTrials / 2 {
		sizes = append(sizes, [2]int{1 + rng.IntN(5), 1 + rng.IntN(5)})
	}
	var trials []trial[[][]float64]
	for i, s := range sizes {
		nx, n := s[0], s[1]
		x, h, cell := randomMatrix(rng, 1, nx, 1)[0], randomMatrix(rng, 1, n, 1)[0], randomMatrix(rng, 1, n, 1)[0]
		W, b := randomMatrix(rng, 4*n, nx+n, 0.5), randomMatrix(rng, 1, 4*n, 0.5)[0]
		if i == 0 {
			W, b = [][]float64{{0, 0}, {0, 0}, {0, 0}, {0, 0}}, []float64{0, 0, 0, 0} // every gate ½, g = 0
		}
		hNew, cNew := LSTMStep(x, h, cell, W, b)
		trials = append(trials, trial[[][]float64]{
			input: fmt.Sprintf("x = %s, h = %s, c = %s, W = %s, b = %s", showVec(x), showVec(h), showVec(cell), showMat(W), showVec(b)),
			want:  [][]float64{hNew, cNew},
			run: func() [][]float64 {
				hNew, cNew := step(copyVec(x), copyVec(h), copyVec(cell), copyMat(W), copyVec(b))
				return [][]float64{hNew, cNew}
			},
		})
	}
	return c.run(trials, "")
}

// Beam is one partial spelling of beam search: its tokens, their total log-probability, and
// whether it has emitted the end token.
type Beam struct {
	Tokens []int
	Score  float64
	Ended  bool
}

// BeamStep extends each beam by every token (an ended beam carries over unchanged, as one
// candidate), and keeps the width best candidates by score, best first; ties go to the earlier
// beam, then to the smaller token. logProbs[i] are beam i's next-token log-probabilities.
func BeamStep(beams []Beam, logProbs [][]float64, width, eos int) []Beam {
	var cands []Beam
	for i, b := range beams {
		if b.Ended {
			cands = append(cands, b)
			continue
		}
		for tok, lp := range logProbs[i] {
			tokens := append(append([]int(nil), b.Tokens...), tok)
			cands = append(cands, Beam{Tokens: tokens, Score: b.Score + lp, Ended: tok == eos})
		}
	}
	slices.SortStableFunc(cands, func(a, b Beam) int { return cmp.Compare(b.Score, a.Score) })
	return cands[:min(width, len(cands))]
}

func sameBeams(a, b []Beam) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !slices.Equal(a[i].Tokens, b[i].Tokens) || a[i].Ended != b[i].Ended || !near(a[i].Score, b[i].Score) {
			return false
		}
	}
	return true
}

func showBeams(bs []Beam) string {
	s := "["
	for i, b := range bs {
		if i > 0 {
			s += ", "
		}
		end := ""
		if b.Ended {
			end = " ended"
		}
		s += fmt.Sprintf("%v %.4g%s", b.Tokens, b.Score, end)
	}
	return s + "]"
}

func copyBeams(bs []Beam) []Beam {
	out := make([]Beam, len(bs))
	for i, b := range bs {
		out[i] = Beam{Tokens: append([]int(nil), b.Tokens...), Score: b.Score, Ended: b.Ended}
	}
	return out
}

// CheckBeamStep checks one step of beam search against BeamStep.
func CheckBeamStep(step func(beams []Beam, logProbs [][]float64, width, eos int) []Beam) Result {
	c := checker[[]Beam]{id: "4.4", title: "one beam-search step", same: sameBeams, show: showBeams,
		bad: func(bs []Beam) string {
			for _, b := range bs {
				if s := badFloat(b.Score); s != "" {
					return s + " as a score"
				}
			}
			return ""
		},
		hint: "every unfinished beam proposes each token with score + log p(token); a finished beam proposes itself once, unchanged; keep the width highest scores, best first (copy the token slices: beams share no memory)."}
	rng := rand.New(rand.NewPCG(44, 1))
	type input struct {
		beams []Beam
		lp    [][]float64
		width int
		eos   int
	}
	logs := func(ps ...float64) []float64 {
		out := make([]float64, len(ps))
		for i, p := range ps {
			out[i] = math.Log(p)
		}
		return out
	}
	inputs := []input{
		{beams: []Beam{{}}, lp: [][]float64{logs(0.1, 0.6, 0.3)}, width: 2, eos: 0},
		{beams: []Beam{{Tokens: []int{1}, Score: -0.5}, {Tokens: []int{2}, Score: -1}}, lp: [][]float64{logs(0.2, 0.5, 0.3), logs(0.9, 0.05, 0.05)}, width: 3, eos: 0},
		{beams: []Beam{{Tokens: []int{1, 0}, Score: -0.2, Ended: true}, {Tokens: []int{2}, Score: -0.3}}, lp: [][]float64{logs(0.4, 0.3, 0.3), logs(0.5, 0.25, 0.25)}, width: 2, eos: 0},
		{beams: []Beam{{Tokens: []int{1}, Score: -1}}, lp: [][]float64{logs(0.5, 0.5)}, width: 5, eos: 1},
	}
	for range randomTrials / 2 {
		vocab, width := 2+rng.IntN(5), 1+rng.IntN(4)
		beams := make([]Beam, 1+rng.IntN(width))
		lp := make([][]float64, len(beams))
		for i := range beams {
			beams[i].Score = -3 * rng.Float64()
			for range rng.IntN(3) {
				beams[i].Tokens = append(beams[i].Tokens, 1+rng.IntN(vocab-1))
			}
			beams[i].Ended = rng.IntN(4) == 0
			probs := make([]float64, vocab)
			for t := range probs {
				probs[t] = 0.05 + rng.Float64()
			}
			lp[i] = logs(probs...)
			sum := 0.0
			for _, p := range probs {
				sum += p
			}
			for t := range lp[i] {
				lp[i][t] -= math.Log(sum)
			}
		}
		inputs = append(inputs, input{beams: beams, lp: lp, width: width, eos: 0})
	}
	var trials []trial[[]Beam]
	for _, in := range inputs {

		trials = append(trials, trial[[]Beam]{
			input: fmt.Sprintf("beams %s, log-probabilities %s, width %d, end token %d", showBeams(in.beams), showMat(in.lp), in.width, in.eos),
			want:  BeamStep(copyBeams(in.beams), in.lp, in.width, in.eos),
			run:   func() []Beam { return step(copyBeams(in.beams), copyMat(in.lp), in.width, in.eos) },
		})
	}
	return c.run(trials, " (including finished beams and a width larger than the candidates)")
}
