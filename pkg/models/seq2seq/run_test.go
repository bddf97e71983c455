package seq2seq

import (
	"math"
	"strings"
	"testing"

	"github.com/dllessons/dllessons/pkg/backend"
)

// TestRunWritesEveryResult runs the pipeline on a tiny data set with a tiny budget and renders
// the lesson's tables from what it wrote.
func TestRunWritesEveryResult(t *testing.T) {
	data := tinyP2G(t)
	run := NewRecords(t.TempDir(), data.Kind)
	exp := Experiment{Variants: Variants, Epochs: 1, MaxSteps: 2, Nucleus: Decoding{TopP: 0.8, K: 3, Runs: 3}, BeamWidth: 2,
		Seed: 1, TopPs: []float64{0.5, 0.9}, Command: "test"}
	outcomes, err := Run(backend.MustDefault(), data, exp, run.Store)
	if err != nil {
		t.Fatal(err)
	}
	if len(outcomes) != 2 || !strings.Contains(outcomes[0].Origin, "trained here") || len(outcomes[1].Results) != 3 {
		t.Errorf("outcomes %+v", outcomes)
	}
	var results []*Result
	for _, m := range Variants {
		for _, d := range DecodingKinds {
			r, err := run.Result(m, d)
			if err != nil {
				t.Fatal(err)
			}
			if r.Model != m || r.Decoding != d || len(r.History) != 1 || len(r.Examples) != data.Test.Len() {
				t.Errorf("%s/%s: got model %q decoding %q, %d epochs, %d examples", m, d, r.Model, r.Decoding, len(r.History), len(r.Examples))
			}
			if (d == Nucleus) != (r.TestWERAtK != nil) || (d == Nucleus) != (len(r.SamplingRuns) == 3) {
				t.Errorf("%s/%s: WER@k present = %v, %d sampling runs", m, d, r.TestWERAtK != nil, len(r.SamplingRuns))
			}
			results = append(results, r)
		}
	}
	table := ComparisonTable("t", results...).String()
	if !strings.Contains(table, "0.3087") || !strings.Contains(table, "0.651") {
		t.Errorf("the comparison table lacks the report's values:\n%s", table)
	}
	if s := ExamplesTable("t", results[1], 3).String(); !strings.Contains(s, "cat") {
		t.Errorf("examples table:\n%s", s)
	}
	if s := DecodingsTable("t", results...).String(); !strings.Contains(s, "beam width 2") || !strings.Contains(s, "mean of 3 runs") {
		t.Errorf("decodings table:\n%s", s)
	}
	sweep, err := run.NucleusSweep()
	if err != nil || len(sweep.Points) != 2 || sweep.Model != "attention" {
		t.Errorf("validation sweep: %+v, %v", sweep, err)
	} else if s := sweep.Table("t").String(); !strings.Contains(s, "lowest WER@k") || !strings.Contains(s, "0.9") {
		t.Errorf("sweep table:\n%s", s)
	}
	if fig, err := run.Heatmaps(); err != nil || !strings.Contains(string(fig.SVG), "<path") || len(fig.PNG) == 0 {
		t.Errorf("attention heat-maps: %v", err)
	}
}

func TestTrainingTimes(t *testing.T) {
	records := []*Result{
		{Model: "vanilla", Decoding: "greedy", Epochs: 20, Seconds: 130, DecodeSeconds: 10, Backend: "Go Backend"},
		{Model: "vanilla", Decoding: "beam", Epochs: 20, Seconds: 140, DecodeSeconds: 20},
	}
	got := TrainingTimes(records)
	if want := "vanilla: 20 epochs, 120 s of training on Go Backend (6.0 s per epoch)"; len(got) != 1 || got[0] != want {
		t.Errorf("TrainingTimes = %q, want [%q]", got, want)
	}
}

// TestNucleusScoresShowTheirSpread: averaged sampling runs appear as mean ± standard deviation,
// compared with the report by their mean; a single run shows a plain number.
func TestNucleusScoresShowTheirSpread(t *testing.T) {
	atK := 0.65
	r := &Result{Model: "attention", Decoding: "nucleus", TopP: 0.8, K: 3, TestCER: 0.23, TestWER: 0.75, TestWERAtK: &atK,
		SamplingRuns: []SamplingRun{{CER: 0.23, WER: 0.70, WERAtK: 0.65}, {CER: 0.23, WER: 0.80, WERAtK: 0.65}}}
	if cer, wer, _ := r.SamplingSpread(); cer != 0 || math.Abs(wer-0.0707107) > 1e-6 {
		t.Errorf("spread: CER %g, WER %g", cer, wer)
	}
	table := ComparisonTable("t", r).String()
	for _, want := range []string{"mean of 2 runs", "0.7500 ± 0.0707", "+0.0100", "0.2300 "} {
		if !strings.Contains(table, want) {
			t.Errorf("comparison table lacks %q:\n%s", want, table)
		}
	}
	r.SamplingRuns = r.SamplingRuns[:1]
	if s := DecodingsTable("t", r).String(); strings.Contains(s, "±") || strings.Contains(s, "mean of") {
		t.Errorf("one run shown with a spread:\n%s", s)
	}
}

// TestTryItTableDecodesTheChosenWords: one row per chosen word with its gold spelling and
// three decodings; a word beyond the split is a clear error.
func TestTryItTableDecodesTheChosenWords(t *testing.T) {
	data := tinyP2G(t)
	exp := Experiment{Epochs: 1, MaxSteps: 2, Seed: 3}
	p, err := Prepare(backend.MustDefault(), data, exp, NewRecords(t.TempDir(), data.Kind).Store, Attention)
	if err != nil {
		t.Fatal(err)
	}
	table, err := p.TryItTable(data, TryIt{Words: []int{3, 0}, TopP: 0.8, K: 2, BeamWidth: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := table.String()
	if !strings.Contains(s, "b ɝ d") || !strings.Contains(s, "bird") || strings.Index(s, "bird") > strings.Index(s, "cat") {
		t.Errorf("try-it table lacks the chosen words in order:\n%s", s)
	}
	if _, err := p.TryItTable(data, TryIt{Words: []int{99}, TopP: 0.8, K: 2, BeamWidth: 2}); err == nil || !strings.Contains(err.Error(), "test word 99") {
		t.Errorf("word 99: error %v", err)
	}
}
