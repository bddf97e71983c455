package cnn

import (
	"errors"
	"fmt"
)

// SweepRuns is the homework's learning-rate sweep without batch norm (Question 2.1); the
// batch-norm run (2.2) uses the rate ChooseByValidation picks from it.
var SweepRuns = []RunSpec{
	{Variant: Variant{false}, LearningRate: 0.001},
	{Variant: Variant{false}, LearningRate: 0.01},
	{Variant: Variant{false}, LearningRate: 0.1},
}

// FinalValAccuracy is the validation accuracy after the last epoch (false: no epoch finished).
func (r *Result) FinalValAccuracy() (float64, bool) {
	if len(r.History) == 0 {
		return 0, false
	}
	return r.History[len(r.History)-1].ValAccuracy, true
}

// BestEpoch is the epoch with the highest validation accuracy (the earliest on a tie), the one
// early stopping would keep; false when no epoch finished.
func (r *Result) BestEpoch() (Epoch, bool) {
	if len(r.History) == 0 {
		return Epoch{}, false
	}
	best := r.History[0]
	for _, e := range r.History[1:] {
		if e.ValAccuracy > best.ValAccuracy {
			best = e
		}
	}
	return best, true
}

// Test returns the test accuracy recorded after this epoch; false when it was not recorded.
func (e Epoch) Test() (float64, bool) {
	if e.TestAccuracy == nil {
		return 0, false
	}
	return *e.TestAccuracy, true
}

// ErrNoCandidate: every run of a sweep diverged or finished no epoch, so none can be chosen.
var ErrNoCandidate = errors.New("no run finished an epoch without diverging")

// ChooseByValidation is the homework's rule for "the best configuration": the run with the
// highest validation accuracy after its last epoch, among runs that did not diverge (the
// earliest on a tie).
func ChooseByValidation(results []*Result) (*Result, error) {
	var best *Result
	bestVal := 0.0
	for _, r := range results {
		val, ok := r.FinalValAccuracy()
		if r.Diverged || !ok {
			continue
		}
		if best == nil || val > bestVal {
			best, bestVal = r, val
		}
	}
	if best == nil {
		return nil, ErrNoCandidate
	}
	return best, nil
}

// BatchNormRunFor is the batch-norm run at the learning rate ChooseByValidation picks from the
// sweep's results, and a line saying why.
func BatchNormRunFor(sweep []*Result) (RunSpec, string, error) {
	chosen, err := ChooseByValidation(sweep)
	if err != nil {
		return RunSpec{}, "", fmt.Errorf("cannot choose the batch-norm run's learning rate: %w", err)
	}
	val, _ := chosen.FinalValAccuracy()
	why := fmt.Sprintf("η = %g has the highest final validation accuracy (%.2f%%) of the sweep: batch norm is trained at η = %g",
		chosen.LearningRate, 100*val, chosen.LearningRate)
	return RunSpec{Variant: Variant{BatchNorm: true}, LearningRate: chosen.LearningRate}, why, nil
}

// BestEpochSummary is e.g. "best epoch by validation: 38 of 40 (val 97.08%, test 96.90%)";
// the test accuracy is named "not recorded" for records written before it was.
func (r *Result) BestEpochSummary() string {
	best, ok := r.BestEpoch()
	if !ok {
		return "best epoch by validation: none (no epoch finished)"
	}
	test := "test not recorded"
	if acc, ok := best.Test(); ok {
		test = fmt.Sprintf("test %.2f%%", 100*acc)
	}
	return fmt.Sprintf("best epoch by validation: %d of %d (val %.2f%%, %s)", best.Epoch, len(r.History), 100*best.ValAccuracy, test)
}

// HomeworkChoice is the line saying at which rate the homework's rule trains batch norm, chosen
// among the runs of results without batch norm (or why no rate can be chosen).
func HomeworkChoice(results []*Result) string {
	plain, _ := splitByBatchNorm(results)
	_, why, err := BatchNormRunFor(plain)
	if err != nil {
		return err.Error()
	}
	return "The homework's choice: " + why
}
