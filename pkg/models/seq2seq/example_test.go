package seq2seq_test

import (
	"fmt"
	"math"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/models/seq2seq"
)

// The nucleus of p = 0.5: the likeliest characters until their probabilities reach p,
// renormalised.
func ExampleNucleusSet() {
	probs := []float64{0.05, 0.4, 0.3, 0.15, 0.1}
	logProbs := make([]float32, len(probs))
	for i, p := range probs {
		logProbs[i] = float32(math.Log(p))
	}
	ids, renormalised := seq2seq.NucleusSet(logProbs, 0.5)
	fmt.Printf("%v %.3f\n", ids, renormalised)
	// Output: [1 2] [0.571 0.429]
}

// RunLesson is lesson 4's pipeline: both models (from the command's checkpoints when present),
// every decoding of the test words, the nucleus sweep and the attention heat-maps, stored in a
// folder that LessonRecords reads back.
func ExampleRunLesson() {
	data, err := datasets.LoadP2G("")
	if err != nil {
		fmt.Println(err)
		return
	}
	budget := seq2seq.LessonBudget{Epochs: 1, MaxSteps: 10, UseCheckpoint: true, TopP: seq2seq.DefaultTopP,
		K: 3, BeamWidth: 5, Seed: 42, SamplingRuns: 2, TopPs: []float64{0.5, 0.9}}
	run := seq2seq.LessonRecords{Dir: lesson.Must(lesson.RunDir("04-seq2seq"))}
	if _, err := seq2seq.RunLesson(backend.MustDefault(), data, budget, run); err != nil {
		fmt.Println(err)
		return
	}
	greedy := lesson.Must(run.Result(seq2seq.Attention, seq2seq.Greedy))
	fmt.Printf("attention, greedy: CER %.4f\n", greedy.TestCER)
}
