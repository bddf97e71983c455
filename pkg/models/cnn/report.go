package cnn

import (
	"fmt"
	"strings"
	"time"

	"github.com/gomlx/gomlx/ml/model"
	"gonum.org/v1/plot"

	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/plots"
)

// RunSpec is one run of the homework's experiment.
type RunSpec struct {
	Variant      Variant
	LearningRate float64
	// Report* are the course report's final accuracies (%) for this run.
	ReportVal, ReportTest float64
}

// Name is e.g. "cnn-lr0.01".
func (s RunSpec) Name() string { return fmt.Sprintf("%s-lr%g", s.Variant.Name(), s.LearningRate) }

// CourseRuns is Question 2's experiment as the report ran it on the course data: the
// learning-rate sweep without batch norm, then the batch-norm model at the rate the report
// chose (0.01), with the report's results. On other data the batch-norm run's rate is chosen
// from the sweep (BatchNormRunFor).
var CourseRuns = []RunSpec{
	{Variant{false}, 0.001, 60.87, 60.57},
	{Variant{false}, 0.01, 70.30, 69.00},
	{Variant{false}, 0.1, 53.77, 55.43},
	{Variant{true}, 0.01, 76.35, 76.23},
}

// DescribeRuns lists runs as "cnn η=0.001, cnn-bn η=0.01, …".
func DescribeRuns(runs []RunSpec) string {
	names := make([]string, len(runs))
	for i, r := range runs {
		names[i] = fmt.Sprintf("%s η=%g", r.Variant.Name(), r.LearningRate)
	}
	return strings.Join(names, ", ")
}

// ParamTable lists a variant's layers with their output maps and parameters, computed from
// the model's variables.
func ParamTable(variant Variant) (*lesson.Table, error) {
	m, err := New(model.NewStore(), variant, 0)
	if err != nil {
		return nil, err
	}
	total := m.NumParams()
	t := &lesson.Table{
		Title:   fmt.Sprintf("%s: %d trainable parameters", variant.Name(), total),
		Headers: []string{"layer", "kind", "in → out", "output", "parameters", "share"},
	}
	for i, n := range m.LayerParams() {
		s := variant.Layers()[i]
		t.AddRow(s.Scope, s.Kind, fmt.Sprintf("%d → %d", s.In, s.Out), s.OutMap, n, fmt.Sprintf("%.1f%%", 100*float64(n)/float64(total)))
	}
	t.AddRow("total", "", "", "", total, "100%")
	return t, nil
}

// StackedKernelTable compares one k×k convolution with the stack of 3×3 convolutions that sees
// the same k×k window, for c channels in and out (biases included).
func StackedKernelTable(c int) *lesson.Table {
	t := &lesson.Table{
		Title:   fmt.Sprintf("One k×k convolution vs a stack of 3×3 ones with the same receptive field (%d → %d channels)", c, c),
		Headers: []string{"receptive field", "one k×k layer", "3×3 layers", "stacked 3×3 params", "ratio", "non-linearities"},
	}
	for _, k := range []int{3, 5, 7, 9, 11} {
		layers := (k - 1) / 2
		one := k*k*c*c + c
		stacked := layers * (9*c*c + c)
		t.AddRow(fmt.Sprintf("%d×%d", k, k), one, layers, stacked, fmt.Sprintf("%.2f", float64(one)/float64(stacked)),
			fmt.Sprintf("1 vs %d", layers))
	}
	return t
}

// ReceptiveFieldTable follows the course CNN layer by layer: feature-map size, the input
// window one unit sees (receptive field) and the distance between neighbouring units in input
// pixels (jump), with max-pooling and without it.
func ReceptiveFieldTable() *lesson.Table {
	t := &lesson.Table{
		Title:   "Receptive field and feature-map size per layer, with and without max-pooling",
		Headers: []string{"layer", "map (with pool)", "receptive field (with pool)", "map (no pool)", "receptive field (no pool)"},
	}
	size, rf, jump := ImageSize, 1, 1
	sizeNP, rfNP := ImageSize, 1
	t.AddRow("input", sizeStr(size, InChannels), "1×1", sizeStr(sizeNP, InChannels), "1×1")
	for i, c := range Channels {
		rf += 2 * jump // 3×3 conv, stride 1
		rfNP += 2
		t.AddRow(fmt.Sprintf("conv%d 3×3", i+1), sizeStr(size, c), sqStr(rf), sizeStr(sizeNP, c), sqStr(rfNP))
		rf += jump // 2×2 pool, stride 2
		jump *= 2
		size /= 2
		t.AddRow(fmt.Sprintf("pool%d 2×2", i+1), sizeStr(size, c), sqStr(rf), "(none)", sqStr(rfNP))
	}
	last := Channels[len(Channels)-1]
	t.AddRow("flatten → fc1 weights", fmt.Sprint(size*size*last*Hidden[0]), "", fmt.Sprint(sizeNP*sizeNP*last*Hidden[0]), "")
	return t
}

func sizeStr(side, c int) string { return fmt.Sprintf("%d×%d×%d", side, side, c) }
func sqStr(n int) string         { return fmt.Sprintf("%d×%d", n, n) }

// ResultsTable sets the runs' accuracies after the last epoch (the course's number) beside the
// report's, and beside them the epoch early stopping would keep (highest validation accuracy)
// with its test accuracy. The Δ column (ours − the report's) only appears for the course's
// data; on other data the title says what data it was. A run the report did not make has "—".
func ResultsTable(results []*Result) *lesson.Table {
	course := len(results) > 0 && (results[0].DataKind == datasets.KindNpz || results[0].DataKind == datasets.KindKaggle)
	t := &lesson.Table{Headers: []string{"model", "learning rate", "epochs", "val acc % (last epoch)", "test acc % (last epoch)",
		"best epoch (by val)", "val acc % (best epoch)", "test acc % (best epoch)"}}
	if course {
		t.Title = "Results on the course data vs the report (Δ = ours − report, last epoch as the report)"
		t.Headers = append(t.Headers, "report val %", "report test %", "Δ test")
	} else {
		t.Title = "Results on the DEFAULT data (Fashion-MNIST, 6 classes), not the course's: the report's numbers are for other images"
		t.Headers = append(t.Headers, "report test % (course data)")
	}
	for _, r := range results {
		spec, inReport := specFor(r)
		status, val := "", "—"
		if r.Diverged {
			status = " (diverged)"
		}
		if v, ok := r.FinalValAccuracy(); ok {
			val = fmt.Sprintf("%.2f", 100*v)
		}
		test, delta := fmt.Sprintf("%.2f", 100*r.TestAccuracy), fmt.Sprintf("%+.2f", 100*r.TestAccuracy-spec.ReportTest)
		if r.Diverged {
			test, delta = "—", "—" // weights of a diverged run are not a model
		}
		bestEpoch, bestVal, bestTest := "—", "—", "—"
		if best, ok := r.BestEpoch(); ok {
			bestEpoch, bestVal, bestTest = fmt.Sprint(best.Epoch), fmt.Sprintf("%.2f", 100*best.ValAccuracy), "not recorded"
			if acc, ok := best.Test(); ok {
				bestTest = fmt.Sprintf("%.2f", 100*acc)
			}
		}
		row := []any{r.Model + status, r.LearningRate, len(r.History), val, test, bestEpoch, bestVal, bestTest}
		reportVal, reportTest := any("—"), any("—")
		if inReport {
			reportVal, reportTest = fmt.Sprintf("%.2f", spec.ReportVal), fmt.Sprintf("%.2f", spec.ReportTest)
		} else {
			delta = "—"
		}
		if course {
			row = append(row, reportVal, reportTest, delta)
		} else {
			row = append(row, reportTest)
		}
		t.AddRow(row...)
	}
	return t
}

// specFor finds the course run matching a result (false: the report has no such run).
func specFor(r *Result) (RunSpec, bool) {
	for _, s := range CourseRuns {
		if s.Variant.Name() == r.Model && s.LearningRate == r.LearningRate {
			return s, true
		}
	}
	return RunSpec{}, false
}

// SweepPlots draws training loss and validation accuracy per epoch for each result.
func SweepPlots(results []*Result) (loss, acc *plot.Plot, err error) {
	var lossSeries, accSeries []plots.Series
	for _, r := range results {
		name := fmt.Sprintf("%s η=%g", r.Model, r.LearningRate)
		var x, l, a []float64
		for _, e := range r.History {
			x, l, a = append(x, float64(e.Epoch)), append(l, e.TrainLoss), append(a, 100*e.ValAccuracy)
		}
		lossSeries = append(lossSeries, plots.Series{Name: name, X: x, Y: l})
		accSeries = append(accSeries, plots.Series{Name: name, X: x, Y: a})
	}
	if loss, err = plots.Lines("Training loss (mean over each epoch)", "epoch", "NLL loss", lossSeries...); err != nil {
		return nil, nil, err
	}
	acc, err = plots.Lines("Validation accuracy", "epoch", "accuracy %", accSeries...)
	return loss, acc, err
}

// ExampleGrid picks the first perClass training images of each class.
func ExampleGrid(data *datasets.Images, perClass int) *plots.ImageGrid {
	rows := make([][][]uint8, len(data.Classes))
	for i, l := range data.Train.Labels {
		if len(rows[l]) < perClass {
			rows[l] = append(rows[l], data.Train.Image(i))
		}
	}
	return &plots.ImageGrid{Title: fmt.Sprintf("Training images per class (%s)", data.Kind), Names: data.Classes,
		Rows: rows, Size: datasets.ImageSize, Scale: 2}
}

// ProgressReporter shows a CNN run's progress live (see lesson.ProgressReporter).
func ProgressReporter(label string) func(Progress) { return lesson.ProgressReporter(label) }

// SweepBudget is how much of the schedule a lesson run does.
type SweepBudget struct {
	TrainImages, ValImages, TestImages int // 0 keeps the whole split
	Epochs                             int
}

func (b SweepBudget) String() string {
	n := func(v int) string {
		if v <= 0 {
			return "all"
		}
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%s training images × %d epochs (validation %s, test %s images)", n(b.TrainImages), b.Epochs, n(b.ValImages), n(b.TestImages))
}

// FullScheduleEstimate is how long the course's full schedule (every run, 40 epochs over the
// 12,630 training images at batch 8) takes at the measured seconds per step.
func FullScheduleEstimate(secondsPerStep float64, runs int) time.Duration {
	steps := runs * 40 * ((datasets.CourseTrainSize + 7) / 8)
	return time.Duration(secondsPerStep * float64(steps) * float64(time.Second))
}

// ParamsByLayer returns a variant's trainable parameters per layer scope, and the total.
func ParamsByLayer(variant Variant) (map[string]int, int, error) {
	m, err := New(model.NewStore(), variant, 0)
	if err != nil {
		return nil, 0, err
	}
	byName := map[string]int{}
	for i, n := range m.LayerParams() {
		byName[variant.Layers()[i].Scope] = n
	}
	return byName, m.NumParams(), nil
}

// SweepTiming says how long a sweep took, its mean seconds per training step (batch 8), and
// what the full schedule would take at that speed.
func SweepTiming(results []*Result, elapsed time.Duration) string {
	var perStep float64
	for _, r := range results {
		perStep += r.SecondsPerStep / float64(len(results))
	}
	return fmt.Sprintf("whole sweep: %s; mean %.1f ms per training step (batch 8)\n"+
		"at that speed the full schedule (%d runs × 40 epochs × %s images) would take ≈ %s",
		elapsed.Round(time.Second), 1000*perStep, len(results), thousands(datasets.CourseTrainSize),
		toMinutes(FullScheduleEstimate(perStep, len(results))))
}

// toMinutes is an estimate to the minute, without the seconds it does not know: 2h14m.
func toMinutes(d time.Duration) string {
	return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
}

// BestRun is the run with the highest test accuracy that did not diverge (the first run when
// all diverged).
func BestRun(results []*Result) *Result {
	best := results[0]
	for _, r := range results {
		if !r.Diverged && (best.Diverged || r.TestAccuracy > best.TestAccuracy) {
			best = r
		}
	}
	return best
}

// thousands writes n with a comma every three digits, as the report does (12,630).
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// RunTimes says how long each run trained: epochs, wall time (training and validation) and
// time per training step.
func RunTimes(results []*Result) []string {
	var lines []string
	for _, r := range results {
		d := r.Time()
		lines = append(lines, fmt.Sprintf("%s η=%g: %d epochs in %s (%.0f s per epoch, %.1f ms per training step)",
			r.Model, r.LearningRate, len(r.History), d.Round(time.Second),
			d.Seconds()/float64(max(len(r.History), 1)), 1000*r.SecondsPerStep))
	}
	return lines
}

// ScheduleTime says how long the course's schedule took among results, by the records' own
// times: the sweep's runs, then batch norm at the rate BatchNormRunFor picks from them, as
// `dllessons cnn train --all` trains them one after another. ok is false when one is missing.
func ScheduleTime(results []*Result) (line string, ok bool) {
	byName := map[string]*Result{}
	for _, r := range results {
		byName[fmt.Sprintf("%s-lr%g", r.Model, r.LearningRate)] = r
	}
	var sweep []*Result
	for _, spec := range SweepRuns {
		r, found := byName[spec.Name()]
		if !found {
			return "", false
		}
		sweep = append(sweep, r)
	}
	bnSpec, _, err := BatchNormRunFor(sweep)
	bn, found := byName[bnSpec.Name()]
	if err != nil || !found {
		return "", false
	}
	var total time.Duration
	names := make([]string, 0, len(sweep)+1)
	for _, r := range append(sweep, bn) {
		total += r.Time()
		names = append(names, fmt.Sprintf("%s η=%g", r.Model, r.LearningRate))
	}
	// To the second: 1h38m41s, not a minute's rounding that hides most of one.
	return fmt.Sprintf("the course's schedule (%s, one after another): %s of training and evaluation",
		strings.Join(names, ", "), total.Round(time.Second)), true
}

// Time is how long the run's epochs took by its record: training and evaluation, without the
// data's loading and the graphs' compilation.
func (r *Result) Time() time.Duration {
	var seconds float64
	for _, e := range r.History {
		seconds += e.Seconds
	}
	return time.Duration(seconds * float64(time.Second))
}

// TryItTable lists the runs of lesson 3's try-it cell: last training loss and test accuracy. A
// diverged run is named as such and has no accuracy (its weights are not a model).
func TryItTable(budget SweepBudget, results []*Result) *lesson.Table {
	t := &lesson.Table{Title: "Try it: " + budget.String(), Headers: []string{"model", "learning rate", "last training loss", "test accuracy %"}}
	for _, r := range results {
		name, loss, test := r.Model, "—", fmt.Sprintf("%.1f", 100*r.TestAccuracy)
		if r.Diverged {
			name, test = name+" (diverged: "+r.DivergedAt+")", "—"
		}
		if len(r.History) > 0 {
			loss = fmt.Sprintf("%.4g", r.History[len(r.History)-1].TrainLoss)
		}
		t.AddRow(name, r.LearningRate, loss, test)
	}
	return t
}
