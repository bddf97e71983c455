package exercises

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/hopfield"
	"github.com/dllessons/dllessons/pkg/metrics"
	"github.com/dllessons/dllessons/pkg/models/seq2seq"
)

// TestLSTMStepAgreesWithTheModel runs the seq2seq model's LSTM cell on GoMLX with the gates
// of the plain-Go reference and compares the new states.
func TestLSTMStepAgreesWithTheModel(t *testing.T) {
	rng := newRand(9)
	const nx, n = 3, 4
	x, h, c := randomMatrix(rng, 1, nx, 1)[0], randomMatrix(rng, 1, n, 1)[0], randomMatrix(rng, 1, n, 1)[0]
	W, b := randomMatrix(rng, 4*n, nx+n, 0.5), randomMatrix(rng, 1, 4*n, 0.5)[0]
	gates := make([]float32, 4*n)
	in := append(copyVec(x), h...)
	for k := range gates {
		gates[k] = float32(b[k] + hopfield.InnerProduct(W[k], in))
	}
	c32 := make([]float32, n)
	for i, v := range c {
		c32[i] = float32(v)
	}
	exec, err := NewExec(backend.MustDefault(), func(g, c *Node) []*Node {
		h, c2 := seq2seq.LSTMCell(g, c)
		return []*Node{h, c2}
	})
	if err != nil {
		t.Fatal(err)
	}
	outs, err := exec.Exec(tensors.FromFlatDataAndDimensions(gates, 1, 4*n), tensors.FromFlatDataAndDimensions(c32, 1, n))
	if err != nil {
		t.Fatal(err)
	}
	wantH, wantC := LSTMStep(x, h, c, W, b)
	gotH, gotC := tensors.MustCopyFlatData[float32](outs[0]), tensors.MustCopyFlatData[float32](outs[1])
	for j := range n {
		if math.Abs(float64(gotH[j])-wantH[j]) > 1e-5 || math.Abs(float64(gotC[j])-wantC[j]) > 1e-5 {
			t.Fatalf("unit %d: model h=%v c=%v, reference h=%v c=%v", j, gotH[j], gotC[j], wantH[j], wantC[j])
		}
	}
}

func TestLesson4Checks(t *testing.T) {
	expect(t, CheckLevenshtein(metrics.Levenshtein), Pass, "✓ Exercise 4.1")
	byteWise := func(a, b string) int { // counts bytes: "é" is two
		return metrics.LevenshteinRunes([]rune(string([]byte(a))), []rune(b)) + len(a) - len([]rune(a))
	}
	expect(t, CheckLevenshtein(byteWise), Fail, `a = "café", b = "cafe"`, "expected: 1", "got:      2")

	refSet := func(lp []float64, p float64) ([]int, []float64) {
		lp32 := make([]float32, len(lp))
		for i, v := range lp {
			lp32[i] = float32(v)
		}
		return seq2seq.NucleusSet(lp32, p)
	}
	expect(t, CheckNucleusSet(refSet), Pass)
	strict := func(lp []float64, p float64) ([]int, []float64) { // stops before the token that crosses p
		ids, probs := refSet(lp, 1)
		mass := 0.0
		for i := range probs {
			if mass+probs[i] >= p && i > 0 {
				ids, probs = ids[:i], probs[:i]
				break
			}
			mass += probs[i]
		}
		sum := 0.0
		for _, q := range probs {
			sum += q
		}
		for i := range probs {
			probs[i] /= sum
		}
		return ids, probs
	}
	expect(t, CheckNucleusSet(strict), Fail, "p = 0.8", "expected: ids [0 1]", "got:      ids [0]")

	expect(t, CheckLSTMStep(LSTMStep), Pass)
	swapped := func(x, h, c []float64, W [][]float64, b []float64) ([]float64, []float64) { // i and f swapped
		W2, b2 := copyMat(W), copyVec(b)
		n := len(h)
		for j := range n {
			W2[j], W2[n+j] = W[n+j], W[j]
			b2[j], b2[n+j] = b[n+j], b[j]
		}
		return LSTMStep(x, h, c, W2, b2)
	}
	expect(t, CheckLSTMStep(swapped), Fail, "PyTorch's order")

	expect(t, CheckBeamStep(BeamStep), Pass)
	noCarry := func(beams []Beam, lp [][]float64, width, eos int) []Beam { // extends finished beams too
		for i := range beams {
			beams[i].Ended = false
		}
		return BeamStep(beams, lp, width, eos)
	}
	expect(t, CheckBeamStep(noCarry), Fail, "ended", "a finished beam proposes itself once")
}
