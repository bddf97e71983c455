//go:build linux

package trainer

import "testing"

const touchedMB = 300

// BenchmarkTouch300MB allocates and writes 300 MB: TestChildPeakRSSSeesTheChildsMemory's child.
func BenchmarkTouch300MB(b *testing.B) {
	for b.Loop() {
		buf := make([]byte, touchedMB<<20)
		for i := 0; i < len(buf); i += 4096 {
			buf[i] = 1
		}
	}
	ReportPeakRSS(b)
}

// TestChildPeakRSSSeesTheChildsMemory: the child's 300 MB show in its peak RSS — and only the
// child's, though this process holds 600 MB when it starts the child — and a child that fails is
// an error.
func TestChildPeakRSSSeesTheChildsMemory(t *testing.T) {
	ballast := make([]byte, 2*touchedMB<<20)
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1
	}
	kB, err := ChildPeakRSS("^BenchmarkTouch300MB$", "1x")
	if err != nil {
		t.Fatal(err)
	}
	if kB < touchedMB<<10 || kB > 3*touchedMB<<10/2 { // the 600 MB parent would show here
		t.Errorf("peak RSS %d kB, want a little over %d kB", kB, touchedMB<<10)
	}
	if _, err := ChildPeakRSS("^BenchmarkTouch300MB$", "not-a-duration"); err == nil {
		t.Error("a child that cannot run gave no error")
	}
	ballast[len(ballast)-1] = 2 // keep the ballast alive until the child has run
}
