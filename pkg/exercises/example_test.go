package exercises_test

import (
	"fmt"
	"math"

	"github.com/dllessons/dllessons/pkg/exercises"
	"github.com/dllessons/dllessons/pkg/hopfield"
)

// A check runs the learner's function on edge cases and random inputs against the reference.
// This softmax forgets to subtract max(z), so exp overflows at z = 1000: the check shows the
// first failing input, the expected and the returned value, and a hint.
func ExampleCheckSoftmax() {
	naive := func(beta float64, z []float64) []float64 {
		p, sum := make([]float64, len(z)), 0.0
		for i, v := range z {
			p[i] = math.Exp(beta * v)
			sum += p[i]
		}
		for i := range p {
			p[i] /= sum
		}
		return p
	}
	r := exercises.CheckSoftmax(naive)
	fmt.Println(r)
	// Output:
	// ✗ Exercise 1.1 (softmax with β): your function returned NaN at index 0.
	//     input:    β = 1, z = [1000 1001]
	//     expected: [0.268941 0.731059]
	//     got:      [NaN NaN]
	//     hint:     exp(β zᵢ) / Σⱼ exp(β zⱼ); subtract max(z) before exp so that large β·z does not overflow.
}

// The reference itself passes every input.
func ExampleCheckEnergy() {
	r := exercises.CheckEnergy(hopfield.Energy)
	fmt.Println(r)
	// Output: ✓ Exercise 1.2 (the energy E(q)): right on all 54 inputs (one pattern, a β·Xq that overflows a naive exp, β = 0.001 and random instances).
}
