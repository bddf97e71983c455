package report

import (
	"fmt"

	"github.com/dllessons/dllessons/pkg/hopfield"
	"github.com/dllessons/dllessons/pkg/lesson"
)

// Tables renders every check of the lessons, in the order the lessons show them.
func Tables(e hopfield.Experiments) []*lesson.Table {
	return []*lesson.Table{HessianTable(e.Hessians), SurrogateTable(e.Surrogate), DescentTable(e.Descent),
		RetrievalTable(e.Retrieval), AttentionTable(e.Attention), ProjectionTable(e.Projection), StackedTable(e.Stacked)}
}

// GradientTable shows the relative errors of the single-precision gradients, one row per problem.
func GradientTable(checks []hopfield.GradientCheck) *lesson.Table {
	t := &lesson.Table{Title: "Gradients: closed form and autodiff vs finite differences (relative error)",
		Headers: []string{"N", "D", "β", "∇E2 closed", "∇E2 autodiff", "∇E closed", "∇E autodiff"}}
	rel := func(v float64) string { return fmt.Sprintf("%.1e", v) }
	for _, c := range checks {
		t.AddRow(c.N, c.D, fmt.Sprintf("%.3g", c.Beta), rel(c.E2Closed), rel(c.E2Autodiff), rel(c.EClosed), rel(c.EAutodiff))
	}
	return t
}

// HessianTable shows the Hessian checks.
func HessianTable(h hopfield.HessianCheck) *lesson.Table {
	t := &lesson.Table{Title: fmt.Sprintf("Hessians on %d random (X, q, β), β ∈ [%.3g, %.3g]", h.Instances, h.BetaMin, h.BetaMax),
		Headers: []string{"check", "value"}}
	t.AddRow("max |closed form − finite differences| / ‖H‖", fmt.Sprintf("%.2e", h.MaxFiniteDiffError))
	t.AddRow("smallest eigenvalue of ∇²E1 = I", fmt.Sprintf("%.3g", h.MinEigenE1))
	t.AddRow("smallest eigenvalue of ∇²(−E2) / ‖∇²(−E2)‖", fmt.Sprintf("%.2e", h.MinEigenNegE2))
	t.AddRow("same, literal β Xᵀ(diag(p) − ppᵀ)X, divided by β M²", fmt.Sprintf("%.2e", h.MinEigenLiteral))
	return t
}

// SurrogateTable shows the three facts CCCP rests on, as probed.
func SurrogateTable(c hopfield.SurrogateCheck) *lesson.Table {
	t := &lesson.Table{Title: fmt.Sprintf("CCCP surrogate on %d random (X, q_t, β), %d probes each", c.Instances, c.Probes),
		Headers: []string{"check", "value"}}
	t.AddRow("min surrogate(q) − E(q)  (upper bound: ≥ 0 up to rounding)", fmt.Sprintf("%.3g", c.MinBoundGap))
	t.AddRow("min surrogate(q) − surrogate(q_{t+1})  (argmin: ≥ 0)", fmt.Sprintf("%.3g", c.MinArgminGap))
	t.AddRow("max |surrogate(q_t) − E(q_t)|  (touches: 0)", fmt.Sprintf("%.2e", c.MaxTouchGap))
	return t
}

// DescentTable shows the CCCP monotonicity check.
func DescentTable(d hopfield.DescentCheck) *lesson.Table {
	t := &lesson.Table{Title: fmt.Sprintf("CCCP on %d random instances", d.Instances), Headers: []string{"check", "value"}}
	t.AddRow("instances where the energy increased", d.Increases)
	t.AddRow("largest one-step energy change", fmt.Sprintf("%.2e", d.MaxIncrease))
	t.AddRow("reached a fixed point (‖Δq‖ < 1e-9)", fmt.Sprintf("%d / %d", d.Converged, d.Instances))
	t.AddRow("steps: mean / max", fmt.Sprintf("%.1f / %d", d.MeanSteps, d.MaxSteps))
	return t
}

// RetrievalTable shows retrieval against β.
func RetrievalTable(rs []hopfield.Retrieval) *lesson.Table {
	t := &lesson.Table{Title: "Retrieval of corrupted patterns", Headers: []string{"β", "exact", "nearest", "distance to mean", "mean steps"}}
	for _, r := range rs {
		t.AddRow(fmt.Sprintf("%.3g", r.Beta), fmt.Sprintf("%.0f%%", 100*r.Exact), fmt.Sprintf("%.0f%%", 100*r.Nearest),
			fmt.Sprintf("%.3f", r.DistanceToMean), fmt.Sprintf("%.1f", r.MeanSteps))
	}
	return t
}

// AttentionTable shows the Hopfield-update vs attention comparison, the largest difference in
// its title.
func AttentionTable(rows []hopfield.AttentionComparison) *lesson.Table {
	worst := 0.0
	for _, c := range rows {
		worst = max(worst, c.MaxAbsDiff)
	}
	t := &lesson.Table{Title: fmt.Sprintf("One Hopfield update (β = 1/√d) vs GoMLX cross-attention (W_K = W_V = I), float32; largest difference %.2e", worst),
		Headers: []string{"d", "N", "queries", "max |Δ|", "max |output|"}}
	for _, c := range rows {
		t.AddRow(c.D, c.N, c.Batch, fmt.Sprintf("%.2e", c.MaxAbsDiff), fmt.Sprintf("%.3g", c.MaxAbsOutput))
	}
	return t
}

// ProjectionTable shows attention with random W_K, W_V against the plain and the projected
// Hopfield update.
func ProjectionTable(e hopfield.ProjectionEffect) *lesson.Table {
	t := &lesson.Table{Title: fmt.Sprintf("Random W_K, W_V (d = %d, N = %d, %d queries)", e.D, e.N, e.Batch),
		Headers: []string{"attention compared with", "max |Δ|"}}
	t.AddRow("Hopfield update on X (identity projections)", fmt.Sprintf("%.3g", e.VsIdentityUpdate))
	t.AddRow("softmax(β Q Kᵀ) V with K = X W_K, V = X W_V", fmt.Sprintf("%.2e", e.VsProjectedHopfield))
	return t
}

// StackedTable shows the distance before, after one update and at the end, for each β.
func StackedTable(s hopfield.Stacked) *lesson.Table {
	t := &lesson.Table{Title: "Distance to the nearest stored pattern", Headers: []string{"β", "before", "after 1 update", "at the end", "updates"}}
	for i, d := range s.Distances {
		t.AddRow(fmt.Sprintf("%.3g", s.Betas[i]), fmt.Sprintf("%.3g", d[0]), fmt.Sprintf("%.3g", d[1]), fmt.Sprintf("%.3g", d[len(d)-1]), len(d)-1)
	}
	return t
}
