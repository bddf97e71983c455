package cnn

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

// smallImages is a few hundred real images (Fashion-MNIST); skips when Debian's package is absent.
func smallImages(t *testing.T, train, val int) *datasets.Images {
	t.Helper()
	if _, err := os.Stat(datasets.FashionMNISTDir); err != nil {
		t.Skipf("dataset-fashion-mnist not installed: %v", err)
	}
	d, err := datasets.LoadImages("", 7)
	if err != nil {
		t.Fatal(err)
	}
	return d.Subset(train, val, val, 7)
}

func TestCNNLearnsARealSubsetWellAboveChance(t *testing.T) {
	data := smallImages(t, 2400, 300)
	opts := DefaultOptions(Variant{BatchNorm: true}, 0.01)
	opts.Epochs = 1 // 300 steps of batch 8
	res, err := Train(backend.MustDefault(), data, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("after %d steps: loss %.3f, val %.1f%%, test %.1f%% (%.0f ms/step)", 2400/8, res.History[0].TrainLoss,
		100*res.History[0].ValAccuracy, 100*res.TestAccuracy, 1000*res.SecondsPerStep)
	if res.Diverged || res.TestAccuracy < 0.5 || res.History[0].ValAccuracy < 0.5 {
		t.Errorf("accuracy val %.3f test %.3f after 300 steps: want ≥ 0.5 (chance is 1/6)", res.History[0].ValAccuracy, res.TestAccuracy)
	}
	total := 0
	for _, row := range res.Confusion {
		for _, c := range row {
			total += c
		}
	}
	if total != data.Test.Len() {
		t.Errorf("confusion matrix counts %d images, want %d", total, data.Test.Len())
	}
}

func TestBatchNormUsesBatchStatsInTrainingAndRunningAveragesInEvaluation(t *testing.T) {
	store := model.NewStore()
	m, err := New(store, Variant{BatchNorm: true}, 1)
	if err != nil {
		t.Fatal(err)
	}
	// x [4, 128]: feature f of sample i is 10·f + 2·i, so the batch mean is 10f+3 and the biased
	// variance is 5 for every feature.
	x := make([]float32, 4*128)
	for i := range 4 {
		for f := range 128 {
			x[i*128+f] = float32(10*f + 2*i)
		}
	}
	run := func(training bool) []float32 {
		exec, err := model.NewExec(backend.MustDefault(), store, func(_ *model.Scope, x *graph.Node) *graph.Node {
			store.SetTraining(x.Graph(), training)
			return m.batchNorm("bn3", x, training)
		})
		if err != nil {
			t.Fatal(err)
		}
		out := exec.MustCall(tensors.FromFlatDataAndDimensions(x, 4, 128))[0]
		return tensors.MustCopyFlatData[float32](out)
	}
	trainOut := run(true)
	for i := range 4 {
		want := (2*float64(i) - 3) / math.Sqrt(5+batchNormEps)
		if got := float64(trainOut[i*128+5]); math.Abs(got-want) > 1e-3 {
			t.Fatalf("training output[%d] = %v, want batch-normalised %v", i, got, want)
		}
	}
	runMean := tensors.MustCopyFlatData[float32](lesson.Must(m.variable("bn3", "running_mean").Value()))
	runVar := tensors.MustCopyFlatData[float32](lesson.Must(m.variable("bn3", "running_var").Value()))
	// Running averages moved 10% of the way from (0, 1) to (batch mean, unbiased variance 20/3).
	if math.Abs(float64(runMean[5])-0.1*53) > 1e-3 || math.Abs(float64(runVar[5])-(0.9+0.1*20.0/3)) > 1e-3 {
		t.Fatalf("running mean/var of feature 5 = %v/%v, want %v/%v", runMean[5], runVar[5], 5.3, 0.9+0.1*20.0/3)
	}
	evalOut := run(false)
	for i := range 4 {
		want := (float64(x[i*128+5]) - float64(runMean[5])) / math.Sqrt(float64(runVar[5])+batchNormEps)
		if got := float64(evalOut[i*128+5]); math.Abs(got-want) > 1e-3*math.Abs(want) {
			t.Fatalf("evaluation output[%d] = %v, want %v from the running averages", i, got, want)
		}
	}
	if again := tensors.MustCopyFlatData[float32](lesson.Must(m.variable("bn3", "running_mean").Value())); again[5] != runMean[5] {
		t.Fatal("evaluation changed the running mean")
	}
}

func TestResumeEqualsUninterruptedRun(t *testing.T) {
	data := smallImages(t, 48, 20)
	b := backend.MustDefault()
	opts := DefaultOptions(Variant{BatchNorm: true}, 0.01) // batch norm: running stats must resume too
	opts.Epochs = 2

	opts.CheckpointDir = t.TempDir()
	straight, err := NewTrainer(b, opts)
	if err != nil {
		t.Fatal(err)
	}
	straight.Test = data.Test
	for range 2 {
		if _, err := straight.TrainEpoch(data.Train, data.Val); err != nil {
			t.Fatal(err)
		}
	}

	opts.CheckpointDir = t.TempDir()
	first, err := NewTrainer(b, opts)
	if err != nil {
		t.Fatal(err)
	}
	first.Test = data.Test
	if _, err := first.TrainEpoch(data.Train, data.Val); err != nil {
		t.Fatal(err)
	}
	resumed, err := NewTrainer(b, opts) // a new process would do exactly this
	if err != nil {
		t.Fatal(err)
	}
	if len(resumed.History) != 1 {
		t.Fatalf("resumed trainer has %d epochs of history, want 1", len(resumed.History))
	}
	resumed.Test = data.Test
	if _, err := resumed.TrainEpoch(data.Train, data.Val); err != nil {
		t.Fatal(err)
	}
	for i, want := range straight.History {
		got := resumed.History[i]
		wantTest, wantOK := want.Test()
		gotTest, gotOK := got.Test()
		if want.TrainLoss != got.TrainLoss || want.ValAccuracy != got.ValAccuracy || !wantOK || !gotOK || wantTest != gotTest {
			t.Errorf("epoch %d: uninterrupted %+v (test %v), resumed %+v (test %v)", i+1, want, wantTest, got, gotTest)
		}
	}
	for v := range straight.Model.Store.IterVariables() {
		other := resumed.Model.Store.GetVariable(v.Path())
		if other == nil {
			t.Fatalf("resumed run lacks %s", v.Path())
		}
		if !trainer.EqualTensors(lesson.Must(v.Value()), lesson.Must(other.Value())) {
			t.Errorf("%s differs between the uninterrupted and the resumed run", v.Path())
		}
	}
}

func TestDivergingRunIsReportedNotFatal(t *testing.T) {
	data := smallImages(t, 64, 20)
	opts := DefaultOptions(Variant{BatchNorm: false}, 1e6) // absurd rate: loss explodes
	opts.Epochs = 3
	res, err := Train(backend.MustDefault(), data, opts)
	if err != nil {
		t.Fatalf("a diverging run should be a result, not an error: %v", err)
	}
	if !res.Diverged || res.DivergedAt == "" || len(res.History) >= 3 {
		t.Fatalf("diverged=%v at %q after %d epochs: want divergence reported and training stopped", res.Diverged, res.DivergedAt, len(res.History))
	}
	// No accuracy is computed from NaN weights, and none is written.
	record, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(record), "test_accuracy") || strings.Contains(string(record), "confusion") ||
		!strings.Contains(res.TestSummary(), "DIVERGED") || !strings.Contains(res.TestSummary(), "no test accuracy") {
		t.Errorf("a diverged run reports %q and records %s", res.TestSummary(), record)
	}
	if table := ResultsTable([]*Result{res}).String(); !strings.Contains(table, "—") {
		t.Errorf("the results table shows a test accuracy for a diverged run:\n%s", table)
	}
}

func TestCheckpointOfAnotherRunIsRefused(t *testing.T) {
	dir := t.TempDir()
	data := smallImages(t, 16, 10)
	opts := DefaultOptions(Variant{}, 0.01)
	opts.CheckpointDir = dir
	tr, err := NewTrainer(backend.MustDefault(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.TrainEpoch(data.Train, data.Val); err != nil {
		t.Fatal(err)
	}
	opts.LearningRate = 0.1
	if _, err := NewTrainer(backend.MustDefault(), opts); err == nil {
		t.Fatal("a checkpoint of lr=0.01 was resumed as lr=0.1")
	}
}

// TestCNNCheckpointOfOtherDataIsRefused: a checkpoint records the data's fingerprint; other
// images of the same kind and size are refused with both fingerprints named, and a checkpoint
// without one (an older version's) is accepted with a one-line note.
func TestCNNCheckpointOfOtherDataIsRefused(t *testing.T) {
	dir := t.TempDir()
	full := smallImages(t, 40, 10)
	data, other := full.Subset(16, 10, 10, 1), full.Subset(16, 10, 10, 2)
	opts := DefaultOptions(Variant{}, 0.01)
	opts.CheckpointDir, opts.Epochs = dir, 1
	var notes []string
	trainer.Note = func(line string) { notes = append(notes, line) }
	defer func() { trainer.Note = func(line string) { os.Stderr.WriteString(line + "\n") } }()
	tr, err := NewTrainer(backend.MustDefault(), opts) // no fingerprint: as an older version saved
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.TrainEpoch(data.Train, data.Val); err != nil {
		t.Fatal(err)
	}
	opts.DataFingerprint = data.Fingerprint()
	tr, err = NewTrainer(backend.MustDefault(), opts)
	if err != nil || len(tr.History) != 1 || len(notes) != 1 || !strings.Contains(notes[0], "no data fingerprint") {
		t.Fatalf("resuming a checkpoint without fingerprint: %v, %d epochs, notes %q", err, len(tr.History), notes)
	}
	if err := tr.saveCheckpoint(); err != nil {
		t.Fatal(err)
	}
	opts.DataFingerprint = other.Fingerprint()
	_, err = NewTrainer(backend.MustDefault(), opts)
	if err == nil || !strings.Contains(err.Error(), data.Fingerprint()) || !strings.Contains(err.Error(), other.Fingerprint()) {
		t.Fatalf("a checkpoint of other images: %v", err)
	}
	t.Log(err)
}
