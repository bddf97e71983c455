package cnn

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/models/internal/golden"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden.json from this code (only when a change of numbers is intended)")

// goldenRun is what a tiny seeded run must reproduce bit for bit: losses, accuracies, confusion.
type goldenRun struct {
	Run          string    `json:"run"`
	Losses       []float64 `json:"losses"`
	ValAccuracy  []float64 `json:"val_accuracy"`
	TestAccuracy float64   `json:"test_accuracy"`
	Confusion    [][]int   `json:"confusion"`
}

// TestTinyRunsMatchGolden trains both variants two epochs on 48 seeded images and compares
// every number with testdata/golden.json, written by the code before the refactoring of the
// training loop: a refactoring must not change a single bit. The backend on one core must give
// the same bits as on all of them: the committed full runs were trained several at a time, one
// core each (results/cnn/README.md).
func TestTinyRunsMatchGolden(t *testing.T) {
	data := smallImages(t, 48, 20)
	for _, config := range []string{backend.GoConfig, "go:parallelism=1"} {
		b, err := backend.New(config)
		if err != nil {
			t.Fatal(err)
		}
		var got []goldenRun
		for _, run := range []RunSpec{{Variant: Variant{false}, LearningRate: 0.01}, {Variant: Variant{true}, LearningRate: 0.01}} {
			opts := DefaultOptions(run.Variant, run.LearningRate)
			opts.Epochs = 2
			res, err := Train(b, data, opts)
			if err != nil {
				t.Fatal(err)
			}
			g := goldenRun{Run: run.Name(), TestAccuracy: res.TestAccuracy, Confusion: res.Confusion}
			for _, e := range res.History {
				g.Losses, g.ValAccuracy = append(g.Losses, e.TrainLoss), append(g.ValAccuracy, e.ValAccuracy)
			}
			got = append(got, g)
		}
		t.Logf("backend %s", config)
		golden.Compare(t, filepath.Join("testdata", "golden.json"), got, *updateGolden && config == backend.GoConfig)
	}
}
