package hopfield_test

import (
	"fmt"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/hopfield"
)

// The energy of a query splits into a convex part E1 and a concave part E2. The float64
// reference (Energy, E1, E2) needs no backend.
func ExampleEnergy() {
	X := hopfield.Matrix{{1, 0}, {0, 1}} // two stored patterns, one per row
	q := []float64{0.8, 0.1}
	beta := 4.0
	fmt.Printf("E1 = %.4f, E2 = %.4f, E = %.4f\n", hopfield.E1(X, beta, q), hopfield.E2(X, beta, q), hopfield.Energy(X, beta, q))
	fmt.Printf("at a stored pattern: E = %.4f\n", hopfield.Energy(X, beta, X[0]))
	// Output:
	// E1 = 0.9983, E2 = -0.8148, E = 0.1835
	// at a stored pattern: E = 0.1687
}

// Net runs the same maths as GoMLX graphs on a backend. Iterate applies the CCCP update
// q ← Xᵀ softmax(β X q) until the query stops moving; the energy never goes up on the way.
func ExampleNet_Iterate() {
	b, err := backend.New("go")
	if err != nil {
		fmt.Println(err)
		return
	}
	X, starts := hopfield.Demo2D() // four patterns in the plane and six starting queries
	net, err := hopfield.NewNet(b, X, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	trajs, err := net.Iterate(starts[:1], 1e-6, 100)
	if err != nil {
		fmt.Println(err)
		return
	}
	t := trajs[0]
	nearest, dist := hopfield.Nearest(X, t.Final())
	fmt.Printf("%d steps, converged: %v, energy %.3f → %.3f, never increased: %v\n",
		t.Steps(), t.Converged, t.Energies[0], t.Energies[t.Steps()], t.MaxEnergyIncrease() <= 0)
	fmt.Printf("ends %.3f from pattern %d %v\n", dist, nearest, X[nearest])
	// Output:
	// 8 steps, converged: true, energy 1.568 → 0.764, never increased: true
	// ends 0.019 from pattern 0 [1.5 1]
}

// Retrieve corrupts every stored pattern (noise and masking), runs CCCP to a fixed point and
// scores how many came back: at a large β all of them, exactly; at a small β none.
func ExampleNet_Retrieve() {
	b, err := backend.New("go")
	if err != nil {
		fmt.Println(err)
		return
	}
	X, opt := hopfield.RetrievalProblem(42) // 16 patterns in 64-D, σ = 0.5, a quarter masked
	for _, beta := range []float64{0.01, 1} {
		net, err := hopfield.NewNet(b, X, beta)
		if err != nil {
			fmt.Println(err)
			return
		}
		r, err := net.Retrieve(opt)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("β = %g: %.0f%% exact, %.0f%% nearest, %.3f from the mean of the patterns\n", beta, 100*r.Exact, 100*r.Nearest, r.DistanceToMean)
	}
	// Output:
	// β = 0.01: 0% exact, 6% nearest, 0.048 from the mean of the patterns
	// β = 1: 100% exact, 100% nearest, 7.768 from the mean of the patterns
}

// One Hopfield update with β = 1/√d equals GoMLX's scaled dot-product cross-attention with the
// stored patterns as keys and values: the two code paths agree to float32 rounding.
func ExampleCompareWithAttention() {
	b, err := backend.New("go")
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := hopfield.CompareWithAttention(b, 42, 16, 64, 8) // d = 16, N = 64 patterns, 8 queries
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("d = %d, N = %d, %d queries: outputs up to %.2f, max |Δ| < 1e-6: %v\n", c.D, c.N, c.Batch, c.MaxAbsOutput, c.MaxAbsDiff < 1e-6)
	// Output:
	// d = 16, N = 64, 8 queries: outputs up to 0.90, max |Δ| < 1e-6: true
}
