package cnn_test

import (
	"fmt"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/models/cnn"
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

// RunSweep is what lesson 3 calls: train each run on a seeded subset, store the records in a
// folder, read them back with LoadSweep and report them.
func ExampleRunSweep() {
	data, err := datasets.LoadImages("", 42)
	if err != nil {
		fmt.Println(err)
		return
	}
	budget := cnn.SweepBudget{TrainImages: 160, ValImages: 200, TestImages: 200, Epochs: 1}
	results, err := cnn.RunSweep(backend.MustDefault(), data, budget, cnn.CourseRuns, 42, "runs/cnn")
	if err != nil {
		fmt.Println(err)
		return
	}
	cnn.ResultsTable(results).Show()
}
