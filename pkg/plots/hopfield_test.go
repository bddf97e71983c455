package plots

import "testing"

// bowl is E(x, y) = x² + y² on a 5×5 grid over [−2, 2]².
type bowl struct{}

func (bowl) Dims() (c, r int)   { return 5, 5 }
func (bowl) Z(c, r int) float64 { x, y := float64(c-2), float64(r-2); return x*x + y*y }
func (bowl) X(c int) float64    { return float64(c - 2) }
func (bowl) Y(r int) float64    { return float64(r - 2) }

func TestEnergyMapDrawsLandscapePatternsAndPaths(t *testing.T) {
	if lo, hi := gridRange(bowl{}); lo != 0 || hi != 8 {
		t.Errorf("grid range = [%v, %v], want [0, 8]", lo, hi)
	}
	path := [][]float64{{1.5, 1.5}, {0.5, 0.4}, {0, 0}}
	if _, err := EnergyMap("bowl", bowl{}, [][]float64{{0, 0}, {1, -1}}, path, nil); err != nil {
		t.Fatal(err)
	}
}
