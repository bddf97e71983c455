package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/dllessons/dllessons/pkg/hopfield"
	"github.com/dllessons/dllessons/pkg/lesson"
)

// TestHopfieldWritesResultsAndFigures: `dllessons hopfield` writes the experiments as JSON that
// reads back into hopfield.Experiments, and the five figures as SVG.
func TestHopfieldWritesResultsAndFigures(t *testing.T) {
	out := t.TempDir()
	if err := commands["hopfield"].run([]string{"--backend", "go", "--instances", "3", "--out", out}); err != nil {
		t.Fatal(err)
	}
	var e hopfield.Experiments
	if err := lesson.ReadJSON(filepath.Join(out, "hopfield.json"), &e); err != nil {
		t.Fatal(err)
	}
	if e.Seed != 42 || e.Descent.Instances != 3 || len(e.Retrieval) != 9 || len(e.Attention) != len(hopfield.AttentionSizes) ||
		e.Projection.D != 16 || len(e.Stacked.Betas) != len(hopfield.StackedBetas) {
		t.Errorf("hopfield.json holds %+v", e)
	}
	for _, name := range []string{"landscape.svg", "landscape_small_beta.svg", "energy_trace.svg", "retrieval.svg", "stacked_updates.svg"} {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Error(err)
		} else if !bytes.Contains(data, []byte("<svg")) {
			t.Errorf("%s is not an SVG", name)
		}
	}
}
