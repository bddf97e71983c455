package cnn

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/models/runstore"
)

// committedRecordsDir is where `dllessons cnn train --all` wrote the records lesson 3 shows.
var committedRecordsDir = filepath.Join("..", "..", "..", "results", "cnn")

// TestCommittedFullRunReproducesItsFirstEpoch trains the first epoch of a committed full run on
// all of the default data and compares it with the record bit for bit: the records lesson 3 and
// results/cnn/README.md show must be what today's code computes from the seed, so a change of
// the train step's numbers fails here until the records are trained again. The batch-norm run
// is the cheapest epoch (about half a minute on 2 cores).
func TestCommittedFullRunReproducesItsFirstEpoch(t *testing.T) {
	if testing.Short() {
		t.Skip("trains one epoch on 12,630 images")
	}
	if _, err := os.Stat(datasets.FashionMNISTDir); err != nil {
		t.Skipf("dataset-fashion-mnist not installed: %v", err)
	}
	recorded := committedBatchNormRecord(t)
	data, err := datasets.LoadImages("", recorded.Seed)
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultOptions(Variant{BatchNorm: true}, recorded.LearningRate)
	opts.Epochs = 1
	res, err := Train(backend.MustDefault(), data, opts)
	if err != nil {
		t.Fatal(err)
	}
	got, want := res.History[0], recorded.History[0]
	if got.TrainLoss != want.TrainLoss || got.ValAccuracy != want.ValAccuracy || *got.TestAccuracy != *want.TestAccuracy {
		t.Errorf("%s epoch 1: train loss %v, val %v, test %v; the record has %v, %v, %v: "+
			"train the records again (results/cnn/README.md) or find what changed the numbers",
			recorded.Model, got.TrainLoss, got.ValAccuracy, *got.TestAccuracy, want.TrainLoss, want.ValAccuracy, *want.TestAccuracy)
	}
}

// committedBatchNormRecord reads the committed record of batch norm at η = 0.1.
func committedBatchNormRecord(t *testing.T) *Result {
	t.Helper()
	store := runstore.NewCNN(committedRecordsDir, datasets.KindFashionMNIST)
	name := RunSpec{Variant: Variant{BatchNorm: true}, LearningRate: 0.1}.Name()
	raw, err := os.ReadFile(store.Record(name))
	if err != nil {
		t.Fatal(err)
	}
	var r Result
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s: %v", store.Record(name), err)
	}
	if len(r.History) == 0 || r.History[0].TestAccuracy == nil || r.DataKind != datasets.KindFashionMNIST {
		t.Fatalf("%s: no first epoch with a test accuracy on the default data", store.Record(name))
	}
	return &r
}
