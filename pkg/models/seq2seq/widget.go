package seq2seq

import "github.com/dllessons/dllessons/pkg/widgets"

// LiveCurves is an Experiment.OnEpoch that draws the variants' training curves in the notebook
// as they train (or at once from a loaded model's history): training loss and validation CER.
func LiveCurves() func(Variant, Epoch) {
	curves := widgets.NewCurves("epoch", widgets.Metric{Title: "Training loss (mean over each epoch)", Axis: "cross-entropy per character"},
		widgets.Metric{Title: "Validation CER (greedy decoding)", Axis: "CER %"})
	return func(v Variant, e Epoch) {
		curves.Recorder(string(v))(float64(e.Epoch), e.TrainLoss, 100*e.ValCER)
	}
}
