package hopfield

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
)

func testBackend(t *testing.T) compute.Backend {
	t.Helper()
	b, err := backend.New("go")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGradientsMatchFiniteDifferencesAndAutodiff: the closed-form gradient computed by the
// float32 graph agrees with float64 finite differences of the reference energy and with
// GoMLX's autodiff of the energy graph.
func TestGradientsMatchFiniteDifferencesAndAutodiff(t *testing.T) {
	b := testBackend(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 30; trial++ {
		X, q, beta := RandomInstance(rng)
		beta = math.Min(beta, 10) // float32 finite differences of steep softmaxes are not the point here
		h, err := NewNet(b, X, beta)
		if err != nil {
			t.Fatal(err)
		}
		h.DType = dtypes.Float32
		closed, err := h.Gradient(Matrix{q})
		if err != nil {
			t.Fatal(err)
		}
		auto, err := h.AutodiffGradient(Matrix{q})
		if err != nil {
			t.Fatal(err)
		}
		numeric := NumericalGradient(func(x []float64) float64 { return Energy(X, beta, x) }, q, 1e-6)
		if e := RelativeError(closed[0], numeric); e > 1e-4 {
			t.Errorf("trial %d (β=%.3g): closed-form gradient vs finite differences: relative error %.2g", trial, beta, e)
		}
		if e := RelativeError(auto[0], numeric); e > 1e-4 {
			t.Errorf("trial %d (β=%.3g): autodiff gradient vs finite differences: relative error %.2g", trial, beta, e)
		}
		if e := RelativeError(auto[0], closed[0]); e > 1e-4 {
			t.Errorf("trial %d: autodiff vs closed form: relative error %.2g", trial, e)
		}
		// Each part separately: ∇E1 = q and ∇E2 = −Xᵀ softmax(βXq), against autodiff and FD.
		g1, g2, err := h.GradientParts(Matrix{q})
		if err != nil {
			t.Fatal(err)
		}
		a1, a2, err := h.AutodiffGradientParts(Matrix{q})
		if err != nil {
			t.Fatal(err)
		}
		fd1 := NumericalGradient(func(x []float64) float64 { return E1(X, beta, x) }, q, 1e-6)
		fd2 := NumericalGradient(func(x []float64) float64 { return E2(X, beta, x) }, q, 1e-6)
		for _, c := range []struct {
			name              string
			closed, auto, ref []float64
		}{{"∇E1", g1[0], a1[0], fd1}, {"∇E2", g2[0], a2[0], fd2}} {
			if e := math.Max(RelativeError(c.closed, c.ref), RelativeError(c.auto, c.ref)); e > 1e-4 {
				t.Errorf("trial %d (β=%.3g): %s closed %v, autodiff %v, finite differences %v", trial, beta, c.name, c.closed, c.auto, c.ref)
			}
		}
	}
}

// TestHessiansAreCorrectAndPSD: on 200 random (X, q, β) with β from 0.01 to 100, the closed-form
// Hessians equal finite differences of the gradient, the graph computes the same as the
// reference, and both Hessians are positive semi-definite.
func TestHessiansAreCorrectAndPSD(t *testing.T) {
	b := testBackend(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		X, q, beta := RandomInstance(rng)
		d := len(q)
		closed := HessianNegE2(X, beta, q)
		numeric := NumericalJacobian(func(x []float64) []float64 { return Update(X, beta, x) }, q, 1e-7)
		scale := math.Max(frobenius(closed), 1)
		for i := range closed {
			for j := range closed[i] {
				if math.Abs(closed[i][j]-numeric[i][j]) > 1e-4*scale {
					t.Fatalf("trial %d (β=%.3g): ∇²(−E2)[%d][%d] = %.6g, finite differences give %.6g", trial, beta, i, j, closed[i][j], numeric[i][j])
				}
			}
		}
		gradE1 := func(x []float64) []float64 { // ∇E1 = ∇E − ∇E2 = ∇E + Xᵀ softmax(βXq)
			g, u := EnergyGradient(X, beta, x), Update(X, beta, x)
			for i := range g {
				g[i] += u[i]
			}
			return g
		}
		e1Numeric := NumericalJacobian(gradE1, q, 1e-6)
		identity := HessianE1(d)
		for i := range identity {
			for j := range identity[i] {
				if math.Abs(identity[i][j]-e1Numeric[i][j]) > 1e-4*scale {
					t.Fatalf("trial %d: ∇²E1 is not I", trial)
				}
			}
		}
		for name, h := range map[string]Matrix{"∇²E1": identity, "∇²(−E2)": closed} {
			if ev := MinEigenvalue(h); ev < -1e-6*math.Max(frobenius(h), 1e-300) {
				t.Fatalf("trial %d (β=%.3g): %s has eigenvalue %.3g < 0", trial, beta, name, ev)
			}
		}
		// The literal form agrees with the centred one and is PSD up to its rounding floor ε·βM².
		literal := HessianNegE2Literal(X, beta, q)
		floor := 1e-12 * beta * MaxNorm(X) * MaxNorm(X)
		if diff := maxAbsDiff(literal, closed); diff > 1e-9*scale+floor {
			t.Fatalf("trial %d (β=%.3g): literal and centred Hessians differ by %.3g", trial, beta, diff)
		}
		if ev := MinEigenvalue(literal); ev < -1e-6*frobenius(literal)-floor {
			t.Fatalf("trial %d (β=%.3g): literal ∇²(−E2) has eigenvalue %.3g < 0", trial, beta, ev)
		}
		if trial%20 == 0 { // the graph version agrees with the reference
			net, err := NewNet(b, X, beta)
			if err != nil {
				t.Fatal(err)
			}
			eyes, err := net.HessianE1(Matrix{q, q})
			if err != nil {
				t.Fatal(err)
			}
			if len(eyes) != 2 || maxAbsDiff(eyes[1], identity) != 0 {
				t.Fatalf("trial %d: graph ∇²E1 = %v, want I", trial, eyes)
			}
			hs, err := net.HessianNegE2(Matrix{q})
			if err != nil {
				t.Fatal(err)
			}
			for i := range closed {
				if RelativeError(hs[0][i], closed[i]) > 1e-9*math.Max(1, scale) && maxAbsDiff(Matrix{hs[0][i]}, Matrix{closed[i]}) > 1e-9*scale {
					t.Fatalf("trial %d: graph Hessian row %d = %v, reference %v", trial, i, hs[0][i], closed[i])
				}
			}
		}
	}
}

// TestSurrogateBoundsEnergyAndCCCPMinimisesIt: the tangent surrogate is an upper bound of E that
// touches it at q_t, and the CCCP step is its minimiser.
func TestSurrogateBoundsEnergyAndCCCPMinimisesIt(t *testing.T) {
	c := CheckSurrogate(1, 200, 20)
	if c.MinBoundGap < -1e-9 || c.MinArgminGap < -1e-9 || c.MaxTouchGap > 1e-9 {
		t.Errorf("surrogate check failed: %+v", c)
	}
	if c.MinBoundGap > 1 || c.MinArgminGap > 1 {
		t.Errorf("probes never came close to the minimiser or the touching point: %+v", c)
	}
}

// TestCCCPNeverIncreasesEnergyAndConverges on 120 random instances (batched).
func TestCCCPNeverIncreasesEnergyAndConverges(t *testing.T) {
	b := testBackend(t)
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 120; trial++ {
		X, _, beta := RandomInstance(rng)
		h, err := NewNet(b, X, beta)
		if err != nil {
			t.Fatal(err)
		}
		trajs, err := h.Iterate(RandomPatterns(rng, 1, len(X[0]), 0), 1e-9, 2000)
		if err != nil {
			t.Fatal(err)
		}
		tr := trajs[0]
		if inc := tr.MaxEnergyIncrease(); inc > 1e-9*(1+math.Abs(tr.Energies[0])) {
			t.Fatalf("trial %d (β=%.3g): energy increased by %.3g along CCCP: %v", trial, beta, inc, tr.Energies)
		}
		if !tr.Converged {
			t.Fatalf("trial %d (β=%.3g): no fixed point after %d steps", trial, beta, tr.Steps())
		}
		final := tr.Final()
		if d := Distance(Update(X, beta, final), final); d > 1e-6 {
			t.Fatalf("trial %d: the final state is not a fixed point (moves %.3g)", trial, d)
		}
	}
}

// TestRetrievalLargeBetaExactSmallBetaMean: well-separated patterns are retrieved exactly from
// corrupted queries at large β; at small β every query falls to (near) the mean pattern.
func TestRetrievalLargeBetaExactSmallBetaMean(t *testing.T) {
	b := testBackend(t)
	rng := rand.New(rand.NewPCG(7, 8))
	X := RandomPatterns(rng, 8, 64, 8) // nearly orthogonal in 64-D, norm 8
	large, err := NewNet(b, X, 8)
	if err != nil {
		t.Fatal(err)
	}
	r, err := large.Retrieve(RetrievalOptions{Sigma: 0.3, MaskFrac: 0.25, Tolerance: 1e-6, MaxSteps: 50, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Exact != 1 {
		t.Errorf("β=8: retrieved %.0f%% of the patterns exactly, want all", 100*r.Exact)
	}
	small, _ := NewNet(b, X, 0.001)
	r, err = small.Retrieve(RetrievalOptions{Sigma: 0.3, Tolerance: 1e-6, MaxSteps: 200, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Exact != 0 || r.DistanceToMean > 0.05*MaxNorm(X) {
		t.Errorf("β=0.001: want fixed points near the mean, got exact %.2f, distance to mean %.3g", r.Exact, r.DistanceToMean)
	}
}

func TestHopfieldUpdateEqualsAttention(t *testing.T) {
	b := testBackend(t)
	for _, size := range [][3]int{{4, 3, 1}, {16, 10, 8}, {64, 32, 5}} {
		c, err := CompareWithAttention(b, 1, size[0], size[1], size[2])
		if err != nil {
			t.Fatal(err)
		}
		if c.MaxAbsDiff > 1e-5 {
			t.Errorf("d=%d N=%d batch=%d: max |Δ| = %.3g > 1e-5", c.D, c.N, c.Batch, c.MaxAbsDiff)
		}
		if c.MaxAbsOutput == 0 {
			t.Errorf("attention output is all zeros: nothing compared")
		}
	}
	p, err := CompareProjected(b, 1, 16, 10, 4)
	if err != nil {
		t.Fatal(err)
	}
	if p.VsProjectedHopfield > 1e-5 || p.VsIdentityUpdate < 1e-2 {
		t.Errorf("projections: vs projected Hopfield %.3g (want ≤ 1e-5), vs identity update %.3g (want large)", p.VsProjectedHopfield, p.VsIdentityUpdate)
	}
}

// TestStableForLargeBetaAndNorms: β = 100 and ‖x‖ = 100 give finite energies, gradients, updates.
func TestStableForLargeBetaAndNorms(t *testing.T) {
	b := testBackend(t)
	rng := rand.New(rand.NewPCG(9, 10))
	X := RandomPatterns(rng, 5, 4, 100)
	Q := RandomPatterns(rng, 3, 4, 100)
	for _, dt := range []dtypes.DType{dtypes.Float32, dtypes.Float64} {
		h, _ := NewNet(b, X, 100)
		h.DType = dt
		e, err := h.Energy(Q)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := h.Gradient(Q)
		u, _ := h.Update(Q)
		hs, _ := h.HessianNegE2(Q)
		for _, v := range append(append(append(e, g[0]...), u[0]...), hs[0][0]...) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s: non-finite value %v (energies %v)", dt, v, e)
			}
		}
		for i, q := range Q {
			if math.Abs(e[i]-Energy(X, 100, q)) > 1e-3*math.Abs(Energy(X, 100, q))+1e-2 {
				t.Errorf("%s: energy %v, reference %v", dt, e[i], Energy(X, 100, q))
			}
		}
	}
}

func TestBadInputIsAnError(t *testing.T) {
	b := testBackend(t)
	if _, err := NewNet(b, Matrix{{1, 2}, {3}}, 1); err == nil {
		t.Error("ragged patterns accepted")
	}
	if _, err := NewNet(b, Matrix{{1, math.NaN()}}, 1); err == nil {
		t.Error("NaN pattern accepted")
	}
	if _, err := NewNet(b, Matrix{{1, 2}}, 0); err == nil {
		t.Error("β = 0 accepted")
	}
	h, _ := NewNet(b, Matrix{{1, 2}}, 1)
	if _, err := h.Energy(Matrix{{1, 2, 3}}); err == nil {
		t.Error("query of the wrong dimension accepted")
	}
	if _, err := h.Update(Matrix{{1, math.Inf(1)}}); err == nil {
		t.Error("infinite query accepted")
	}
	if _, err := Attention(b, Matrix{{1, 2}}, Matrix{{1, 2, 3}}, Matrix{{1}}); err == nil {
		t.Error("attention with queries and keys of different dimensions accepted")
	}
	if _, err := Attention(b, nil, Matrix{{1}}, Matrix{{1}}); err == nil {
		t.Error("attention without queries accepted")
	}
	if _, err := RunExperiments(b, 1, 0); err == nil {
		t.Error("experiments over zero instances accepted")
	}
}

func TestExperimentSummaries(t *testing.T) {
	b := testBackend(t)
	hc := CheckHessians(1, 100)
	if hc.MaxFiniteDiffError > 1e-4 || hc.MinEigenNegE2 < -1e-6 || hc.MinEigenLiteral < -1e-12 || hc.MinEigenE1 != 1 || hc.BetaMax < 10 || hc.BetaMin > 0.1 {
		t.Errorf("Hessian check: %+v", hc)
	}
	dc, err := CheckDescent(b, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	if dc.Increases != 0 || dc.Converged != 100 {
		t.Errorf("descent check: %+v", dc)
	}
	rng := rand.New(rand.NewPCG(2, 2))
	sweep, err := RetrievalSweep(b, RandomPatterns(rng, 6, 32, 6), LogSpace(-3, 1, 5), RetrievalOptions{Sigma: 0.3, Tolerance: 1e-6, MaxSteps: 100, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if sweep[0].Exact != 0 || sweep[len(sweep)-1].Exact != 1 {
		t.Errorf("retrieval should go from none at β=0.001 to all at β=10: %+v", sweep)
	}
}

func TestLandscape(t *testing.T) {
	b := testBackend(t)
	X := Matrix{{1, 0}, {0, 1}, {-1, -1}}
	h, _ := NewNet(b, X, 4)
	l, err := h.Landscape(-2, 2, 9)
	if err != nil {
		t.Fatal(err)
	}
	if c, r := l.Dims(); c != 9 || r != 9 {
		t.Fatalf("dims %d×%d", c, r)
	}
	for r := range l.Ys {
		for c := range l.Xs {
			if want := Energy(X, 4, []float64{l.X(c), l.Y(r)}); math.Abs(l.Z(c, r)-want) > 1e-9 {
				t.Fatalf("E at (%v,%v) = %v, want %v", l.X(c), l.Y(r), l.Z(c, r), want)
			}
		}
	}
	h3, _ := NewNet(b, Matrix{{1, 2, 3}}, 1)
	if _, err := h3.Landscape(-1, 1, 5); err == nil {
		t.Error("a 3-D landscape was accepted")
	}
}

func TestLessonExperiments(t *testing.T) {
	b := testBackend(t)
	X, opt := RetrievalProblem(1)
	q := Corrupt(rand.New(rand.NewPCG(1, 1)), X[0], opt.Sigma, opt.MaskFrac)
	stacked, err := StackedUpdates(b, X, q, []float64{0.001, 1}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if d := stacked.Distances[0]; d[len(d)-1] < 1 {
		t.Errorf("β=0.001 should leave the query in a mixture, far from every pattern: distances %.3g", d)
	}
	if d := stacked.Distances[1]; d[1] > 1e-3 {
		t.Errorf("β=1 should retrieve the pattern in one update: distances %.3g", d)
	}
	h, _ := NewNet(b, X, 1)
	trajs, _ := h.Iterate(Matrix{q}, 1e-9, 50)
	d := NearestDistances(X, trajs[0])
	if d[len(d)-1] > 1e-3 || d[0] < d[len(d)-1] {
		t.Errorf("β=1 should bring the query onto its pattern: distances %v", d)
	}
	demo, err := RunDemo2D(b, 2, 20)
	if err != nil {
		t.Fatal(err)
	}
	if c, r := demo.Landscape.Dims(); c != 20 || r != 20 || len(demo.Trajectories) != 6 || demo.Beta != 2 {
		t.Fatalf("2-D demo: %d×%d grid, %d trajectories at β = %v; want 20×20, 6, β = 2", c, r, len(demo.Trajectories), demo.Beta)
	}
	for i, tr := range demo.Trajectories {
		if nearest, dist := Nearest(demo.Patterns, tr.Final()); !tr.Converged || dist > 0.1 {
			t.Errorf("start %d at β = 2 ends %.3g from pattern %d (converged: %v); each start should reach a pattern", i, dist, nearest, tr.Converged)
		}
	}
}

// TestCheckGradients: single-precision gradients agree with finite differences to float32
// accuracy, closed form and autodiff, for E₂ and E.
func TestCheckGradients(t *testing.T) {
	checks, err := CheckGradients(testBackend(t), 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 3 {
		t.Fatalf("%d checks, want 3", len(checks))
	}
	for _, c := range checks {
		if worst := max(c.E2Closed, c.E2Autodiff, c.EClosed, c.EAutodiff); !(worst <= 1e-3) || c.Beta > 10 {
			t.Errorf("relative error %.2g (β = %.3g, β must be ≤ 10): %+v", worst, c.Beta, c)
		}
	}
}
