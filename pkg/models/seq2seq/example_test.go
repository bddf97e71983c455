package seq2seq_test

import (
	"fmt"
	"math"
	"path/filepath"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/models/runstore"
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

// Run is the one pipeline of the command and lesson 4: both models (loaded from the
// command's exported models when present, else trained here), every decoding of the test words,
// the nucleus sweep and the attention heat-maps, stored in a folder that Records reads back.
func ExampleRun() {
	data, err := datasets.LoadP2G("")
	if err != nil {
		fmt.Println(err)
		return
	}
	committed := runstore.Results{Root: filepath.Join(datasets.ModuleRoot(), "results")}.Seq2Seq(data.Kind)
	exp := seq2seq.CourseExperiment()
	exp.Epochs, exp.MaxSteps, exp.Nucleus.Runs, exp.TopPs = 1, 10, 2, []float64{0.5, 0.9}
	exp.Resume, exp.Pretrained, exp.Command = false, &committed, "ExampleRun"
	records := seq2seq.NewRecords(lesson.Must(lesson.RunDir("04-seq2seq")), data.Kind)
	if _, err := seq2seq.Run(backend.MustDefault(), data, exp, records.Store); err != nil {
		fmt.Println(err)
		return
	}
	greedy := lesson.Must(records.Result(seq2seq.Attention, seq2seq.Greedy))
	fmt.Printf("attention, greedy: CER %.4f\n", greedy.TestCER)
}

// A run store names every file of a run; Records reads them by model and decoding.
func ExampleRecords() {
	records := seq2seq.NewRecords("results/seq2seq", "course")
	fmt.Println(records.Store.Record(string(seq2seq.Attention), string(seq2seq.Greedy)))
	fmt.Println(records.Store.Model(string(seq2seq.Attention)))
	// Output:
	// results/seq2seq/course-attention-greedy.json
	// results/seq2seq/models/course-attention
}
