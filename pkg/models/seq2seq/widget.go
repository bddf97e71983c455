package seq2seq

import "github.com/dllessons/dllessons/pkg/widgets"

// newLiveCurves are the lesson's training curves, drawn in the notebook while RunLesson trains
// (or at once from a loaded checkpoint's history).
func newLiveCurves() *widgets.Curves {
	return widgets.NewCurves("epoch", widgets.Metric{Title: "Training loss (mean over each epoch)", Axis: "cross-entropy per character"},
		widgets.Metric{Title: "Validation CER (greedy decoding)", Axis: "CER %"})
}

// liveEpochs is a Trainer's OnEpoch that adds each epoch of the variant to the curves.
func liveEpochs(curves *widgets.Curves, variant Variant) func(Epoch) {
	add := curves.Recorder(string(variant))
	return func(e Epoch) { add(float64(e.Epoch), e.TrainLoss, 100*e.ValCER) }
}

// eachEpoch calls every callback with the epoch (nil when there is none).
func eachEpoch(callbacks []func(Epoch)) func(Epoch) {
	if len(callbacks) == 0 {
		return nil
	}
	return func(e Epoch) {
		for _, f := range callbacks {
			f(e)
		}
	}
}
