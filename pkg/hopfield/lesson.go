package hopfield

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/plots"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"gonum.org/v1/plot"
)

// Report gathers the numbers of the two Hopfield lessons; the CLI writes it as JSON.
type Report struct {
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

// RunReport runs every check of the lessons.
func RunReport(b compute.Backend, seed uint64, instances int) (Report, error) {
	if instances < 1 {
		return Report{}, fmt.Errorf("hopfield: need at least one random instance, got %d", instances)
	}
	r := Report{Seed: seed, Hessians: CheckHessians(seed, instances), Surrogate: CheckSurrogate(seed, instances, 20)}
	var err error
	if r.Descent, err = CheckDescent(b, seed, instances); err != nil {
		return r, err
	}
	X, opt := RetrievalProblem(seed)
	if r.Retrieval, err = RetrievalSweep(b, X, LogSpace(-3, 1, 9), opt); err != nil {
		return r, err
	}
	if r.Attention, err = AttentionTable(b, seed, AttentionSizes); err != nil {
		return r, err
	}
	if r.Projection, err = CompareProjected(b, seed, 16, 32, 8); err != nil {
		return r, err
	}
	stackedX, q := StackedProblem(seed)
	r.Stacked, err = StackedUpdates(b, stackedX, q, StackedBetas, 8)
	return r, err
}

// Tables renders the report as the lessons' tables.
func (r Report) Tables() []*lesson.Table {
	return []*lesson.Table{r.HessianTable(), r.Surrogate.Table(), r.DescentTable(), RetrievalTable(r.Retrieval), AttentionTableOf(r.Attention), r.Stacked.Table()}
}

// HessianTable shows the Hessian checks.
func (r Report) HessianTable() *lesson.Table {
	h := r.Hessians
	t := &lesson.Table{Title: fmt.Sprintf("Hessians on %d random (X, q, β), β ∈ [%.3g, %.3g]", h.Instances, h.BetaMin, h.BetaMax),
		Headers: []string{"check", "value"}}
	t.AddRow("max |closed form − finite differences| / ‖H‖", fmt.Sprintf("%.2e", h.MaxFiniteDiffError))
	t.AddRow("smallest eigenvalue of ∇²E1 = I", fmt.Sprintf("%.3g", h.MinEigenE1))
	t.AddRow("smallest eigenvalue of ∇²(−E2) / ‖∇²(−E2)‖", fmt.Sprintf("%.2e", h.MinEigenNegE2))
	t.AddRow("same, literal β Xᵀ(diag(p) − ppᵀ)X, divided by β M²", fmt.Sprintf("%.2e", h.MinEigenLiteral))
	return t
}

// DescentTable shows the CCCP monotonicity check.
func (r Report) DescentTable() *lesson.Table {
	d := r.Descent
	t := &lesson.Table{Title: fmt.Sprintf("CCCP on %d random instances", d.Instances), Headers: []string{"check", "value"}}
	t.AddRow("instances where the energy increased", d.Increases)
	t.AddRow("largest one-step energy change", fmt.Sprintf("%.2e", d.MaxIncrease))
	t.AddRow("reached a fixed point (‖Δq‖ < 1e-9)", fmt.Sprintf("%d / %d", d.Converged, d.Instances))
	t.AddRow("steps: mean / max", fmt.Sprintf("%.1f / %d", d.MeanSteps, d.MaxSteps))
	return t
}

// RetrievalTable shows retrieval against β.
func RetrievalTable(rs []Retrieval) *lesson.Table {
	t := &lesson.Table{Title: "Retrieval of corrupted patterns", Headers: []string{"β", "exact", "nearest", "distance to mean", "mean steps"}}
	for _, r := range rs {
		t.AddRow(fmt.Sprintf("%.3g", r.Beta), fmt.Sprintf("%.0f%%", 100*r.Exact), fmt.Sprintf("%.0f%%", 100*r.Nearest),
			fmt.Sprintf("%.3f", r.DistanceToMean), fmt.Sprintf("%.1f", r.MeanSteps))
	}
	return t
}

// AttentionTableOf shows the Hopfield-update vs attention comparison.
func AttentionTableOf(rows []AttentionComparison) *lesson.Table {
	t := &lesson.Table{Title: "One Hopfield update (β = 1/√d) vs GoMLX cross-attention (W_K = W_V = I), float32",
		Headers: []string{"d", "N", "queries", "max |Δ|", "max |output|"}}
	for _, c := range rows {
		t.AddRow(c.D, c.N, c.Batch, fmt.Sprintf("%.2e", c.MaxAbsDiff), fmt.Sprintf("%.3g", c.MaxAbsOutput))
	}
	return t
}

// Demo2D is the lessons' 2-D example: four stored patterns and six starting queries.
func Demo2D() (patterns, starts Matrix) {
	patterns = Matrix{{1.5, 1.0}, {-1.2, 1.4}, {-1.0, -1.3}, {1.3, -1.1}}
	starts = Matrix{{0.2, 0.3}, {-0.4, 0.1}, {0.1, -0.6}, {2.2, 2.3}, {-2.4, -0.2}, {0.6, -2.4}}
	return
}

// LandscapeFigure draws the energy of the 2-D demo at β with CCCP trajectories on it.
func LandscapeFigure(b compute.Backend, beta float64, steps int) (*plot.Plot, []Trajectory, error) {
	X, starts := Demo2D()
	h, err := NewNet(b, X, beta)
	if err != nil {
		return nil, nil, err
	}
	land, err := h.Landscape(-2.8, 2.8, steps)
	if err != nil {
		return nil, nil, err
	}
	trajs, err := h.Iterate(starts, 1e-6, 100)
	if err != nil {
		return nil, nil, err
	}
	paths := make([][][]float64, len(trajs))
	for i, t := range trajs {
		paths[i] = t.States
	}
	p, err := plots.EnergyMap(fmt.Sprintf("Energy landscape and CCCP trajectories, β = %g", beta), land, X, paths...)
	return p, trajs, err
}

// EnergyTraceFigure plots E(q_t) against t for each trajectory.
func EnergyTraceFigure(title string, trajs []Trajectory) (*plot.Plot, error) {
	series := make([]plots.Series, len(trajs))
	for i, t := range trajs {
		xs := make([]float64, len(t.Energies))
		for j := range xs {
			xs[j] = float64(j)
		}
		series[i] = plots.Series{Name: fmt.Sprintf("query %d", i+1), X: xs, Y: t.Energies}
	}
	return plots.Lines(title, "CCCP step t", "E(q_t)", series...)
}

// RetrievalFigure plots exact and nearest retrieval rates against log₁₀ β.
func RetrievalFigure(rs []Retrieval) (*plot.Plot, error) {
	var exact, nearest plots.Series
	exact.Name, nearest.Name = "fixed point = stored pattern", "closest to its own pattern"
	for _, r := range rs {
		lb := math.Log10(r.Beta)
		exact.X, exact.Y = append(exact.X, lb), append(exact.Y, r.Exact)
		nearest.X, nearest.Y = append(nearest.X, lb), append(nearest.Y, r.Nearest)
	}
	return plots.Lines("Retrieval of corrupted patterns vs β", "log₁₀ β", "share of queries", exact, nearest)
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

// Table shows the distance before, after one update and at the end, for each β.
func (s Stacked) Table() *lesson.Table {
	t := &lesson.Table{Title: "Distance to the nearest stored pattern", Headers: []string{"β", "before", "after 1 update", "at the end", "updates"}}
	for i, d := range s.Distances {
		t.AddRow(fmt.Sprintf("%.3g", s.Betas[i]), fmt.Sprintf("%.3g", d[0]), fmt.Sprintf("%.3g", d[1]), fmt.Sprintf("%.3g", d[len(d)-1]), len(d)-1)
	}
	return t
}

// Figure plots the distances against the number of updates.
func (s Stacked) Figure() (*plot.Plot, error) {
	series := make([]plots.Series, len(s.Betas))
	for i, d := range s.Distances {
		xs := make([]float64, len(d))
		for j := range xs {
			xs[j] = float64(j)
		}
		series[i] = plots.Series{Name: fmt.Sprintf("β = %.3g", s.Betas[i]), X: xs, Y: d}
	}
	return plots.Lines("Distance to the nearest stored pattern after each update", "updates (attention steps)", "distance", series...)
}

// GradientCheckTable compares the closed-form and the autodiff gradients of E₂ and of E, in
// single precision as a model would run them, with central finite differences of the float64
// reference on `instances` random problems (β capped at 10); entries are relative errors.
func GradientCheckTable(b compute.Backend, seed uint64, instances int) (*lesson.Table, error) {
	rng := rand.New(rand.NewPCG(seed, seed))
	table := &lesson.Table{Title: "Gradients: closed form and autodiff vs finite differences (relative error)",
		Headers: []string{"N", "D", "β", "∇E2 closed", "∇E2 autodiff", "∇E closed", "∇E autodiff"}}
	rel := func(a, b []float64) string { return fmt.Sprintf("%.1e", RelativeError(a, b)) }
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
		table.AddRow(len(X), len(q), fmt.Sprintf("%.3g", beta),
			rel(grads[0], fdE2), rel(grads[1], fdE2), rel(grads[2], fd), rel(grads[3], fd))
	}
	return table, nil
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
