package seq2seq

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
)

// LSTM weight gradients in one product.
//
// Differentiating the unrolled recurrences step by step gives every step its own small
// weight-gradient product, each followed by a copy GoMLX's DotGeneral gradient adds (an
// identity transpose) — 16 of each per LSTM and batch. Here the step products use the weights
// through StopGradient, each step's gate pre-activations pass an identity node that records
// their gradient v_t, and after autodiff the weight gradient is formed once:
// dWᵀ = Σ_t v_tᵀ [x_t; h_{t-1}], a single product over all steps stacked.

// gateRecord is one step's product input [x_t; h_{t-1}] and the recorded gradient of its gates.
type gateRecord struct{ in, grad *Node }

// gateRecorder collects the records of one LSTM (encoder or decoder) in a graph.
type gateRecorder struct{ steps []*gateRecord }

// gates returns in·Wᵀ (einsum equation eq) and, when rec is set, records the gradient that
// reaches it; the weights then receive no gradient through autodiff (see weightGrad).
func (rec *gateRecorder) gates(eq string, in, wT *Node) *Node {
	if rec == nil {
		return Einsum(eq, in, wT)
	}
	r := &gateRecord{in: in}
	rec.steps = append(rec.steps, r)
	return IdentityWithCustomGradient(Einsum(eq, in, StopGradient(wT)), func(_, v *Node) *Node {
		r.grad = v
		return v
	})
}

// weightGrad returns Σ_t v_tᵀ in_t for records of shape [b, k] and [b, i] (decoder: [k, i]) or
// [2, b, k] and [2, b, i] (encoder, per direction: [2, k, i]); steps without a gradient (not
// on the loss's path) are skipped.
func (rec *gateRecorder) weightGrad() *Node {
	var ins, grads []*Node
	for _, r := range rec.steps {
		if r.grad != nil {
			ins, grads = append(ins, r.in), append(grads, r.grad)
		}
	}
	axis := ins[0].Rank() - 2 // the batch axis, concatenated over steps
	in, grad := Concatenate(ins, axis), Concatenate(grads, axis)
	if in.Rank() == 2 {
		return Einsum("nk,ni->ki", grad, in)
	}
	return Einsum("dnk,dni->dki", grad, in)
}

// lstmWeightGrads turns the recorded gradients into the gradients of the stored matrices:
// enc_w_ih [2, H, 4h], enc_w_hh [2, h, 4h], dec_w_ih [H, 4H], dec_w_hh [H, 4H].
func lstmWeightGrads(w weights, enc, dec *gateRecorder) map[string]*Node {
	grads := map[string]*Node{}
	encIn := w["enc_w_ih"].Shape().Dim(1)
	encW := TransposeAllAxes(enc.weightGrad(), 0, 2, 1) // [2, H+h, 4h]
	grads["enc_w_ih"] = SliceAxis(encW, 1, AxisRange(0, encIn))
	grads["enc_w_hh"] = SliceAxis(encW, 1, AxisRange(encIn, encW.Shape().Dim(1)))
	decIn := w["dec_w_ih"].Shape().Dim(0)
	decW := Transpose(dec.weightGrad(), 0, 1) // [2H, 4H]
	grads["dec_w_ih"] = SliceAxis(decW, 0, AxisRange(0, decIn))
	grads["dec_w_hh"] = SliceAxis(decW, 0, AxisRange(decIn, decW.Shape().Dim(0)))
	return grads
}
