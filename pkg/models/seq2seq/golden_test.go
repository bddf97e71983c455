package seq2seq

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/models/internal/golden"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden.json from this code (only when a change of numbers is intended)")

// goldenRun is what a tiny seeded run must reproduce bit for bit.
type goldenRun struct {
	Variant   Variant    `json:"variant"`
	Losses    []float64  `json:"losses"`
	ValCER    []float64  `json:"val_cer"`
	BestEpoch int        `json:"best_epoch"`
	Greedy    []string   `json:"greedy"`
	Beam      []string   `json:"beam"`
	Nucleus   [][]string `json:"nucleus"`
}

// TestTinyRunsMatchGolden trains both variants (dropout on, so the random stream counts) for a
// few steps and decodes the test words three ways; every number and word must equal
// testdata/golden.json, written by the code before the training loop was shared.
func TestTinyRunsMatchGolden(t *testing.T) {
	data := tinyP2G(t)
	b := backend.MustDefault()
	var got []goldenRun
	for _, v := range Variants {
		opts := DefaultOptions(v == Attention)
		opts.Hidden, opts.BatchSize, opts.Epochs, opts.MaxSteps, opts.Seed = 16, 2, 2, 2, 7
		tr, err := NewTrainer(b, data, opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Train(); err != nil {
			t.Fatal(err)
		}
		if err := tr.UseBest(); err != nil {
			t.Fatal(err)
		}
		g := goldenRun{Variant: v, BestEpoch: tr.BestEpoch}
		for _, e := range tr.History {
			g.Losses, g.ValCER = append(g.Losses, e.TrainLoss), append(g.ValCER, e.ValCER)
		}
		if g.Greedy, _, err = tr.Decoder.Greedy(data, data.Test, false); err != nil {
			t.Fatal(err)
		}
		if g.Beam, err = tr.Decoder.Beam(data, data.Test, 2); err != nil {
			t.Fatal(err)
		}
		if g.Nucleus, err = tr.Decoder.Nucleus(data, data.Test, 0.8, 3, 5); err != nil {
			t.Fatal(err)
		}
		got = append(got, g)
	}
	golden.Compare(t, filepath.Join("testdata", "golden.json"), got, *updateGolden)
}
