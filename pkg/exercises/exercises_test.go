package exercises

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/dllessons/dllessons/pkg/hopfield"
)

// expect fails the test unless r has the status and its text contains every want.
func expect(t *testing.T, r Result, status Status, want ...string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("status %d, want %d:\n%s", r.Status, status, r)
	}
	for _, w := range want {
		if !strings.Contains(r.String(), w) {
			t.Errorf("result does not mention %q:\n%s", w, r)
		}
	}
	if strings.Contains(r.String(), "panic:") || strings.Contains(r.String(), "exit status") {
		t.Errorf("result contains a token the notebook runner takes for a crash:\n%s", r)
	}
}

func TestCheckerOutcomes(t *testing.T) {
	expect(t, CheckSoftmax(hopfield.SoftmaxBeta), Pass, "✓ Exercise 1.1")
	expect(t, CheckSoftmax(func(float64, []float64) []float64 { panic(NotYet) }), NotStarted, "○ Exercise 1.1", "not yet")
	naive := func(beta float64, z []float64) []float64 {
		p, s := make([]float64, len(z)), 0.0
		for i, v := range z {
			p[i] = math.Exp(beta * v)
			s += p[i]
		}
		for i := range p {
			p[i] /= s
		}
		return p
	}
	expect(t, CheckSoftmax(naive), Fail, "✗ Exercise 1.1", "returned NaN", "z = [1000 1001]", "expected: [0.268941 0.731059]", "hint:")
	expect(t, CheckSoftmax(func(float64, []float64) []float64 { var z []float64; return z[:1] }), Fail, "your function panicked: runtime error")
	old := TimeLimit
	TimeLimit = 50 * time.Millisecond
	defer func() { TimeLimit = old }()
	expect(t, CheckSoftmax(func(float64, []float64) []float64 { select {} }), Fail, "did not finish within 50ms")
}

func TestLesson1Checks(t *testing.T) {
	expect(t, CheckEnergy(hopfield.Energy), Pass)
	expect(t, CheckGradient(hopfield.EnergyGradient), Pass)
	expect(t, CheckCCCPStep(hopfield.Update), Pass)
	// Forgetting the constants of E1 is the classic slip.
	expect(t, CheckEnergy(func(X [][]float64, beta float64, q []float64) float64 {
		return hopfield.E2(X, beta, q) + 0.5*hopfield.InnerProduct(q, q)
	}), Fail, "wrong answer", "input:    X = [[1 2]]")
	expect(t, CheckGradient(hopfield.Update), Fail, "wrong answer")
	expect(t, CheckCCCPStep(func(X [][]float64, beta float64, q []float64) []float64 { return q }), Fail, "expected: [1 2]", "got:      [0.5 -1]")
}

func TestLesson2Checks(t *testing.T) {
	expect(t, CheckAttention(Attention), Pass, "✓ Exercise 2.1")
	// With K = V = X and one query, attention is the Hopfield update at β = 1/√d.
	X := [][]float64{{1, 2, 0}, {0, -1, 3}}
	q := []float64{0.5, 1, -1}
	if got, want := Attention([][]float64{q}, X, X)[0], hopfield.Update(X, 1/math.Sqrt(3), q); !closeVec(want, got) {
		t.Errorf("reference attention %v, Hopfield update %v", got, want)
	}
	expect(t, CheckHopfieldByAttention(func(X [][]float64, beta float64, Q [][]float64) [][]float64 {
		scale := beta * math.Sqrt(float64(len(Q[0])))
		for _, q := range Q {
			for j := range q {
				q[j] *= scale
			}
		}
		return Attention(Q, X, X)
	}), Pass)
	expect(t, CheckHopfieldByAttention(func(X [][]float64, beta float64, Q [][]float64) [][]float64 { return Attention(Q, X, X) }),
		Fail, "β = ", "scale the queries")
	expect(t, CheckSeparationGap(SeparationGap), Pass)
	expect(t, CheckSeparationGap(func(X [][]float64, i int) float64 {
		best := 0.0 // wrong start for a maximum
		for j := range X {
			if j != i {
				best = math.Max(best, hopfield.InnerProduct(X[i], X[j]))
			}
		}
		return hopfield.InnerProduct(X[i], X[i]) - best
	}), Fail, "i = 0", "expected: 2", "got:      1")
	expect(t, CheckCausalSelfAttention(CausalSelfAttention), Pass)
	expect(t, CheckCausalSelfAttention(func(X [][]float64, beta float64) [][]float64 {
		return maskedAttention(X, X, X, beta, false)
	}), Fail, "wrong answer")
}

func TestSummaryCounts(t *testing.T) {
	results := []Result{{ID: "1.1", Title: "a", Status: Pass}, {ID: "1.2", Title: "b", Status: NotStarted}}
	out := captureStdout(t, func() { Summary(1, results...) })
	for _, want := range []string{"Exercises of lesson 1: 1 of 2 pass", "  ✓ 1.1 a: passes", "  ○ 1.2 b: not yet written"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary does not contain %q:\n%s", want, out)
		}
	}
}
