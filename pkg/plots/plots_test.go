package plots

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLinesRejectsMismatchedSeries(t *testing.T) {
	if _, err := Lines("t", "x", "y", Series{Name: "bad", X: []float64{1, 2}, Y: []float64{1}}); err == nil ||
		!strings.Contains(err.Error(), `"bad"`) {
		t.Fatalf("want an error naming the series, got %v", err)
	}
}

func TestSaveWritesFile(t *testing.T) {
	p, _ := Lines("t", "x", "y", Series{X: []float64{0, 1}, Y: []float64{0, 1}})
	path := filepath.Join(t.TempDir(), "sub", "fig.svg")
	if err := Save(p, path); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(path); err != nil || info.Size() == 0 {
		t.Fatalf("figure not written: %v", err)
	}
	if err := Save(p, filepath.Join(t.TempDir(), "noext")); err == nil {
		t.Fatal("want an error for a path without extension")
	}
}
