package cnn

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/gomlx/compute"

	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/models/runstore"
	"github.com/dllessons/dllessons/pkg/plots"
)

// Experiment is one CNN experiment as data: which runs (the plan), on how much data, for how
// long. `dllessons cnn train` fills it from its flags and lesson 3 from its budget; both call
// Run with it.
type Experiment struct {
	// Runs is the plan: each a variant and a learning rate.
	Runs []RunSpec
	// BatchNormAtBest then trains batch norm at the rate ChooseByValidation picks from Runs'
	// results, as the homework adds batch norm to its best configuration.
	BatchNormAtBest bool
	// Budget is the seeded subsets of the splits (0 keeps a split whole) and the epochs.
	Budget SweepBudget
	Seed   uint64
	// Checkpoints keeps a checkpoint of each run after every epoch in the store; Resume
	// continues from it (false: start over).
	Checkpoints, Resume bool
	// OnStep and OnEpoch, if set, are called during training (OnStep replaces the default
	// progress bar).
	OnStep  func(RunSpec, Progress)
	OnEpoch func(RunSpec, Epoch)
	// Log receives a line per epoch and per finished run; nil discards them.
	Log io.Writer
}

// CourseExperiment is the course's: the learning-rate sweep (SweepRuns), then batch norm at the
// rate chosen by validation, all images, 40 epochs of batch 8 (DefaultOptions), seed 42,
// checkpointed and resumed.
func CourseExperiment() Experiment {
	return Experiment{Runs: SweepRuns, BatchNormAtBest: true, Budget: SweepBudget{Epochs: DefaultOptions(Variant{}, 0).Epochs}, Seed: 42,
		Checkpoints: true, Resume: true}
}

// Run trains (or resumes) each run of exp on its budget's subset of data with live progress,
// and writes each result and its figures into store (and, for several runs, their curves
// together), where Records reads them.
func Run(backend compute.Backend, data *datasets.Images, exp Experiment, store runstore.CNN) ([]*Result, error) {
	if err := os.MkdirAll(store.Dir, 0o755); err != nil {
		return nil, err
	}
	if !exp.Resume { // what Records reads afterwards was computed now
		for _, run := range exp.Runs {
			if err := errors.Join(os.RemoveAll(store.Checkpoints(run.Name())), removeIfExists(store.Record(run.Name()))); err != nil {
				return nil, err
			}
		}
	}
	sub := exp.Budget.Apply(data, exp.Seed)
	var results []*Result
	for _, run := range exp.Runs {
		res, err := exp.runOne(backend, sub, run, store)
		if err != nil {
			return nil, err
		}
		results = append(results, res)
	}
	if exp.BatchNormAtBest {
		bnRun, why, err := BatchNormRunFor(results)
		if err != nil {
			return nil, err
		}
		exp.logf("%s\n", why)
		if !slices.ContainsFunc(exp.Runs, func(r RunSpec) bool { return r.Name() == bnRun.Name() }) {
			res, err := exp.runOne(backend, sub, bnRun, store)
			if err != nil {
				return nil, err
			}
			results = append(results, res)
		}
	}
	if len(results) > 1 {
		return results, exp.saveCurves(results, store, runstore.SweepName)
	}
	return results, nil
}

// Apply keeps a seeded subset of each split the budget limits (the others stay whole, in order).
func (b SweepBudget) Apply(data *datasets.Images, seed uint64) *datasets.Images {
	out := *data
	if b.TrainImages > 0 {
		out.Train = data.Train.Subset(b.TrainImages, seed)
	}
	if b.ValImages > 0 {
		out.Val = data.Val.Subset(b.ValImages, seed+1)
	}
	if b.TestImages > 0 {
		out.Test = data.Test.Subset(b.TestImages, seed+2)
	}
	return &out
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// runOne trains one run and writes its record and figures.
func (exp Experiment) runOne(backend compute.Backend, data *datasets.Images, run RunSpec, store runstore.CNN) (*Result, error) {
	name := run.Name()
	opts := DefaultOptions(run.Variant, run.LearningRate)
	opts.Epochs, opts.Seed = exp.Budget.Epochs, exp.Seed
	if exp.Checkpoints {
		opts.CheckpointDir = store.Checkpoints(name)
	}
	opts.OnStep = ProgressReporter(name)
	if exp.OnStep != nil {
		opts.OnStep = func(p Progress) { exp.OnStep(run, p) }
	}
	opts.OnEpoch = func(e Epoch) {
		test := "not scored"
		if acc, ok := e.Test(); ok {
			test = fmt.Sprintf("%.2f%%", 100*acc)
		}
		exp.logf("%s epoch %2d: train loss %.4f, val acc %.2f%%, test acc %s (%.1fs)\n", name, e.Epoch, e.TrainLoss, 100*e.ValAccuracy, test, e.Seconds)
		if exp.OnEpoch != nil {
			exp.OnEpoch(run, e)
		}
	}
	start := time.Now()
	res, err := Train(backend, data, opts)
	if err != nil {
		return nil, err
	}
	exp.logf("%-14s %s after the last epoch; %s; %d params, %.1f ms/step, %s in total\n", name, res.TestSummary(),
		res.BestEpochSummary(), res.Params, 1000*res.SecondsPerStep, time.Since(start).Round(time.Second))
	path := store.Record(name)
	if err := lesson.WriteJSON(path, res); err != nil {
		return nil, err
	}
	if !res.Diverged {
		cm, err := plots.ConfusionFigure(fmt.Sprintf("Test confusion, %s (%.1f%%)", name, 100*res.TestAccuracy), res.Classes, res.Confusion)
		if err != nil {
			return nil, err
		}
		if err := cm.Save(store.Confusion(name)); err != nil {
			return nil, err
		}
	}
	return res, exp.saveCurves([]*Result{res}, store, name)
}

// saveCurves writes the training-loss and validation-accuracy figures of results under name.
func (exp Experiment) saveCurves(results []*Result, store runstore.CNN, name string) error {
	loss, acc, err := SweepPlots(results)
	if err != nil {
		return err
	}
	lossPath, accPath := store.Curves(name)
	if err := plots.Save(loss, lossPath); err != nil {
		return err
	}
	if err := plots.Save(acc, accPath); err != nil {
		return err
	}
	return nil
}

func (exp Experiment) logf(format string, args ...any) {
	if exp.Log != nil {
		fmt.Fprintf(exp.Log, format, args...)
	}
}

// Records reads what Run wrote into a store.
type Records struct{ Store runstore.CNN }

// NewRecords is the records in folder dir (a notebook's run folder).
func NewRecords(dir string) Records { return Records{Store: runstore.CNN{Dir: dir}} }

// Results reads the results of runs, in their order; a missing one is an error.
func (r Records) Results(runs []RunSpec) ([]*Result, error) {
	var results []*Result
	for _, run := range runs {
		res := &Result{}
		if err := lesson.ReadJSON(r.Store.Record(run.Name()), res); err != nil {
			return nil, fmt.Errorf("results of %s: %w (run the training first)", run.Name(), err)
		}
		results = append(results, res)
	}
	return results, nil
}

// Finished reads the results of those of the lesson's runs (every rate with and without batch
// norm) that are present, in LessonRuns order.
func (r Records) Finished() ([]*Result, error) {
	var runs []RunSpec
	for _, run := range LessonRuns {
		if _, err := os.Stat(r.Store.Record(run.Name())); err == nil {
			runs = append(runs, run)
		}
	}
	return r.Results(runs)
}
