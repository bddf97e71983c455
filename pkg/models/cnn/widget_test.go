package cnn

import (
	"strings"
	"testing"
)

func TestRunFiguresPicksTheSelectedRun(t *testing.T) {
	if got := strings.Join(RateChoices(CourseRuns), " "); got != "0.001 0.01 0.1" {
		t.Errorf("rate choices %q", got)
	}
	run := func(model string, lr, acc float64) *Result {
		return &Result{Model: model, LearningRate: lr, TestAccuracy: acc, Classes: []string{"a", "b"},
			Confusion: [][]int{{3, 1}, {0, 4}}, History: []Epoch{{Epoch: 1, TrainLoss: 1, ValAccuracy: 0.5}, {Epoch: 2, TrainLoss: 0.5, ValAccuracy: 0.7}}}
	}
	results := []*Result{run("cnn", 0.01, 0.8), run("cnn-bn", 0.01, 0.875)}
	figs, err := RunFigures(results, "0.01", WithBatchNorm)
	if err != nil || len(figs) != 3 {
		t.Fatalf("%d figures, %v", len(figs), err)
	}
	if !strings.Contains(figs[2].Name, "cnn-bn η=0.01 (87.5%)") {
		t.Errorf("confusion figure of the wrong run: %q", figs[2].Name)
	}
	if _, err := RunFigures(results, "0.1", WithBatchNorm); err == nil || !strings.Contains(err.Error(), "trained no cnn-bn run at η = 0.1") {
		t.Errorf("missing run: %v", err)
	}
}

func TestCurveFiguresDrawEveryRun(t *testing.T) {
	run := func(model string, lr float64) *Result {
		return &Result{Model: model, LearningRate: lr, History: []Epoch{{Epoch: 1, TrainLoss: 1, ValAccuracy: 0.5}, {Epoch: 2, TrainLoss: 0.5, ValAccuracy: 0.7}}}
	}
	figs, err := CurveFigures([]*Result{run("cnn", 0.1), run("cnn-bn", 0.001)})
	if err != nil || len(figs) != 2 {
		t.Fatalf("%d figures, %v", len(figs), err)
	}
	for i, title := range []string{"Training loss", "Validation accuracy"} {
		svg := string(figs[i].SVG)
		if !strings.HasPrefix(figs[i].Name, title) || !strings.Contains(svg, "cnn η=0.1") || !strings.Contains(svg, "cnn-bn η=0.001") {
			t.Errorf("figure %d %q: missing its title or a run's legend", i, figs[i].Name)
		}
	}
}
