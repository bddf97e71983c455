package hopfield

import "fmt"

// Landscape is the energy on a regular 2-D grid: E[r][c] is the energy at (Xs[c], Ys[r]).
// It implements gonum/plot's GridXYZ, so it can be drawn as a heat map or contours.
type Landscape struct {
	Xs, Ys []float64
	E      Matrix
}

// Dims, Z, X and Y implement plotter.GridXYZ.
func (l Landscape) Dims() (c, r int)   { return len(l.Xs), len(l.Ys) }
func (l Landscape) Z(c, r int) float64 { return l.E[r][c] }
func (l Landscape) X(c int) float64    { return l.Xs[c] }
func (l Landscape) Y(r int) float64    { return l.Ys[r] }

// Landscape evaluates the energy of a 2-D network on a steps×steps grid over [lo, hi]², all
// grid points in one batched graph execution.
func (h *Net) Landscape(lo, hi float64, steps int) (Landscape, error) {
	if h.d != 2 {
		return Landscape{}, fmt.Errorf("hopfield: a landscape needs 2-D patterns, these have %d dimensions", h.d)
	}
	if steps < 2 || !(hi > lo) {
		return Landscape{}, fmt.Errorf("hopfield: landscape needs steps ≥ 2 and hi > lo, got %d, [%v, %v]", steps, lo, hi)
	}
	axis := make([]float64, steps)
	for i := range axis {
		axis[i] = lo + (hi-lo)*float64(i)/float64(steps-1)
	}
	grid := make(Matrix, 0, steps*steps)
	for _, y := range axis {
		for _, x := range axis {
			grid = append(grid, []float64{x, y})
		}
	}
	energies, err := h.Energy(grid)
	if err != nil {
		return Landscape{}, err
	}
	return Landscape{Xs: axis, Ys: axis, E: reshapeRows(energies, steps)}, nil
}
