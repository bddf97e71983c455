package cnn

import (
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
)

// TestEvalLogProbsEqualLogProbs scores an evaluation batch of real images with the lesson's
// LogProbs and with the evaluation's evalLogProbs (host patches, pooling order) after a few
// training steps (so batch norm's running averages have moved) and wants the same bits.
func TestEvalLogProbsEqualLogProbs(t *testing.T) {
	data := smallImages(t, 40, evalBatch)
	s := datasets.ImageSize
	pixels := make([]float32, evalBatch*s*s*datasets.ImageChannels)
	data.Val.FillBatch(seq(0, evalBatch), pixels, make([]int32, evalBatch))
	for _, variant := range []Variant{{false}, {true}} {
		opts := DefaultOptions(variant, 0.05)
		opts.Epochs = 1 // 5 steps of batch 8
		tr, err := NewTrainer(backend.MustDefault(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.TrainEpoch(data.Train, data.Val); err != nil {
			t.Fatal(err)
		}
		lesson := callOnStore(t, tr.Model, func(x *graph.Node) *graph.Node { return tr.Model.LogProbs(x, false) },
			tensors.FromFlatDataAndDimensions(pixels, evalBatch, s, s, datasets.ImageChannels))
		patches := make([]float32, conv1PatchesShape(evalBatch).Size())
		evalPatches(pixels, evalBatch, patches)
		eval := callOnStore(t, tr.Model, tr.Model.evalLogProbs,
			tensors.FromFlatDataAndDimensions(patches, conv1PatchesShape(evalBatch).Dimensions...))
		differ := 0
		for i := range lesson {
			if lesson[i] != eval[i] {
				differ++
			}
		}
		if differ > 0 || len(lesson) != evalBatch*NumClasses {
			t.Errorf("%s: %d of %d log-probabilities differ between LogProbs and evalLogProbs (first: %v vs %v)",
				variant.Name(), differ, len(lesson), lesson[:3], eval[:3])
		}
	}
}

// callOnStore runs fn on the model's variables once and returns its output's numbers.
func callOnStore(t *testing.T, m *Model, fn func(*graph.Node) *graph.Node, input *tensors.Tensor) []float32 {
	t.Helper()
	exec, err := model.NewExec(backend.MustDefault(), m.Store, func(_ *model.Scope, x *graph.Node) *graph.Node { return fn(x) })
	if err != nil {
		t.Fatal(err)
	}
	outs, err := exec.Call(input)
	if err != nil {
		t.Fatal(err)
	}
	flat, err := tensors.CopyFlatData[float32](outs[0])
	if err != nil {
		t.Fatal(err)
	}
	return flat
}
