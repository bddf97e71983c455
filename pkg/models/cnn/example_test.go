package cnn_test

import (
	"fmt"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/models/cnn"
	"github.com/dllessons/dllessons/pkg/models/runstore"
)

// The parameters of the course's two networks: batch norm lets fc1 shrink.
func ExampleParamsByLayer() {
	for _, v := range []cnn.Variant{{BatchNorm: false}, {BatchNorm: true}} {
		byLayer, total, err := cnn.ParamsByLayer(v)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: fc1 %d of %d parameters\n", v.Name(), byLayer["fc1"], total)
	}
	// Output:
	// cnn: fc1 4719616 of 5340742 parameters
	// cnn-bn: fc1 132096 of 755718 parameters
}

// Run is what `dllessons cnn train` and lesson 3 call: train each run of the experiment (here
// on seeded subsets), store the records in a folder, read them back with Records and report them.
func ExampleRun() {
	data, err := datasets.LoadImages("", 42)
	if err != nil {
		fmt.Println(err)
		return
	}
	exp := cnn.CourseExperiment()
	exp.Budget = cnn.SweepBudget{TrainImages: 160, ValImages: 200, TestImages: 200, Epochs: 1}
	exp.Checkpoints, exp.Resume = false, false
	records := cnn.NewRecords("runs/cnn")
	if _, err := cnn.Run(backend.MustDefault(), data, exp, records.Store); err != nil {
		fmt.Println(err)
		return
	}
	results, err := records.Results(exp.Runs)
	if err != nil {
		fmt.Println(err)
		return
	}
	cnn.ResultsTable(results).Show()
}

// The command's folder for one kind of data: every file of a run is named by the store.
func ExampleRecords() {
	store := runstore.NewCNN("results/cnn", "fashion-mnist")
	run := cnn.CourseRuns[3].Name()
	fmt.Println(store.Record(run))
	fmt.Println(store.Checkpoints(run))
	// Output:
	// results/cnn/fashion-mnist/cnn-bn-lr0.01.json
	// results/cnn/fashion-mnist/checkpoints/cnn-bn-lr0.01
}
