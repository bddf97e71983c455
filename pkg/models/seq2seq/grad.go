package seq2seq

import (
	"maps"
	"slices"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
)

// LSTM weight gradients in one product.
//
// Differentiating the unrolled recurrences step by step gives every step its own small
// weight-gradient product, each followed by a copy GoMLX's DotGeneral gradient adds (an
// identity transpose) — 16 of each per LSTM and batch. Here the step products use the weights
// through StopGradient, each step's gate pre-activations pass an identity node that records
// their gradient v_t, and after autodiff the weight gradient is formed once:
// dW = Σ_t [x_t; h_{t-1}]ᵀ v_t, a single product over all steps stacked.

// gateRecord is one step's product input [x_t; h_{t-1}] and the recorded gradient of its gates.
type gateRecord struct{ in, grad *Node }

// gateRecorder collects the records of one LSTM (encoder or decoder) in a graph.
type gateRecorder struct{ steps []*gateRecord }

// gates returns the gate pre-activations x·W_ih + b + h·W_hh (einsum equation eq, weights
// [.., in, 4n]) and, when rec is set, records the gradient that reaches them; the weights
// then receive no gradient through autodiff (see weightGrad). Only the recurrent product
// waits for the previous step.
func (rec *gateRecorder) gates(eq string, x, h, wIH, wHH, bias *Node) *Node {
	if rec == nil {
		return Add(Add(Einsum(eq, x, wIH), bias), Einsum(eq, h, wHH))
	}
	r := &gateRecord{in: Concatenate([]*Node{x, h}, -1)}
	rec.steps = append(rec.steps, r)
	sum := Add(Add(Einsum(eq, x, StopGradient(wIH)), bias), Einsum(eq, h, StopGradient(wHH)))
	return IdentityWithCustomGradient(sum, func(_, v *Node) *Node {
		r.grad = v
		return v
	})
}

// weightGrad returns Σ_t in_tᵀ v_t for records of shape [b, i] and [b, k] (decoder: [i, k]) or
// [2, b, i] and [2, b, k] (encoder, per direction: [2, i, k]); steps without a gradient (not
// on the loss's path) are skipped. The stacked inputs are transposed explicitly: given a
// product whose contracted axis is not the last of its left operand, the Go backend
// transposes both operands.
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
		return Einsum("in,nk->ik", Transpose(in, 0, 1), grad)
	}
	return Einsum("din,dnk->dik", TransposeAllAxes(in, 0, 2, 1), grad)
}

// lstmWeightGrads turns the recorded gradients into the gradients of the stored matrices:
// enc_w_ih [2, H, 4h], enc_w_hh [2, h, 4h], dec_w_ih [H, 4H], dec_w_hh [H, 4H].
func lstmWeightGrads(w weights, enc, dec *gateRecorder) map[string]*Node {
	grads := map[string]*Node{}
	encIn := w["enc_w_ih"].Shape().Dim(1)
	encW := enc.weightGrad() // [2, H+h, 4h]
	grads["enc_w_ih"] = SliceAxis(encW, 1, AxisRange(0, encIn))
	grads["enc_w_hh"] = SliceAxis(encW, 1, AxisRange(encIn, encW.Shape().Dim(1)))
	decIn := w["dec_w_ih"].Shape().Dim(0)
	decW := dec.weightGrad() // [2H, 4H]
	grads["dec_w_ih"] = SliceAxis(decW, 0, AxisRange(0, decIn))
	grads["dec_w_hh"] = SliceAxis(decW, 0, AxisRange(decIn, decW.Shape().Dim(0)))
	return grads
}

// Weight gradients of the per-position products x [b, T, in] · W.
//
// Autodiff forms Σ_{b,t} xᵀ v with the contracted axes leading in both operands, and the Go
// backend then transposes both of them. denseRecorder records v and forms the sum with only
// x transposed explicitly, as the gate recorder does for the LSTMs.

// denseRecord is one product's input x [b, T, in] and the recorded gradient v of its output.
type denseRecord struct {
	x, grad *Node
	outIn   bool // W is stored [out, in]
}

// denseRecorder collects the records of a graph's products by weight name.
type denseRecorder map[string][]*denseRecord

// product returns x · W for W = w[name], stored [in, out] (outIn false) or [out, in] (outIn
// true, the tied embedding); with rec set, W's gradient through it is recorded for weightGrads.
func (rec denseRecorder) product(w weights, name string, x *Node, outIn bool) *Node {
	eq := "bti,io->bto"
	if outIn {
		eq = "bti,oi->bto"
	}
	if rec == nil {
		return Einsum(eq, x, w[name])
	}
	r := &denseRecord{x: x, outIn: outIn}
	rec[name] = append(rec[name], r)
	return IdentityWithCustomGradient(Einsum(eq, x, StopGradient(w[name])), func(_, v *Node) *Node {
		r.grad = v
		return v
	})
}

// weightGrads returns, per recorded weight, Σ_{b,t} xᵀ v in the weight's stored layout.
func (rec denseRecorder) weightGrads() map[string]*Node {
	grads := map[string]*Node{}
	for _, name := range slices.Sorted(maps.Keys(rec)) { // a graph built in the same order
		for _, r := range rec[name] {
			if r.grad == nil {
				continue
			}
			var g *Node
			if r.outIn {
				g = Einsum("obt,bti->oi", TransposeAllAxes(r.grad, 2, 0, 1), r.x)
			} else {
				g = Einsum("ibt,bto->io", TransposeAllAxes(r.x, 2, 0, 1), r.grad)
			}
			if grads[name] != nil {
				g = Add(grads[name], g)
			}
			grads[name] = g
		}
	}
	return grads
}
