package cnn

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

func acc(v float64) *float64 { return &v }

// run builds a result whose validation (and, if given, test) accuracy per epoch is vals/tests.
func run(model string, lr float64, vals []float64, tests ...float64) *Result {
	r := &Result{Model: model, LearningRate: lr}
	for i, v := range vals {
		e := Epoch{Epoch: i + 1, ValAccuracy: v}
		if i < len(tests) {
			e.TestAccuracy = acc(tests[i])
		}
		r.History = append(r.History, e)
	}
	if len(tests) > 0 {
		r.TestAccuracy = tests[len(tests)-1]
	}
	return r
}

func TestBestEpochIsTheHighestValidationAccuracyEarliestOnATie(t *testing.T) {
	r := run("cnn-bn", 0.01, []float64{0.84, 0.971, 0.68, 0.971, 0.90}, 0.83, 0.95, 0.70, 0.96, 0.89)
	best, ok := r.BestEpoch()
	if test, _ := best.Test(); !ok || best.Epoch != 2 || test != 0.95 {
		t.Errorf("best epoch %+v (ok %v), want epoch 2 with test 0.95", best, ok)
	}
	if got, want := r.BestEpochSummary(), "best epoch by validation: 2 of 5 (val 97.10%, test 95.00%)"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if _, ok := (&Result{}).BestEpoch(); ok {
		t.Error("a run without epochs has a best epoch")
	}
}

// TestOldRecordsLoadWithTestNotRecorded: records written before the per-epoch test accuracy
// existed still load, and their best epoch's test accuracy is named as not recorded.
func TestOldRecordsLoadWithTestNotRecorded(t *testing.T) {
	old := `{"model":"cnn","learning_rate":0.01,"history":[{"epoch":1,"train_loss":0.6,"val_accuracy":0.91,"seconds":47,"train_seconds":45},
	{"epoch":2,"train_loss":0.3,"val_accuracy":0.92,"seconds":45,"train_seconds":43}],"test_accuracy":0.9}`
	var r Result
	if err := json.Unmarshal([]byte(old), &r); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.History[1].Test(); ok {
		t.Error("an old record's epoch has a test accuracy")
	}
	if got := r.BestEpochSummary(); got != "best epoch by validation: 2 of 2 (val 92.00%, test not recorded)" {
		t.Errorf("summary %q", got)
	}
	if row := ResultsTable([]*Result{&r}).Rows[0]; row[5] != "2" || row[7] != "not recorded" {
		t.Errorf("results row %q: want best epoch 2 with its test not recorded", row)
	}
	// A new record keeps every old field and adds test_accuracy per epoch.
	r.History[1].TestAccuracy = acc(0.9)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"val_accuracy":0.92,"test_accuracy":0.9,"seconds":45`, `"train_loss":0.6,"val_accuracy":0.91,"seconds":47`} {
		if !strings.Contains(string(b), field) {
			t.Errorf("record %s lacks %s", b, field)
		}
	}
}

func TestChooseByValidationTakesTheFinalValidationAccuracyAndSkipsDivergedRuns(t *testing.T) {
	slow := run("cnn", 0.001, []float64{0.5, 0.6})
	mid := run("cnn", 0.01, []float64{0.9, 0.7}) // best peak, but the homework compares final accuracies
	fast := run("cnn", 0.1, []float64{0.8, 0.85})
	exploded := run("cnn", 1, []float64{0.95})
	exploded.Diverged = true
	chosen, err := ChooseByValidation([]*Result{slow, mid, fast, exploded})
	if err != nil || chosen != fast {
		t.Fatalf("chose %+v (%v), want η=0.1", chosen, err)
	}
	spec, why, err := BatchNormRunFor([]*Result{slow, mid, fast, exploded})
	if err != nil || !spec.Variant.BatchNorm || spec.LearningRate != 0.1 || spec.Name() != "cnn-bn-lr0.1" ||
		!strings.Contains(why, "η = 0.1 has the highest final validation accuracy (85.00%)") {
		t.Errorf("batch-norm run %+v %q %v", spec, why, err)
	}
	if _, err := ChooseByValidation([]*Result{exploded, {Model: "cnn"}}); !errors.Is(err, ErrNoCandidate) {
		t.Errorf("all diverged or empty: %v, want ErrNoCandidate", err)
	}
}

// TestScoringTheTestSplitEachEpochChangesNoWeight: a trainer that scores the test split after
// every epoch trains exactly as one that does not, and Train's last epoch records the same
// test accuracy as the result.
// A finished run re-run from its checkpoint keeps its record.
func TestScoringTheTestSplitEachEpochChangesNoWeight(t *testing.T) {
	data := smallImages(t, 48, 20)
	b := backend.MustDefault()
	opts := DefaultOptions(Variant{BatchNorm: true}, 0.01)
	opts.Epochs = 1
	plain := lesson.Must(NewTrainer(b, opts))
	scored := lesson.Must(NewTrainer(b, opts))
	scored.Test = data.Test
	for _, tr := range []*Trainer{plain, scored} {
		if _, err := tr.TrainEpoch(data.Train, data.Val); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := plain.History[0].Test(); ok {
		t.Error("a trainer without a test split recorded a test accuracy")
	}
	if test, ok := scored.History[0].Test(); !ok || test < 0 || test > 1 {
		t.Errorf("scored epoch's test accuracy %v (recorded %v)", test, ok)
	}
	for v := range plain.Model.Store.IterVariables() {
		if !trainer.EqualTensors(lesson.Must(v.Value()), lesson.Must(scored.Model.Store.GetVariable(v.Path()).Value())) {
			t.Errorf("%s differs when the test split is scored each epoch", v.Path())
		}
	}
	opts.CheckpointDir = t.TempDir()
	res := lesson.Must(Train(b, data, opts))
	if last, ok := res.History[0].Test(); !ok || last != res.TestAccuracy {
		t.Errorf("last epoch's test accuracy %v (recorded %v), result's %v", last, ok, res.TestAccuracy)
	}
	// Re-running the finished run (as `cnn train --all` after an interruption does) trains
	// nothing and reports the same record, its speed included.
	again := lesson.Must(Train(b, data, opts))
	if again.SecondsPerStep != res.SecondsPerStep || res.SecondsPerStep <= 0 || again.TestAccuracy != res.TestAccuracy {
		t.Errorf("re-run of a finished run: %g s/step, test %v; first run %g s/step, test %v",
			again.SecondsPerStep, again.TestAccuracy, res.SecondsPerStep, res.TestAccuracy)
	}
}
