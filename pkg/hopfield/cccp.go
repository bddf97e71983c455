package hopfield

import (
	"fmt"
	"math"
)

// Trajectory is the path of one query under the CCCP iteration.
type Trajectory struct {
	States    Matrix    // q₀, q₁, …, q_T
	Energies  []float64 // E(q₀), …, E(q_T)
	Converged bool      // ‖q_T − q_{T−1}‖ < tolerance was reached within the step limit
}

// Steps is the number of updates taken.
func (t Trajectory) Steps() int { return len(t.States) - 1 }

// Final is the last state.
func (t Trajectory) Final() []float64 { return t.States[len(t.States)-1] }

// Iterate runs the CCCP update q ← Xᵀ softmax(β X q) on every query of Q at once, until each
// moves less than tol (Euclidean norm) or maxSteps updates were made, and returns one
// trajectory per query with its states and energies.
func (h *Net) Iterate(Q Matrix, tol float64, maxSteps int) ([]Trajectory, error) {
	if tol <= 0 || maxSteps < 1 {
		return nil, fmt.Errorf("hopfield: need tol > 0 and maxSteps ≥ 1, got %v and %d", tol, maxSteps)
	}
	energies, err := h.Energy(Q)
	if err != nil {
		return nil, err
	}
	trajs := make([]Trajectory, len(Q))
	for b := range Q {
		trajs[b] = Trajectory{States: Matrix{Q[b]}, Energies: []float64{energies[b]}}
	}
	current := Q
	for step := 0; step < maxSteps && !allConverged(trajs); step++ {
		next, err := h.Update(current)
		if err != nil {
			return nil, err
		}
		if energies, err = h.Energy(next); err != nil {
			return nil, err
		}
		for b := range trajs {
			if trajs[b].Converged {
				continue // frozen at its fixed point
			}
			trajs[b].States = append(trajs[b].States, next[b])
			trajs[b].Energies = append(trajs[b].Energies, energies[b])
			trajs[b].Converged = Distance(next[b], current[b]) < tol
		}
		current = next
	}
	return trajs, nil
}

func allConverged(trajs []Trajectory) bool {
	for _, t := range trajs {
		if !t.Converged {
			return false
		}
	}
	return true
}

// Distance is the Euclidean distance ‖a − b‖.
func Distance(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s)
}

// MaxEnergyIncrease is the largest E(q_{t+1}) − E(q_t) along the trajectory (≤ 0 when the
// energy never increases).
func (t Trajectory) MaxEnergyIncrease() float64 {
	worst := math.Inf(-1)
	for i := 1; i < len(t.Energies); i++ {
		worst = math.Max(worst, t.Energies[i]-t.Energies[i-1])
	}
	return worst
}
