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
}

// TestChildPeakRSSSeesTheChildsMemory: the child's 300 MB show in its peak RSS, and a child that
// fails is an error.
func TestChildPeakRSSSeesTheChildsMemory(t *testing.T) {
	kB, err := ChildPeakRSS("^BenchmarkTouch300MB$", "1x")
	if err != nil {
		t.Fatal(err)
	}
	if kB < touchedMB<<10 || kB > 4*touchedMB<<10 {
		t.Errorf("peak RSS %d kB, want a little over %d kB", kB, touchedMB<<10)
	}
	if _, err := ChildPeakRSS("^BenchmarkTouch300MB$", "not-a-duration"); err == nil {
		t.Error("a child that cannot run gave no error")
	}
}
