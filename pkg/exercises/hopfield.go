package exercises

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dllessons/dllessons/pkg/hopfield"
)

// randomTrials is how many random inputs each check draws besides its edge cases.
const randomTrials = 50

// hopfieldInstances are the (X, β, q) a lesson-1 check runs on: edge cases first (one pattern,
// a huge β·z that overflows a naive exp, β → 0, a query far away), then random instances.
func hopfieldInstances(seed uint64) (Xs [][][]float64, betas []float64, qs [][]float64) {
	add := func(X [][]float64, beta float64, q []float64) {
		Xs, betas, qs = append(Xs, X), append(betas, beta), append(qs, q)
	}
	add([][]float64{{1, 2}}, 1, []float64{0.5, -1})
	add([][]float64{{1, 0}, {0, 1}}, 1, []float64{0, 0})
	add([][]float64{{30, 0}, {0, 30}, {-30, 0}}, 50, []float64{20, 1})
	add([][]float64{{1, 2, 3}, {-1, 0, 2}}, 1e-3, []float64{3, -2, 1})
	rng := rand.New(rand.NewPCG(seed, 13))
	for range randomTrials {
		X, q, beta := hopfield.RandomInstance(rng)
		add(X, beta, q)
	}
	return
}

func describeXBq(X [][]float64, beta float64, q []float64) string {
	return fmt.Sprintf("X = %s, β = %.4g, q = %s", showMat(X), beta, showVec(q))
}

// CheckSoftmax checks softmax(β z) against hopfield.SoftmaxBeta.
func CheckSoftmax(softmax func(beta float64, z []float64) []float64) Result {
	c := checker[[]float64]{id: "1.1", title: "softmax with β", same: closeVec, show: showVec, bad: badVec,
		hint: "exp(β zᵢ) / Σⱼ exp(β zⱼ); subtract max(z) before exp so that large β·z does not overflow."}
	zs := [][]float64{{0}, {1, 2, 3}, {1000, 1001}, {-1000, 0, 1000}, {2, 2, 2, 2}}
	betas := []float64{1, 1, 1, 0.5, 0}
	rng := rand.New(rand.NewPCG(11, 1))
	for range randomTrials {
		z := hopfield.RandomPatterns(rng, 1, 1+rng.IntN(9), 0)[0]
		zs, betas = append(zs, z), append(betas, math.Pow(10, -2+4*rng.Float64()))
	}
	var trials []trial[[]float64]
	for i, z := range zs {
		beta := betas[i]
		trials = append(trials, trial[[]float64]{
			input: fmt.Sprintf("β = %.4g, z = %s", beta, showVec(z)),
			want:  hopfield.SoftmaxBeta(beta, z),
			run:   func() []float64 { return softmax(beta, copyVec(z)) },
		})
	}
	return c.run(trials, " (including z = [1000 1001] and β = 0)")
}

// hopfieldCheck runs f against ref on the lesson-1 instances.
func hopfieldCheck[T any](c checker[T], f, ref func(X [][]float64, beta float64, q []float64) T) Result {
	Xs, betas, qs := hopfieldInstances(12)
	var trials []trial[T]
	for i := range Xs {
		X, beta, q := Xs[i], betas[i], qs[i]
		trials = append(trials, trial[T]{
			input: describeXBq(X, beta, q),
			want:  ref(X, beta, q),
			run:   func() T { return f(copyMat(X), beta, copyVec(q)) },
		})
	}
	return c.run(trials, " (one pattern, a β·Xq that overflows a naive exp, β = 0.001 and random instances)")
}

// CheckEnergy checks E(q) = −lse(β, Xq) + ½qᵀq + β⁻¹ log N + ½M² against hopfield.Energy.
func CheckEnergy(energy func(X [][]float64, beta float64, q []float64) float64) Result {
	return hopfieldCheck(checker[float64]{id: "1.2", title: "the energy E(q)", same: near, show: showFloat, bad: badFloat,
		hint: "E = −lse(β, Xq) + ½qᵀq + log(N)/β + ½M² with M the largest pattern norm; compute lse around max(Xq)."},
		energy, hopfield.Energy)
}

// CheckGradient checks ∇E(q) = q − Xᵀ softmax(β X q) against hopfield.EnergyGradient.
func CheckGradient(grad func(X [][]float64, beta float64, q []float64) []float64) Result {
	return hopfieldCheck(checker[[]float64]{id: "1.3", title: "the gradient ∇E(q)", same: closeVec, show: showVec, bad: badVec,
		hint: "∇E₁ = q and ∇E₂ = −Xᵀ softmax(β X q); the constants log(N)/β and ½M² do not depend on q."},
		grad, hopfield.EnergyGradient)
}

// CheckCCCPStep checks one CCCP update Xᵀ softmax(β X q) against hopfield.Update.
func CheckCCCPStep(step func(X [][]float64, beta float64, q []float64) []float64) Result {
	return hopfieldCheck(checker[[]float64]{id: "1.4", title: "one CCCP step", same: closeVec, show: showVec, bad: badVec,
		hint: "set ∇E₁(q_{t+1}) = −∇E₂(q_t): q_{t+1} = Xᵀ softmax(β X q_t), a mix of the stored patterns (rows of X)."},
		step, hopfield.Update)
}
