package seq2seq

import (
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
)

// TestRecordedWeightGradientsMatchAutodiff compares, for both models, every parameter's
// gradient computed with the recorders (LSTM gates, per-position products) against plain autodiff.
func TestRecordedWeightGradientsMatchAutodiff(t *testing.T) {
	data := tinyP2G(t)
	b := data.Batch(data.Train, datasets.Range(data.Train.Len()), 8, 0, 0)
	for _, attention := range []bool{false, true} {
		tr, err := NewTrainer(backend.MustDefault(), data, tinyOptions(attention))
		if err != nil {
			t.Fatal(err)
		}
		m := tr.Model
		exec, err := model.NewExec(backend.MustDefault(), m.Store, func(_ *model.Scope, in []*Node) []*Node {
			w := m.weights(in[0].Graph())
			plain := &forwardCtx{m: m, w: w}
			recorded := &forwardCtx{m: m, w: w, encGates: &gateRecorder{}, decGates: &gateRecorder{}, dense: denseRecorder{}}
			_, want := plain.lossAndGradients(in[0], in[1], in[2], in[3])
			_, got := recorded.lossAndGradients(in[0], in[1], in[2], in[3])
			var out []*Node
			for i := range want {
				scale := Max(ReduceAllMax(Abs(want[i])), Scalar(in[0].Graph(), want[i].DType(), 1e-6))
				out = append(out, Div(ReduceAllMax(Abs(Sub(got[i], want[i]))), scale))
			}
			return out
		})
		if err != nil {
			t.Fatal(err)
		}
		outs, err := exec.Exec(tensors.FromFlatDataAndDimensions(b.Src, b.Size, b.SrcLen),
			tensors.FromFlatDataAndDimensions(b.SrcLens, b.Size),
			tensors.FromFlatDataAndDimensions(b.TgtIn, b.Size, b.TgtLen),
			tensors.FromFlatDataAndDimensions(b.TgtOut, b.Size, b.TgtLen))
		if err != nil {
			t.Fatal(err)
		}
		for i, o := range outs {
			if rel := tensors.ToScalar[float32](o); !(rel < 1e-4) {
				t.Errorf("%s: gradient of %s differs by %.2g (relative to its largest entry)",
					m.Config.Name(), m.Trainable[i].Name(), rel)
			}
		}
	}
}
