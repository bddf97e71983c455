package cnn

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/dllessons/dllessons/pkg/lesson"
)

// LessonRuns is lesson 3's sweep: every learning rate of the homework's sweep without batch
// norm and with it, so that "batch norm makes the network less sensitive to the step size"
// is measured, not assumed. The homework's own four runs are among them.
var LessonRuns = func() []RunSpec {
	runs := slices.Clone(SweepRuns)
	for _, s := range SweepRuns {
		runs = append(runs, RunSpec{Variant: Variant{BatchNorm: true}, LearningRate: s.LearningRate})
	}
	return runs
}()

// label is e.g. "cnn-bn η=0.1".
func label(r *Result) string { return fmt.Sprintf("%s η=%g", r.Model, r.LearningRate) }

// Findings states in sentences what the runs show: the learning rate the homework's rule
// picks, whether batch norm helped at that rate, whether it made the network less sensitive
// to the rate, and the most-confused pair of classes. Every number is taken from the results;
// a comparison that the runs cannot make is named as such.
func Findings(results []*Result) []string {
	plain, _ := splitByBatchNorm(results)
	var lines []string
	if chosen, err := ChooseByValidation(plain); err != nil {
		lines = append(lines, "Without batch norm no run finished an epoch without diverging, so no learning rate can be chosen.")
	} else {
		lines = append(lines, bestRateFinding(chosen, plain))
	}
	lines = append(lines, BatchNormFindings(results)...)
	if best, err := ChooseByValidation(results); err == nil {
		lines = append(lines, confusionFinding(best))
	}
	return lines
}

// BatchNormFindings are the two findings about batch norm: whether it helped at the rate the
// homework's rule picks, and whether it made the network less sensitive to the rate.
func BatchNormFindings(results []*Result) []string {
	plain, bn := splitByBatchNorm(results)
	var lines []string
	if chosen, err := ChooseByValidation(plain); err == nil {
		lines = append(lines, batchNormFinding(chosen, bn))
	}
	return append(lines, sensitivityFinding(plain, bn))
}

func splitByBatchNorm(results []*Result) (plain, bn []*Result) {
	for _, r := range results {
		if r.Model == (Variant{BatchNorm: true}).Name() {
			bn = append(bn, r)
		} else {
			plain = append(plain, r)
		}
	}
	return plain, bn
}

// bestRateFinding: which η the homework's rule (final validation accuracy) picks, beside the others.
func bestRateFinding(chosen *Result, plain []*Result) string {
	val, _ := chosen.FinalValAccuracy()
	if len(plain) == 1 {
		return fmt.Sprintf("Without batch norm only η = %g is recorded (final validation accuracy %.1f%%), so no learning rate is chosen among several.",
			chosen.LearningRate, 100*val)
	}
	var others []string
	for _, r := range plain {
		if r == chosen {
			continue
		}
		if v, ok := r.FinalValAccuracy(); ok && !r.Diverged {
			others = append(others, fmt.Sprintf("η = %g: %.1f%%", r.LearningRate, 100*v))
		} else {
			others = append(others, fmt.Sprintf("η = %g: diverged", r.LearningRate))
		}
	}
	s := fmt.Sprintf("Best learning rate without batch norm: η = %g, with the highest final validation accuracy (%.1f%%", chosen.LearningRate, 100*val)
	if len(others) > 0 {
		s += "; " + strings.Join(others, ", ")
	}
	return s + "), so the homework's rule adds batch norm at η = " + fmt.Sprint(chosen.LearningRate) + "."
}

// noiseMargin is two standard errors of the difference of two test accuracies measured on
// independent samples of n1 and n2 images: differences smaller than it are within the noise
// of which images happen to be in the test split.
func noiseMargin(p1 float64, n1 int, p2 float64, n2 int) float64 {
	return 2 * math.Sqrt(p1*(1-p1)/float64(max(n1, 1))+p2*(1-p2)/float64(max(n2, 1)))
}

// testSize is the number of test images a result was scored on.
func testSize(r *Result) int {
	if r.Splits[2] > 0 {
		return r.Splits[2]
	}
	n := 0
	for _, row := range r.Confusion {
		for _, c := range row {
			n += c
		}
	}
	return n
}

// batchNormFinding compares batch norm with the plain network at the chosen rate, on test
// accuracy after the last epoch (the report's comparison), with the sampling noise.
func batchNormFinding(chosen *Result, bn []*Result) string {
	var with *Result
	for _, r := range bn {
		if r.LearningRate == chosen.LearningRate {
			with = r
		}
	}
	switch {
	case with == nil:
		return fmt.Sprintf("Batch norm has no run at η = %g here, so whether it helps at the chosen rate is not measured.", chosen.LearningRate)
	case with.Diverged:
		return fmt.Sprintf("Batch norm did not help at η = %g: its run diverged (%s).", chosen.LearningRate, with.DivergedAt)
	}
	p, q := chosen.TestAccuracy, with.TestAccuracy
	diff, margin := 100*(q-p), 100*noiseMargin(p, testSize(chosen), q, testSize(with))
	d := decimals(diff)
	s := fmt.Sprintf("Batch norm at η = %g: test accuracy after the last epoch %.*f%% → %.*f%% (%+.*f points); ", chosen.LearningRate,
		d, 100*p, d, 100*q, d, diff)
	switch {
	case math.Abs(diff) < margin:
		s += fmt.Sprintf("no clear difference: that is within the ±%.1f points of test-set sampling noise (two standard errors).", margin)
	case diff > 0:
		s += fmt.Sprintf("batch norm helped, by more than the ±%.1f points of test-set sampling noise (two standard errors).", margin)
	default:
		s += fmt.Sprintf("batch norm hurt, by more than the ±%.1f points of test-set sampling noise (two standard errors).", margin)
	}
	plainBest, ok1 := chosen.BestEpoch()
	bnBest, ok2 := with.BestEpoch()
	pt, ok3 := plainBest.Test()
	bt, ok4 := bnBest.Test()
	if ok1 && ok2 && ok3 && ok4 {
		s += fmt.Sprintf(" At the best epoch by validation: %.1f%% → %.1f%%.", 100*pt, 100*bt)
	}
	return s
}

// spread is how much final validation accuracy varies over a network's learning rates: the
// span (max − min, in points) over the runs that finished, and the rates that diverged.
type spread struct {
	span, lo, hi float64 // lo, hi: lowest and highest final validation accuracy (fractions)
	rates        []float64
	diverged     []float64
	valImages    int     // validation images the accuracies were measured on
	chance       float64 // 1 / classes; 0 when the classes are not recorded
}

func spreadOf(runs []*Result, rates []float64) spread {
	var s spread
	s.lo, s.hi = math.Inf(1), math.Inf(-1)
	for _, r := range runs {
		if !slices.Contains(rates, r.LearningRate) {
			continue
		}
		if len(r.Classes) > 0 {
			s.chance = 1 / float64(len(r.Classes))
		}
		s.valImages = max(s.valImages, r.Splits[1])
		v, ok := r.FinalValAccuracy()
		if r.Diverged || !ok {
			s.diverged = append(s.diverged, r.LearningRate)
			continue
		}
		s.rates = append(s.rates, r.LearningRate)
		s.lo, s.hi = min(s.lo, v), max(s.hi, v)
	}
	if len(s.rates) > 0 {
		s.span = 100 * (s.hi - s.lo)
	}
	return s
}

// nearChance: no rate took the network clearly above chance (two standard errors of a
// validation accuracy at chance level), so how its accuracy varies with η says nothing.
func (s spread) nearChance() bool {
	if s.chance == 0 || s.valImages == 0 || len(s.rates) == 0 {
		return false
	}
	return s.hi-s.chance < 2*math.Sqrt(s.chance*(1-s.chance)/float64(s.valImages))
}

// spanNoise is two standard errors (in points) of the difference of two spans, each the
// difference of two validation accuracies.
func spanNoise(a, b spread) float64 {
	n := float64(max(a.valImages, b.valImages, 1))
	var variance float64
	for _, p := range []float64{a.lo, a.hi, b.lo, b.hi} {
		variance += p * (1 - p) / n
	}
	return 200 * math.Sqrt(variance)
}

func (s spread) String() string {
	out := fmt.Sprintf("%.1f points", s.span)
	if len(s.diverged) > 0 {
		out += fmt.Sprintf(" (and diverged at η = %v)", joinRates(s.diverged))
	}
	return out
}

func joinRates(rates []float64) string {
	var parts []string
	for _, r := range rates {
		parts = append(parts, fmt.Sprint(r))
	}
	return strings.Join(parts, ", ")
}

// sensitivityFinding compares, over the learning rates both networks were trained at, how much
// the final validation accuracy depends on η with and without batch norm.
func sensitivityFinding(plain, bn []*Result) string {
	var shared []float64
	for _, p := range plain {
		for _, b := range bn {
			if p.LearningRate == b.LearningRate && !slices.Contains(shared, p.LearningRate) {
				shared = append(shared, p.LearningRate)
			}
		}
	}
	if len(shared) < 2 {
		return "Batch norm was not trained at two or more of the same learning rates as the plain network, so whether it makes the network less sensitive to the step size is not measured here."
	}
	slices.Sort(shared)
	without, with := spreadOf(plain, shared), spreadOf(bn, shared)
	var verdict string
	switch {
	case without.nearChance() || with.nearChance():
		which := "without"
		if with.nearChance() {
			which = "with"
		}
		verdict = fmt.Sprintf("the network %s batch norm stayed within the noise of chance (%.1f%%) at every rate, so its spread says nothing about sensitivity to the step size",
			which, 100*max(with.chance, without.chance))
	case len(with.diverged) != len(without.diverged):
		verdict = "batch norm made the network less sensitive to the step size (it diverged at fewer rates)"
		if len(with.diverged) > len(without.diverged) {
			verdict = "batch norm did not make the network less sensitive to the step size (it diverged at more rates)"
		}
	case math.Abs(with.span-without.span) < spanNoise(without, with):
		verdict = fmt.Sprintf("no clear difference in sensitivity to the step size: the spans differ by less than the ±%.1f points of validation-set sampling noise",
			spanNoise(without, with))
	case with.span < without.span:
		verdict = "batch norm made the network less sensitive to the step size"
	default:
		verdict = "batch norm made the network more sensitive to the step size"
	}
	return fmt.Sprintf("Over η = %s, final validation accuracy spans %s without batch norm and %s with it: on this data %s.",
		joinRates(shared), without, with, verdict)
}

// confusionFinding names the pair of classes the run confuses most (both directions counted).
func confusionFinding(r *Result) string {
	m := r.Confusion
	if len(m) == 0 || len(r.Classes) != len(m) {
		return fmt.Sprintf("%s has no test confusion matrix recorded.", label(r))
	}
	errorsTotal, bi, bj := 0, 0, 1
	for i := range m {
		for j := range m[i] {
			if i == j {
				continue
			}
			errorsTotal += m[i][j]
			if i < j && m[i][j]+m[j][i] > m[bi][bj]+m[bj][bi] {
				bi, bj = i, j
			}
		}
	}
	if errorsTotal == 0 {
		return fmt.Sprintf("%s classifies every test image correctly.", label(r))
	}
	if m[bj][bi] > m[bi][bj] { // name the larger direction first
		bi, bj = bj, bi
	}
	pair := m[bi][bj] + m[bj][bi]
	return fmt.Sprintf("Most-confused pair for %s (the highest final validation accuracy): %s and %s, %d of its %d test errors (%.0f%%): "+
		"%s taken for %s %d times, %s for %s %d times.", label(r), r.Classes[bi], r.Classes[bj], pair, errorsTotal,
		100*float64(pair)/float64(errorsTotal), r.Classes[bi], r.Classes[bj], m[bi][bj], r.Classes[bj], r.Classes[bi], m[bj][bi])
}

// Full reads the records of the lesson's runs that `dllessons cnn train` has finished in this
// store (in LessonRuns order) and names the homework's runs (the sweep, then batch norm at the
// rate chosen from it) not recorded yet.
func (r Records) Full() (records []*Result, missing []string, err error) {
	if records, err = r.Finished(); err != nil {
		return nil, nil, err
	}
	recorded := func(s RunSpec) bool {
		_, err := os.Stat(r.Store.Record(s.Name()))
		return err == nil
	}
	var sweep []*Result
	for _, s := range SweepRuns {
		if !recorded(s) {
			missing = append(missing, fmt.Sprintf("%s η=%g", s.Variant.Name(), s.LearningRate))
			continue
		}
		for _, r := range records {
			if r.Model == s.Variant.Name() && r.LearningRate == s.LearningRate {
				sweep = append(sweep, r)
			}
		}
	}
	if len(missing) > 0 {
		return records, append(missing, "cnn-bn at the η chosen from the sweep (needs the whole sweep)"), nil
	}
	bnRun, _, err := BatchNormRunFor(sweep)
	if err != nil {
		return records, append(missing, "cnn-bn: "+err.Error()), nil
	}
	if !recorded(bnRun) {
		missing = append(missing, fmt.Sprintf("cnn-bn η=%g (the rate chosen from the sweep)", bnRun.LearningRate))
	}
	return records, missing, nil
}

// BatchNormTable sets each learning rate's run without batch norm beside the one with it:
// final validation accuracy and test accuracy after the last epoch, and their differences.
// Rates with only one of the two networks are listed with "—" for the other.
func BatchNormTable(title string, results []*Result) *lesson.Table {
	t := &lesson.Table{Title: title, Headers: []string{"η", "val % without BN", "val % with BN", "Δ val",
		"test % without BN", "test % with BN", "Δ test"}}
	var rates []float64
	for _, r := range results {
		if !slices.Contains(rates, r.LearningRate) {
			rates = append(rates, r.LearningRate)
		}
	}
	slices.Sort(rates)
	find := func(bn bool, lr float64) *Result {
		for _, r := range results {
			if r.LearningRate == lr && r.Model == (Variant{BatchNorm: bn}).Name() {
				return r
			}
		}
		return nil
	}
	for _, lr := range rates {
		without, with := find(false, lr), find(true, lr)
		valA, valOK1 := finalVal(without)
		valB, valOK2 := finalVal(with)
		testA, testOK1 := finalTest(without)
		testB, testOK2 := finalTest(with)
		t.AddRow(lr, pct(valA, valOK1), pct(valB, valOK2), diffPoints(valA, valB, valOK1 && valOK2),
			pct(testA, testOK1), pct(testB, testOK2), diffPoints(testA, testB, testOK1 && testOK2))
	}
	return t
}

// finalVal is a run's validation accuracy after its last epoch; false for no run or a diverged one.
func finalVal(r *Result) (float64, bool) {
	if r == nil || r.Diverged {
		return 0, false
	}
	return r.FinalValAccuracy()
}

// finalTest is a run's test accuracy after its last epoch; false for no run or a diverged one.
func finalTest(r *Result) (float64, bool) {
	if r == nil || r.Diverged {
		return 0, false
	}
	return r.TestAccuracy, true
}

func pct(v float64, ok bool) string {
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%.2f", 100*v)
}

func diffPoints(a, b float64, ok bool) string {
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%+.2f", 100*(b-a))
}

// decimals is how many decimals show a difference of diff points without rounding it to a
// signless "-0.0": one, or two for differences under 0.05 points (a test set of 3,000 images
// moves in steps of 0.033).
func decimals(diff float64) int {
	if diff != 0 && math.Abs(diff) < 0.05 {
		return 2
	}
	return 1
}
