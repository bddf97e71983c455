package perf

import (
	"math"
	"testing"
)

// TestFMALoopDoesTheWorkItCounts: the loop's result is its iteration count times its lanes and
// chains, so the FLOPs MeasurePeak divides by were really executed.
func TestFMALoopDoesTheWorkItCounts(t *testing.T) {
	for _, n := range []int{1, 7, 1000} {
		// Each iteration adds 1 to every lane of every chain with one multiply-add (2 FLOPs).
		want := float64(n) * float64(fmaFlopsPerIteration()) / 2
		if got := fmaLoop(n); got != want {
			t.Errorf("fmaLoop(%d) = %g, want %g (%s)", n, got, want, fmaKernel())
		}
	}
	if got, want := scalarLoop(5), 5.0*scalarFlopsPerIteration/2; got != want {
		t.Errorf("scalarLoop(5) = %g, want %g", got, want)
	}
}

func TestMeasurePeak(t *testing.T) {
	p := MeasurePeak(1)
	if p.Workers < 1 || !(p.GFLOPS > 0) || math.IsInf(p.GFLOPS, 0) || p.Kernel == "" {
		t.Fatalf("MeasurePeak(1) = %+v", p)
	}
	if got := p.Share(p.GFLOPS / 4); math.Abs(got-0.25) > 1e-12 {
		t.Errorf("Share of a quarter of the peak = %g", got)
	}
}
