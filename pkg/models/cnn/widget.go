package cnn

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/dllessons/dllessons/pkg/plots"
	"github.com/dllessons/dllessons/pkg/widgets"
)

// LiveCurves is an Experiment.OnEpoch that draws the runs' training curves in the notebook as
// they train (the same two figures as SweepPlots).
func LiveCurves() func(RunSpec, Epoch) {
	curves := widgets.NewCurves("epoch", widgets.Metric{Title: "Training loss (mean over each epoch)", Axis: "NLL loss"},
		widgets.Metric{Title: "Validation accuracy", Axis: "accuracy %"})
	return func(run RunSpec, e Epoch) {
		label := fmt.Sprintf("%s η=%g", run.Variant.Name(), run.LearningRate)
		curves.Recorder(label)(float64(e.Epoch), e.TrainLoss, 100*e.ValAccuracy)
	}
}

// Batch-norm choices of the lesson's run selector.
const (
	WithoutBatchNorm = "without"
	WithBatchNorm    = "with"
)

// RateChoices are the distinct learning rates of runs, as the run selector lists them.
func RateChoices(runs []RunSpec) []string {
	var rates []string
	for _, r := range runs {
		if s := strconv.FormatFloat(r.LearningRate, 'g', -1, 64); !slices.Contains(rates, s) {
			rates = append(rates, s)
		}
	}
	return rates
}

// RunFigures are the figures of the run trained at rate (as RateChoices writes it), with or
// without batch norm: its training loss, its validation accuracy per epoch and its test
// confusion matrix. A combination the sweep did not train is an error that says so.
func RunFigures(results []*Result, rate, batchNorm string) ([]*plots.Figure, error) {
	model := Variant{BatchNorm: batchNorm == WithBatchNorm}.Name()
	for _, r := range results {
		if r.Model != model || strconv.FormatFloat(r.LearningRate, 'g', -1, 64) != rate {
			continue
		}
		curves, err := CurveFigures([]*Result{r})
		if err != nil {
			return nil, err
		}
		confusion, err := plots.ConfusionFigure(fmt.Sprintf("Test confusion matrix, %s η=%s (%.1f%%)", model, rate, 100*r.TestAccuracy), r.Classes, r.Confusion)
		if err != nil {
			return nil, err
		}
		return append(curves, confusion), nil
	}
	return nil, fmt.Errorf("this notebook's sweep trained no %s run at η = %s: pick another combination", model, rate)
}

// CurveFigures are SweepPlots' two plots (training loss, validation accuracy per epoch) of
// results together, as figures a notebook shows.
func CurveFigures(results []*Result) ([]*plots.Figure, error) {
	loss, acc, err := SweepPlots(results)
	if err != nil {
		return nil, err
	}
	lossFig, err := plots.PlotFigure(loss)
	if err != nil {
		return nil, err
	}
	accFig, err := plots.PlotFigure(acc)
	if err != nil {
		return nil, err
	}
	return []*plots.Figure{lossFig, accFig}, nil
}
