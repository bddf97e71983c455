package hopfield

import (
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
)

// Experiments gathers the numbers of the two Hopfield lessons; the CLI writes it as JSON and
// pkg/hopfield/report renders it as tables.
type Experiments struct {
	Seed       uint64
	Hessians   HessianCheck
	Surrogate  SurrogateCheck
	Descent    DescentCheck
	Retrieval  []Retrieval
	Attention  []AttentionComparison
	Projection ProjectionEffect
	Stacked    Stacked
}

// AttentionSizes are the (d, N, batch) rows of the attention table.
var AttentionSizes = [][3]int{{2, 3, 1}, {8, 16, 4}, {16, 64, 8}, {64, 32, 16}, {128, 256, 32}}

// RetrievalProblem is the lessons' retrieval set-up: 16 random patterns in 64 dimensions with
// norm 8, queries with noise σ = 0.5 and a quarter of their entries masked.
func RetrievalProblem(seed uint64) (Matrix, RetrievalOptions) {
	X := RandomPatterns(rand.New(rand.NewPCG(seed, 17)), 16, 64, 8)
	return X, RetrievalOptions{Sigma: 0.5, MaskFrac: 0.25, Tolerance: 1e-3, MaxSteps: 100, Seed: seed}
}

// RunExperiments runs every check of the lessons on the given number of random instances.
func RunExperiments(b compute.Backend, seed uint64, instances int) (Experiments, error) {
	if instances < 1 {
		return Experiments{}, fmt.Errorf("hopfield: need at least one random instance, got %d", instances)
	}
	r := Experiments{Seed: seed, Hessians: CheckHessians(seed, instances), Surrogate: CheckSurrogate(seed, instances, 20)}
	var err error
	if r.Descent, err = CheckDescent(b, seed, instances); err != nil {
		return r, err
	}
	X, opt := RetrievalProblem(seed)
	if r.Retrieval, err = RetrievalSweep(b, X, LogSpace(-3, 1, 9), opt); err != nil {
		return r, err
	}
	if r.Attention, err = AttentionSweep(b, seed, AttentionSizes); err != nil {
		return r, err
	}
	if r.Projection, err = CompareProjected(b, seed, 16, 32, 8); err != nil {
		return r, err
	}
	stackedX, q := StackedProblem(seed)
	r.Stacked, err = StackedUpdates(b, stackedX, q, StackedBetas, 8)
	return r, err
}

// Demo2D is the lessons' 2-D example: four stored patterns and six starting queries.
func Demo2D() (patterns, starts Matrix) {
	patterns = Matrix{{1.5, 1.0}, {-1.2, 1.4}, {-1.0, -1.3}, {1.3, -1.1}}
	starts = Matrix{{0.2, 0.3}, {-0.4, 0.1}, {0.1, -0.6}, {2.2, 2.3}, {-2.4, -0.2}, {0.6, -2.4}}
	return
}

// Descent2D is the 2-D demo at one β: the energy on a grid and the CCCP path of each start.
type Descent2D struct {
	Beta         float64
	Patterns     Matrix
	Landscape    Landscape
	Trajectories []Trajectory
}

// RunDemo2D evaluates the 2-D demo (Demo2D) at β: the energy on a steps×steps grid over
// [−2.8, 2.8]² and the CCCP trajectories of the six starts (to ‖Δq‖ < 10⁻⁶, at most 100 steps).
func RunDemo2D(b compute.Backend, beta float64, steps int) (Descent2D, error) {
	X, starts := Demo2D()
	h, err := NewNet(b, X, beta)
	if err != nil {
		return Descent2D{}, err
	}
	land, err := h.Landscape(-2.8, 2.8, steps)
	if err != nil {
		return Descent2D{}, err
	}
	trajs, err := h.Iterate(starts, 1e-6, 100)
	if err != nil {
		return Descent2D{}, err
	}
	return Descent2D{Beta: beta, Patterns: X, Landscape: land, Trajectories: trajs}, nil
}

// NearestDistances is, for each state of the trajectory, the distance to the closest stored
// pattern: how far the query is from having retrieved one.
func NearestDistances(X Matrix, t Trajectory) []float64 {
	out := make([]float64, len(t.States))
	for i, s := range t.States {
		_, out[i] = Nearest(X, s)
	}
	return out
}

// StackedProblem is the stacked-updates example: the patterns of RetrievalProblem and a
// corrupted copy of the first one.
func StackedProblem(seed uint64) (X Matrix, q []float64) {
	X, opt := RetrievalProblem(seed)
	return X, Corrupt(rand.New(rand.NewPCG(seed, 3)), X[0], opt.Sigma, opt.MaskFrac)
}

// StackedBetas are the β of the stacked-updates example: below, at (1/√64) and above the
// transformer's scale.
var StackedBetas = []float64{0.03, 0.125, 0.5, 2}

// Stacked follows one query through repeated Hopfield updates (= stacked cross-attention steps
// with W_K = W_V = I): Distances[i][t] is its distance to the nearest stored pattern after t
// updates at β = Betas[i] (shorter when a fixed point is reached early).
type Stacked struct {
	Betas     []float64
	Distances [][]float64
}

// StackedUpdates runs up to steps updates of q at each β.
func StackedUpdates(b compute.Backend, X Matrix, q []float64, betas []float64, steps int) (Stacked, error) {
	s := Stacked{Betas: betas, Distances: make([][]float64, len(betas))}
	for i, beta := range betas {
		h, err := NewNet(b, X, beta)
		if err != nil {
			return s, err
		}
		trajs, err := h.Iterate(Matrix{q}, 1e-12, steps)
		if err != nil {
			return s, err
		}
		s.Distances[i] = NearestDistances(X, trajs[0])
	}
	return s, nil
}

// GradientCheck is one random problem of CheckGradients: its size, β, and the relative errors
// of single-precision gradients against central finite differences of the float64 reference.
type GradientCheck struct {
	N, D int
	Beta float64
	// E2Closed and E2Autodiff are the errors of ∇E₂ in closed form and by autodiff; EClosed and
	// EAutodiff those of ∇E.
	E2Closed, E2Autodiff, EClosed, EAutodiff float64
}

// CheckGradients compares the closed-form and the autodiff gradients of E₂ and of E, in single
// precision as a model would run them, with central finite differences of the float64
// reference on `instances` random problems (β capped at 10).
func CheckGradients(b compute.Backend, seed uint64, instances int) ([]GradientCheck, error) {
	rng := rand.New(rand.NewPCG(seed, seed))
	var checks []GradientCheck
	for range instances {
		X, q, beta := RandomInstance(rng)
		beta = min(beta, 10)
		net, err := NewNet(b, X, beta)
		if err != nil {
			return nil, err
		}
		net.DType = dtypes.Float32
		grads, err := gradientsOf(net, q)
		if err != nil {
			return nil, err
		}
		fdE2 := NumericalGradient(func(x []float64) float64 { return E2(X, beta, x) }, q, 1e-6)
		fd := NumericalGradient(func(x []float64) float64 { return Energy(X, beta, x) }, q, 1e-6)
		checks = append(checks, GradientCheck{N: len(X), D: len(q), Beta: beta,
			E2Closed: RelativeError(grads[0], fdE2), E2Autodiff: RelativeError(grads[1], fdE2),
			EClosed: RelativeError(grads[2], fd), EAutodiff: RelativeError(grads[3], fd)})
	}
	return checks, nil
}

// gradientsOf returns net's ∇E₂ closed form and autodiff, then ∇E closed form and autodiff, at q.
func gradientsOf(net *Net, q []float64) ([4][]float64, error) {
	var out [4][]float64
	_, closedE2, err := net.GradientParts(Matrix{q})
	if err != nil {
		return out, err
	}
	_, autoE2, err := net.AutodiffGradientParts(Matrix{q})
	if err != nil {
		return out, err
	}
	closed, err := net.Gradient(Matrix{q})
	if err != nil {
		return out, err
	}
	auto, err := net.AutodiffGradient(Matrix{q})
	if err != nil {
		return out, err
	}
	return [4][]float64{closedE2[0], autoE2[0], closed[0], auto[0]}, nil
}
