package cnn

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/models/runstore"
)

// finished is a run with one epoch: final validation accuracy val, test accuracy test on 3000 images.
func finished(bn bool, lr, val, test float64) *Result {
	r := run(Variant{BatchNorm: bn}.Name(), lr, []float64{val}, test)
	r.Splits = [3]int{100, 1400, 3000}
	r.Classes = []string{"T-shirt/top", "trouser", "dress"}
	return r
}

func sweepFixture() []*Result {
	best := finished(false, 0.1, 0.93, 0.92)
	best.Confusion = [][]int{{90, 1, 4}, {2, 95, 0}, {9, 1, 80}} // 17 errors; dress↔T-shirt 13
	return []*Result{
		finished(false, 0.001, 0.80, 0.79), finished(false, 0.01, 0.91, 0.90), best,
		finished(true, 0.001, 0.90, 0.89), finished(true, 0.01, 0.92, 0.91), finished(true, 0.1, 0.91, 0.88),
	}
}

// findingsInclude fails t for each wanted sentence (or part) that got lacks.
func findingsInclude(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("findings lack %q:\n%s", want, got)
		}
	}
}

func TestFindingsAreComputedFromTheNumbers(t *testing.T) {
	got := strings.Join(Findings(sweepFixture()), "\n")
	findingsInclude(t, got,
		"Best learning rate without batch norm: η = 0.1, with the highest final validation accuracy (93.0%; η = 0.001: 80.0%, η = 0.01: 91.0%)",
		// 2·sqrt(0.92·0.08/3000 + 0.88·0.12/3000) = 1.55 points
		"Batch norm at η = 0.1: test accuracy after the last epoch 92.0% → 88.0% (-4.0 points); batch norm hurt, by more than the ±1.5 points",
		"At the best epoch by validation: 92.0% → 88.0%.",
		"Over η = 0.001, 0.01, 0.1, final validation accuracy spans 13.0 points without batch norm and 2.0 points with it: on this data batch norm made the network less sensitive",
		"Most-confused pair for cnn η=0.1 (the highest final validation accuracy): dress and T-shirt/top, 13 of its 17 test errors (76%): dress taken for T-shirt/top 9 times, T-shirt/top for dress 4 times.",
	)
}

func TestFindingsSayWhatTheRunsCannotShow(t *testing.T) {
	results := sweepFixture()
	// Batch norm within the noise at the chosen rate, and only at that rate.
	results[5] = finished(true, 0.1, 0.935, 0.925)
	got := strings.Join(Findings(results[:3:3]), "\n") + "\n" + strings.Join(Findings(append(results[:3:3], results[5])), "\n")
	findingsInclude(t, got,
		"Batch norm has no run at η = 0.1 here, so whether it helps at the chosen rate is not measured.",
		"(+0.5 points); no clear difference: that is within the ±1.4 points of test-set sampling noise",
		"not trained at two or more of the same learning rates as the plain network",
	)
	// A difference of one image in 3,000 keeps its sign and size: not "(-0.0 points)".
	results[5] = finished(true, 0.1, 0.93, 0.92-1.0/3000)
	findingsInclude(t, strings.Join(Findings(append(results[:3:3], results[5])), "\n"),
		"92.00% → 91.97% (-0.03 points); no clear difference")
	got = strings.Join(Findings([]*Result{results[1]}), "\n")
	findingsInclude(t, got,
		"Without batch norm only η = 0.01 is recorded (final validation accuracy 91.0%), so no learning rate is chosen among several.",
		"Batch norm has no run at η = 0.01 here",
	)
	// A diverged run counts as the most sensitive outcome, and batch norm diverging at the chosen rate is named.
	results = sweepFixture()
	results[5].Diverged, results[5].DivergedAt = true, "loss NaN at epoch 1 step 3"
	got = strings.Join(Findings(results), "\n")
	findingsInclude(t, got,
		"Batch norm did not help at η = 0.1: its run diverged (loss NaN at epoch 1 step 3).",
		"2.0 points (and diverged at η = 0.1) with it: on this data batch norm did not make the network less sensitive",
	)
}

func TestSensitivityFindingWeighsNoiseAndChance(t *testing.T) {
	results := sweepFixture()
	// With batch norm 85, 92, 91 % at η = 0.001, 0.01, 0.1: span 7 points vs 13 without, a difference larger than
	// the ±3.5 points of noise of four accuracies on 1400 images; with 82 % at η = 0.001 the spans differ by 3 < 3.6.
	results[5] = finished(true, 0.1, 0.91, 0.90)
	results[3] = finished(true, 0.001, 0.85, 0.84)
	got := strings.Join(Findings(results), "\n")
	findingsInclude(t, got, "spans 13.0 points without batch norm and 7.0 points with it: on this data batch norm made the network less sensitive")
	results[3] = finished(true, 0.001, 0.82, 0.81)
	got = strings.Join(Findings(results), "\n")
	findingsInclude(t, got, "spans 13.0 points without batch norm and 10.0 points with it: on this data no clear difference in sensitivity to the step size: the spans differ by less than the ±3.6 points")
	// Three classes: chance 33.3%, two standard errors on 1400 images 2.5 points.
	for i, v := range []float64{0.34, 0.35, 0.355} {
		results[3+i] = finished(true, results[i].LearningRate, v, v)
	}
	got = strings.Join(Findings(results), "\n")
	findingsInclude(t, got, "the network with batch norm stayed within the noise of chance (33.3%) at every rate, so its spread says nothing")
}

func TestFullRunsNamesTheRunsNotRecordedYet(t *testing.T) {
	dir := t.TempDir()
	full := Records{Store: runstore.NewCNN(dir, "fashion-mnist")}
	write := func(r *Result) {
		r.DataKind = "fashion-mnist"
		name := RunSpec{Variant: Variant{BatchNorm: r.Model == "cnn-bn"}, LearningRate: r.LearningRate}.Name()
		if err := lesson.WriteJSON(filepath.Join(dir, "fashion-mnist", name+".json"), r); err != nil {
			t.Fatal(err)
		}
	}
	fixture := sweepFixture()
	write(fixture[1])
	write(fixture[4]) // cnn-bn η=0.01, an earlier version's choice
	records, missing, err := full.Full()
	if err != nil || len(records) != 2 || records[0].LearningRate != 0.01 || records[1].Model != "cnn-bn" {
		t.Fatalf("records %v, %v", records, err)
	}
	if got := strings.Join(missing, "; "); got != "cnn η=0.001; cnn η=0.1; cnn-bn at the η chosen from the sweep (needs the whole sweep)" {
		t.Errorf("missing %q", got)
	}
	write(fixture[0])
	write(fixture[2])
	if _, missing, _ := full.Full(); strings.Join(missing, "; ") != "cnn-bn η=0.1 (the rate chosen from the sweep)" {
		t.Errorf("with the sweep recorded, missing %q", missing)
	}
	write(fixture[5])
	if records, missing, _ := full.Full(); len(missing) != 0 || len(records) != 5 {
		t.Errorf("all recorded: %d records, missing %q", len(records), missing)
	}
}

func TestBatchNormTablePairsTheNetworksPerRate(t *testing.T) {
	results := sweepFixture()
	results[3].Diverged = true // cnn-bn η=0.001
	table := BatchNormTable("lesson", append(results, finished(false, 1, 0.5, 0.4)))
	want := [][]string{
		{"0.001", "80.00", "—", "—", "79.00", "—", "—"},
		{"0.01", "91.00", "92.00", "+1.00", "90.00", "91.00", "+1.00"},
		{"0.1", "93.00", "91.00", "-2.00", "92.00", "88.00", "-4.00"},
		{"1", "50.00", "—", "—", "40.00", "—", "—"},
	}
	for i, row := range want {
		if strings.Join(table.Rows[i], " ") != strings.Join(row, " ") {
			t.Errorf("row %d = %q, want %q", i, table.Rows[i], row)
		}
	}
}

func TestBatchNormFindingsAreTheBatchNormSentencesOfFindings(t *testing.T) {
	all, bn := Findings(sweepFixture()), BatchNormFindings(sweepFixture())
	if len(bn) != 2 || bn[0] != all[1] || bn[1] != all[2] {
		t.Errorf("batch-norm findings %q, findings %q", bn, all)
	}
}

func TestHomeworkChoiceLooksOnlyAtTheRunsWithoutBatchNorm(t *testing.T) {
	results := sweepFixture()
	results[3] = finished(true, 0.001, 0.97, 0.96) // the best validation accuracy overall, with batch norm
	if got := HomeworkChoice(results); !strings.Contains(got, "η = 0.1 has the highest final validation accuracy (93.00%)") {
		t.Errorf("HomeworkChoice = %q, want η = 0.1 chosen among the runs without batch norm", got)
	}
	for _, r := range results {
		r.Diverged = true
	}
	if got := HomeworkChoice(results); !strings.Contains(got, "cannot choose") {
		t.Errorf("all diverged: %q", got)
	}
}
