// Package hopfield is the mathematics of modern Hopfield networks (Ramsauer et al., 2020) as in
// the homework's Question 1: the energy
//
//	E(q) = −lse(β, Xq) + ½qᵀq + β⁻¹ log N + ½M²,   M = maxᵢ ‖xᵢ‖,
//
// its convex part E1(q) = ½qᵀq + β⁻¹ log N + ½M² and concave part E2(q) = −lse(β, Xq), their
// gradients and Hessians, the CCCP update q ← Xᵀ softmax(β X q), retrieval, and the equivalence
// of one update with transformer cross-attention.
//
// X is N×D: row i is the stored pattern xᵢ. Everything exists twice: as GoMLX graph functions
// (EnergyNode, UpdateNode, … in graph.go, run on any backend through Net) and as plain float64
// reference code (Energy, Update, … in reference.go), which the tests use as an independent check.
//
// Main entry points:
//
//   - NewNet builds a network on a backend; Net.Energy, Net.Update, Net.Gradient evaluate
//     batches of queries, Net.Iterate runs CCCP to a fixed point (one Trajectory per query),
//     Net.Retrieve scores retrieval of corrupted patterns, Net.Landscape evaluates a 2-D grid.
//   - CompareWithAttention and Attention check one update against GoMLX's attention layer;
//     CompareProjected shows what learned projections W_K, W_V change.
//   - The lessons' experiments: CheckGradients, CheckHessians, CheckSurrogate, CheckDescent,
//     RetrievalSweep, AttentionSweep, StackedUpdates, RunDemo2D, and RunExperiments for all of
//     them at once (the CLI's `dllessons hopfield`).
//
// Every function returns plain result values and shows nothing; their tables and figures are in
// the sub-package report.
package hopfield
