package cnn

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/models/runstore"
)

func TestReceptiveFieldsAndFeatureMaps(t *testing.T) {
	table := ReceptiveFieldTable().String()
	// With pooling: 3, 4, 8, 10, 18, 22; without: 3, 5, 7. fc1 sizes 6·6·128·1024 and 48·48·128·1024.
	for _, want := range []string{"22×22", "18×18", "7×7", "6×6×128", "4718592", "301989888"} {
		if !strings.Contains(table, want) {
			t.Errorf("receptive-field table lacks %q:\n%s", want, table)
		}
	}
}

func TestStackedKernelsHaveFewerParameters(t *testing.T) {
	table := StackedKernelTable(128)
	// 5×5: 25·128²+128 = 409728 vs 2·(9·128²+128) = 295168.
	row := strings.Join(table.Rows[1], " ")
	if !strings.Contains(row, "409728") || !strings.Contains(row, "295168") {
		t.Errorf("5×5 row %q", row)
	}
}

func TestParamsByLayerExplainsTheDifference(t *testing.T) {
	plain, plainTotal, err := ParamsByLayer(Variant{false})
	if err != nil {
		t.Fatal(err)
	}
	bn, bnTotal, _ := ParamsByLayer(Variant{true})
	if plain["fc1"] != 4608*1024+1024 || bn["fc1"] != 128*1024+1024 || plainTotal-bnTotal != 5340742-755718 {
		t.Errorf("fc1 %d/%d, totals %d/%d", plain["fc1"], bn["fc1"], plainTotal, bnTotal)
	}
}

func TestResultsTableComparesOnlyOnCourseData(t *testing.T) {
	res := func(kind datasets.ImageKind) []*Result {
		return []*Result{{Model: "cnn", LearningRate: 0.01, DataKind: kind, TestAccuracy: 0.7, History: []Epoch{{ValAccuracy: 0.71}}}}
	}
	course := ResultsTable(res(datasets.KindNpz))
	if !strings.Contains(strings.Join(course.Headers, " "), "Δ") || course.Rows[0][len(course.Rows[0])-1] != "+1.00" {
		t.Errorf("course table: %v %v", course.Headers, course.Rows)
	}
	def := ResultsTable(res(datasets.KindFashionMNIST))
	if strings.Contains(strings.Join(def.Headers, " "), "Δ") || !strings.Contains(def.Title, "DEFAULT") {
		t.Errorf("default-data table should be labelled and have no Δ: %q %v", def.Title, def.Headers)
	}
}

func TestFullScheduleEstimate(t *testing.T) {
	// 4 runs × 40 epochs × 1579 steps at 10 ms.
	if got := FullScheduleEstimate(0.01, 4); got != time.Duration(4*40*1579)*10*time.Millisecond {
		t.Errorf("estimate %v", got)
	}
}

func TestSweepTimingAndBestRun(t *testing.T) {
	results := []*Result{
		{LearningRate: 0.1, Diverged: true, TestAccuracy: 0.9, SecondsPerStep: 0.01},
		{LearningRate: 0.01, TestAccuracy: 0.6, SecondsPerStep: 0.03},
		{LearningRate: 0.001, TestAccuracy: 0.5, SecondsPerStep: 0.02},
	}
	if best := BestRun(results); best != results[1] {
		t.Errorf("best run is η=%g, want the non-diverged η=0.01", best.LearningRate)
	}
	got := SweepTiming(results, 90*time.Second)
	for _, want := range []string{"whole sweep: 1m30s", "mean 20.0 ms per training step", "3 runs × 40 epochs × 12,630 images"} {
		if !strings.Contains(got, want) {
			t.Errorf("SweepTiming = %q, lacks %q", got, want)
		}
	}
	// 0.02 s × 3 runs × 40 epochs × 1,579 steps = 1h3m9.6s, an estimate: to the minute.
	if want := "would take ≈ 1h3m"; !strings.HasSuffix(got, want) {
		t.Errorf("SweepTiming = %q, does not end in %q", got, want)
	}
}

func TestRecordsFinishedReadsFinishedRuns(t *testing.T) {
	dir := t.TempDir()
	done := &Result{Model: "cnn-bn", LearningRate: 0.01, DataKind: "fashion-mnist", TestAccuracy: 0.9, SecondsPerStep: 0.025,
		History: []Epoch{{Epoch: 1, Seconds: 50.4}, {Epoch: 2, Seconds: 70.4}}}
	if err := lesson.WriteJSON(filepath.Join(dir, "fashion-mnist", "cnn-bn-lr0.01.json"), done); err != nil {
		t.Fatal(err)
	}
	results, err := Records{Store: runstore.NewCNN(dir, "fashion-mnist")}.Finished()
	if err != nil || len(results) != 1 || results[0].Model != "cnn-bn" {
		t.Fatalf("results %v, %v", results, err)
	}
	if got, want := RunTimes(results)[0], "cnn-bn η=0.01: 2 epochs in 2m1s (60 s per epoch, 25.0 ms per training step)"; got != want {
		t.Errorf("RunTimes = %q, want %q", got, want)
	}
	if results, err := (Records{Store: runstore.NewCNN(dir, "npz")}).Finished(); err != nil || len(results) != 0 {
		t.Errorf("no runs on npz: %v, %v", results, err)
	}
}

func TestTryItTableShowsNoAccuracyForADivergedRun(t *testing.T) {
	budget := SweepBudget{TrainImages: 80, ValImages: 20, TestImages: 20, Epochs: 1}
	ok := &Result{Model: "cnn-lr0.01", LearningRate: 0.01, TestAccuracy: 0.5, History: []Epoch{{TrainLoss: 1.25}}}
	bad := &Result{Model: "cnn-lr1", LearningRate: 1, Diverged: true, DivergedAt: "epoch 1 step 3"}
	table := TryItTable(budget, []*Result{ok, bad})
	if got := table.Rows[0]; got[2] != "1.25" || got[3] != "50.0" {
		t.Errorf("trained run row %q", got)
	}
	if got := table.Rows[1]; !strings.Contains(got[0], "diverged: epoch 1 step 3") || got[2] != "—" || got[3] != "—" {
		t.Errorf("diverged run row %q: want it named diverged with no loss and no accuracy", got)
	}
}

func TestDescribeRunsNamesEachRun(t *testing.T) {
	if got, want := DescribeRuns(CourseRuns[2:]), "cnn η=0.1, cnn-bn η=0.01"; got != want {
		t.Errorf("DescribeRuns = %q, want %q", got, want)
	}
}

func TestScheduleTimeSumsTheSweepAndTheChosenBatchNormRun(t *testing.T) {
	timed := func(r *Result, seconds ...float64) *Result {
		for i := range r.History {
			r.History[i].Seconds = seconds[i]
		}
		return r
	}
	results := []*Result{
		timed(run("cnn", 0.001, []float64{0.5, 0.6}), 600, 600),
		timed(run("cnn", 0.01, []float64{0.7, 0.8}), 600, 600),
		timed(run("cnn", 0.1, []float64{0.9, 0.7}), 600, 600), // lower at the end: not chosen
		timed(run("cnn-bn", 0.01, []float64{0.9, 0.9}), 300, 332.4),
		timed(run("cnn-bn", 0.1, []float64{0.9, 0.9}), 5000, 5000), // not the schedule's
	}
	got, ok := ScheduleTime(results)
	want := "the course's schedule (cnn η=0.001, cnn η=0.01, cnn η=0.1, cnn-bn η=0.01, one after another): 1h10m32s of training and evaluation"
	if !ok || got != want {
		t.Errorf("ScheduleTime = %q, %v; want %q", got, ok, want)
	}
	if _, ok := ScheduleTime(results[1:]); ok {
		t.Error("ScheduleTime without cnn η=0.001: want not ok")
	}
	if _, ok := ScheduleTime(results[:4:4][:3]); ok {
		t.Error("ScheduleTime without the chosen batch-norm run: want not ok")
	}
}
