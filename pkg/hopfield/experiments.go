package hopfield

import (
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"gonum.org/v1/gonum/mat"
)

// RandomInstance draws N (2–9) patterns of dimension D (1–6), a query and β log-uniform in
// [0.01, 100]: the instances the numerical checks run over.
func RandomInstance(rng *rand.Rand) (X Matrix, q []float64, beta float64) {
	n, d := 2+rng.IntN(8), 1+rng.IntN(6)
	X = RandomPatterns(rng, n, d, 0)
	q = RandomPatterns(rng, 1, d, 0)[0]
	beta = math.Pow(10, -2+4*rng.Float64())
	return
}

// HessianCheck summarises the closed-form Hessians over many random instances.
type HessianCheck struct {
	Instances int
	BetaMin   float64
	BetaMax   float64
	// MaxFiniteDiffError is max over instances of max |closed form − finite differences| / ‖H‖.
	MaxFiniteDiffError float64
	// MinEigenE1 and MinEigenNegE2 are the smallest eigenvalues seen, each divided by ‖H‖
	// (≥ 0 up to rounding when the Hessians are PSD).
	MinEigenE1, MinEigenNegE2 float64
	// MinEigenLiteral is the smallest eigenvalue of the literal β Xᵀ(diag(p) − ppᵀ)X divided by
	// β M², the scale of its rounding error: ≥ 0 up to a few ε when the Hessian is PSD.
	MinEigenLiteral float64
}

// CheckHessians compares β Xᵀ(diag(p) − ppᵀ)X with finite differences of the gradient and
// computes the smallest eigenvalues of both Hessians, on instances random instances.
func CheckHessians(seed uint64, instances int) HessianCheck {
	rng := rand.New(rand.NewPCG(seed, 11))
	c := HessianCheck{Instances: instances, BetaMin: math.Inf(1), MinEigenE1: math.Inf(1), MinEigenNegE2: math.Inf(1), MinEigenLiteral: math.Inf(1)}
	for i := 0; i < instances; i++ {
		X, q, beta := RandomInstance(rng)
		c.BetaMin, c.BetaMax = math.Min(c.BetaMin, beta), math.Max(c.BetaMax, beta)
		closed := HessianNegE2(X, beta, q)
		numeric := NumericalJacobian(func(x []float64) []float64 { return Update(X, beta, x) }, q, 1e-7)
		norm := math.Max(frobenius(closed), 1)
		c.MaxFiniteDiffError = math.Max(c.MaxFiniteDiffError, maxAbsDiff(closed, numeric)/norm)
		c.MinEigenE1 = math.Min(c.MinEigenE1, MinEigenvalue(HessianE1(len(q))))
		if n := frobenius(closed); n > 0 {
			c.MinEigenNegE2 = math.Min(c.MinEigenNegE2, MinEigenvalue(closed)/n)
		}
		roundingScale := beta * MaxNorm(X) * MaxNorm(X)
		c.MinEigenLiteral = math.Min(c.MinEigenLiteral, MinEigenvalue(HessianNegE2Literal(X, beta, q))/roundingScale)
	}
	return c
}

// MinEigenvalue is the smallest eigenvalue of the symmetric part of m (computed on m/‖m‖, as
// LAPACK's scaling trips over matrices whose entries are all near the underflow limit).
func MinEigenvalue(m Matrix) float64 {
	d, norm := len(m), frobenius(m)
	if norm == 0 {
		return 0
	}
	sym := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			sym.SetSym(i, j, (m[i][j]+m[j][i])/2/norm)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, false) {
		return math.NaN()
	}
	return eig.Values(nil)[0] * norm
}

func frobenius(m Matrix) float64 {
	s := 0.0
	for _, row := range m {
		for _, v := range row {
			s += v * v
		}
	}
	return math.Sqrt(s)
}

// SurrogateCheck summarises the two facts CCCP rests on, over random instances and probes.
type SurrogateCheck struct {
	Instances, Probes int
	// MinBoundGap is the smallest surrogate(q) − E(q) seen at random q: ≥ 0 because a concave
	// function lies below its tangents.
	MinBoundGap float64
	// MinArgminGap is the smallest surrogate(q) − surrogate(q_{t+1}) at random q: ≥ 0 because
	// the CCCP step q_{t+1} = Xᵀ softmax(β X q_t) minimises the surrogate.
	MinArgminGap float64
	// MaxTouchGap is the largest |surrogate(q_t) − E(q_t)|: 0, the bound touches E at q_t.
	MaxTouchGap float64
}

// CheckSurrogate builds the surrogate at a random q_t of each random instance and probes it at
// random points around q_t.
func CheckSurrogate(seed uint64, instances, probes int) SurrogateCheck {
	rng := rand.New(rand.NewPCG(seed, 19))
	c := SurrogateCheck{Instances: instances, Probes: probes, MinBoundGap: math.Inf(1), MinArgminGap: math.Inf(1)}
	for i := 0; i < instances; i++ {
		X, qt, beta := RandomInstance(rng)
		next := Update(X, beta, qt)
		atNext := Surrogate(X, beta, qt, next)
		c.MaxTouchGap = math.Max(c.MaxTouchGap, math.Abs(Surrogate(X, beta, qt, qt)-Energy(X, beta, qt)))
		for j := 0; j < probes; j++ {
			q := RandomPatterns(rng, 1, len(qt), 0)[0]
			for k := range q {
				q[k] = qt[k] + 2*q[k]
			}
			sur := Surrogate(X, beta, qt, q)
			c.MinBoundGap = math.Min(c.MinBoundGap, sur-Energy(X, beta, q))
			c.MinArgminGap = math.Min(c.MinArgminGap, sur-atNext)
		}
	}
	return c
}

// DescentCheck summarises CCCP runs over many random instances.
type DescentCheck struct {
	Instances int
	// Increases counts instances where the energy went up by more than rounding.
	Increases int
	// MaxIncrease is the largest single-step energy change seen (≤ 0: never increased).
	MaxIncrease float64
	Converged   int
	MeanSteps   float64
	MaxSteps    int
}

// CheckDescent runs CCCP from a random query on instances random instances (on the backend).
func CheckDescent(b compute.Backend, seed uint64, instances int) (DescentCheck, error) {
	rng := rand.New(rand.NewPCG(seed, 13))
	c := DescentCheck{Instances: instances, MaxIncrease: math.Inf(-1)}
	for i := 0; i < instances; i++ {
		X, q, beta := RandomInstance(rng)
		h, err := NewNet(b, X, beta)
		if err != nil {
			return c, err
		}
		trajs, err := h.Iterate(Matrix{q}, 1e-9, 2000)
		if err != nil {
			return c, err
		}
		t := trajs[0]
		inc := t.MaxEnergyIncrease()
		if inc > 1e-9*(1+math.Abs(t.Energies[0])) {
			c.Increases++
		}
		c.MaxIncrease = math.Max(c.MaxIncrease, inc)
		if t.Converged {
			c.Converged++
		}
		c.MeanSteps += float64(t.Steps()) / float64(instances)
		c.MaxSteps = max(c.MaxSteps, t.Steps())
	}
	return c, nil
}

// RetrievalSweep retrieves every pattern of X from corrupted queries at each β.
func RetrievalSweep(b compute.Backend, X Matrix, betas []float64, opt RetrievalOptions) ([]Retrieval, error) {
	var out []Retrieval
	for _, beta := range betas {
		h, err := NewNet(b, X, beta)
		if err != nil {
			return nil, err
		}
		r, err := h.Retrieve(opt)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// LogSpace returns n values from 10^lo to 10^hi, evenly spaced in log scale.
func LogSpace(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Pow(10, lo+(hi-lo)*float64(i)/float64(max(n-1, 1)))
	}
	return out
}

// AttentionSweep compares the Hopfield update with attention for every (d, N, batch) given.
func AttentionSweep(b compute.Backend, seed uint64, sizes [][3]int) ([]AttentionComparison, error) {
	var rows []AttentionComparison
	for _, s := range sizes {
		c, err := CompareWithAttention(b, seed, s[0], s[1], s[2])
		if err != nil {
			return nil, err
		}
		rows = append(rows, c)
	}
	return rows, nil
}
