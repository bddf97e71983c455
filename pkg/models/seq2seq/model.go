package seq2seq

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like math
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

// Config is the architecture.
type Config struct {
	Attention          bool
	Hidden             int     // H: embeddings, decoder state, encoder outputs (H/2 per direction)
	Dropout            float64 // rate, active in training only
	SrcVocab, TgtVocab int
}

// Variant is one of the course's two models: Vanilla or Attention.
type Variant string

const (
	Vanilla   Variant = "vanilla"   // the decoder sees the encoder's final state only
	Attention Variant = "attention" // the decoder also attends to every encoder output
)

// Variants are both models, in the order the lesson and the command report them.
var Variants = []Variant{Vanilla, Attention}

// Variant is the model this configuration builds.
func (c Config) Variant() Variant {
	if c.Attention {
		return Attention
	}
	return Vanilla
}

// Name is "attention" or "vanilla" (the Variant as a string).
func (c Config) Name() string { return string(c.Variant()) }

// seq2seqScope is the variables' root scope in the store.
const seq2seqScope = "/seq2seq/"

// Seq2Seq holds the model's variables in a store.
type Model struct {
	Config    Config
	Store     *model.Store
	Trainable []*model.Variable // in a fixed order: gradients and Adam moments follow it
}

// paramSpec is one parameter: its name, shape and PyTorch-default initialisation.
type paramSpec struct {
	name  string
	dims  []int
	bound float64 // uniform(-bound, bound); 0 means standard normal with a zero PAD row (nn.Embedding with padding_idx)
}

func (c Config) params() []paramSpec {
	h, half := c.Hidden, c.Hidden/2
	encBound, decBound := 1/math.Sqrt(float64(half)), 1/math.Sqrt(float64(h))
	specs := []paramSpec{
		{"src_emb", []int{c.SrcVocab, h}, 0},
		{"tgt_emb", []int{c.TgtVocab, h}, 0},
		// Encoder directions stacked on axis 0 (forward, backward); gates i, f, g, o.
		{"enc_w_ih", []int{2, h, 4 * half}, encBound},
		{"enc_w_hh", []int{2, half, 4 * half}, encBound},
		// Two biases per LSTM, as PyTorch's nn.LSTM has (b_ih and b_hh): their sum acts, but
		// each is initialised and stepped by Adam on its own, so the sum learns twice as fast.
		{"enc_b_ih", []int{2, 4 * half}, encBound},
		{"enc_b_hh", []int{2, 4 * half}, encBound},
		{"dec_w_ih", []int{h, 4 * h}, decBound},
		{"dec_w_hh", []int{h, 4 * h}, decBound},
		{"dec_b_ih", []int{4 * h}, decBound},
		{"dec_b_hh", []int{4 * h}, decBound},
		{"gen_b", []int{c.TgtVocab}, decBound},
	}
	if c.Attention {
		specs = append(specs,
			paramSpec{"att_w_h", []int{h, h}, decBound},
			paramSpec{"att_w_s", []int{h, h}, decBound},
			paramSpec{"att_v", []int{h}, decBound},
			paramSpec{"att_w_out", []int{2 * h, h}, 1 / math.Sqrt(float64(2*h))},
			paramSpec{"att_b_out", []int{h}, 1 / math.Sqrt(float64(2*h))})
	}
	return specs
}

// New creates the variables in store (or keeps those a checkpoint loader provides);
// seed fixes the initial values.
func New(store *model.Store, cfg Config, seed uint64) (*Model, error) {
	if cfg.Hidden <= 0 || cfg.Hidden%2 != 0 || cfg.SrcVocab <= 4 || cfg.TgtVocab <= 4 {
		return nil, fmt.Errorf("seq2seq: need an even hidden size and vocabularies beyond the 4 specials; got H=%d, %d phones, %d characters",
			cfg.Hidden, cfg.SrcVocab, cfg.TgtVocab)
	}
	m := &Model{Config: cfg, Store: store}
	for _, p := range cfg.params() {
		v, err := store.CreateVariable(seq2seqScope+p.name, initTensor(seed, p))
		if err != nil {
			return nil, fmt.Errorf("seq2seq variable %s: %w", p.name, err)
		}
		v.Trainable = true
		m.Trainable = append(m.Trainable, v)
	}
	return m, nil
}

// initTensor draws a parameter's initial value from a generator seeded by seed and its name,
// so adding a parameter does not change the others.
func initTensor(seed uint64, p paramSpec) *tensors.Tensor {
	h := fnv.New64a()
	_, _ = h.Write([]byte(p.name))
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	n := 1
	for _, d := range p.dims {
		n *= d
	}
	flat := make([]float32, n)
	for i := range flat {
		if p.bound == 0 {
			flat[i] = float32(rng.NormFloat64())
		} else {
			flat[i] = float32((2*rng.Float64() - 1) * p.bound)
		}
	}
	if p.bound == 0 {
		clear(flat[:p.dims[1]]) // PAD's row starts at zero
	}
	return tensors.FromFlatDataAndDimensions(flat, p.dims...)
}

// NumParams counts the trainable values.
func (m *Model) NumParams() int {
	n := 0
	for _, v := range m.Trainable {
		n += v.Shape().Size()
	}
	return n
}

// weights are the parameters' nodes in one graph, by name.
type weights map[string]*Node

func (m *Model) weights(g *Graph) weights {
	trainer.ReadVariablesAsParameters(m.Store, g, false) // dropout follows forwardCtx.training
	w := weights{}
	for _, v := range m.Trainable {
		w[v.Name()] = v.ValueGraph(g)
	}
	// Only the sums of PyTorch's two biases act. An LSTM step adds the input's product
	// x_t·W_ih, which does not depend on the previous step and is made off the recurrence's
	// critical path, to the recurrent product h·W_hh.
	w["enc_b"] = InsertAxes(Add(w["enc_b_ih"], w["enc_b_hh"]), 1) // [2, 1, 4h]
	w["dec_b"] = InsertAxes(Add(w["dec_b_ih"], w["dec_b_hh"]), 0) // [1, 4H]
	return w
}

// forwardCtx carries what a graph's forward pass needs besides the weights.
type forwardCtx struct {
	m        *Model
	w        weights
	training bool // dropout on
	// encGates, decGates and dense, when set, record the gradients that form the LSTMs' and
	// the per-position products' weight gradients (grad.go).
	encGates, decGates *gateRecorder
	dense              denseRecorder
}

func (f *forwardCtx) dropout(x *Node) *Node {
	rate := f.m.Config.Dropout
	if !f.training || rate <= 0 {
		return x
	}
	keep := GreaterOrEqual(f.m.Store.RandomUniform(x.Graph(), x.Shape()), Scalar(x.Graph(), x.DType(), rate))
	return Where(keep, MulScalar(x, 1/(1-rate)), ZerosLike(x))
}

// embed looks up ids [b] in table [vocab, H], PAD ids giving zero vectors.
func embed(table, ids *Node) *Node {
	x := Gather(table, InsertAxes(ids, -1)) // [b, H]
	notPad := ConvertDType(NotEqual(ids, ScalarZero(ids.Graph(), ids.DType())), x.DType())
	return Mul(x, InsertAxes(notPad, -1))
}

// lstmCell is one LSTM step from the gate pre-activations x·W_ih + h·W_hh + b ([..., 4n]),
// in PyTorch's order i, f, g, o.
func lstmCell(gates, c *Node) (hNew, cNew *Node) {
	n := gates.Shape().Dim(-1) / 4
	last := gates.Rank() - 1
	sig := Sigmoid(SliceAxis(gates, last, AxisRange(0, 2*n))) // i and f together
	i, f := SliceAxis(sig, last, AxisRange(0, n)), SliceAxis(sig, last, AxisRange(n, 2*n))
	g := Tanh(SliceAxis(gates, last, AxisRange(2*n, 3*n)))
	o := Sigmoid(SliceAxis(gates, last, AxisRange(3*n, 4*n)))
	cNew = Add(Mul(f, c), Mul(i, g))
	hNew = Mul(o, Tanh(cNew))
	return
}

// decoderCell advances the decoder LSTM by one character embedding x [b, H].
func (f *forwardCtx) decoderCell(x, h, c *Node) (hNew, cNew *Node) {
	return lstmCell(f.decGates.gates("bi,ik->bk", x, h, f.w["dec_w_ih"], f.w["dec_w_hh"], f.w["dec_b"]), c)
}

// encoded is the encoder's result for a batch.
type encoded struct {
	outputs *Node // [b, S, H], zero at padding
	proj    *Node // W_h h_i, [b, S, H] (attention only)
	mask    *Node // [b, S] float: 1 on real phones
	h0, c0  *Node // [b, H]: forward ‖ backward final states
}

// encode runs the bidirectional encoder on src [b, S] int32 with lengths srcLen [b] int32.
// Padding is handled by freezing a direction's state where mask is 0: the forward direction
// keeps its state after the last phone and the backward one starts from zeros at the last
// phone, which is what PyTorch's packed sequences compute.
func (f *forwardCtx) encode(src, srcLen *Node) encoded {
	g := src.Graph()
	b, s := src.Shape().Dim(0), src.Shape().Dim(1)
	half := f.m.Config.Hidden / 2
	positions := Iota(g, src.Shape(), 1)
	mask := ConvertDType(LessThan(positions, InsertAxes(srcLen, -1)), dtypes.Float32) // [b, S]

	// Per-position inputs: slicing the integer ids costs nothing in the backward pass, whereas
	// slicing a differentiable [b, S, ·] tensor per step would pad a full-size gradient per step.
	x := make([]*Node, s) // dropped-out embeddings, [b, H] each
	for t := range s {
		x[t] = f.dropout(embed(f.w["src_emb"], column(src, t)))
	}
	h := Zeros(g, shapeF32(2, b, half))
	c := Zeros(g, shapeF32(2, b, half))
	outsFwd, outsBwd := make([]*Node, s), make([]*Node, s)
	// Step t advances the forward direction at position t and the backward one at S-1-t.
	for t := range s {
		back := s - 1 - t
		in := Stack([]*Node{x[t], x[back]}, 0)                                                           // [2, b, H]
		gates := f.encGates.gates("dbi,dik->dbk", in, h, f.w["enc_w_ih"], f.w["enc_w_hh"], f.w["enc_b"]) // [2, b, 4h]
		m := InsertAxes(Stack([]*Node{column(mask, t), column(mask, back)}, 0), -1)                      // [2, b, 1]
		hNew, cNew := lstmCell(gates, c)
		h = Add(h, Mul(m, Sub(hNew, h)))
		c = Add(c, Mul(m, Sub(cNew, c)))
		out := Mul(h, m)
		outsFwd[t] = Squeeze(SliceAxis(out, 0, AxisElem(0)), 0)
		outsBwd[back] = Squeeze(SliceAxis(out, 0, AxisElem(1)), 0)
	}
	fwd, bwd := Stack(outsFwd, 1), Stack(outsBwd, 1) // [b, S, h] each, in source order
	enc := encoded{mask: mask}
	enc.outputs = f.dropout(Concatenate([]*Node{fwd, bwd}, -1)) // [b, S, H]
	enc.h0 = concatDirections(h)
	enc.c0 = concatDirections(c)
	if f.m.Config.Attention {
		enc.proj = f.dense.product(f.w, "att_w_h", enc.outputs, false)
	}
	return enc
}

// column takes position t of axis 1: [b, S, ...] → [b, ...].
func column(x *Node, t int) *Node {
	return Squeeze(SliceAxis(x, 1, AxisElem(t)), 1)
}

// concatDirections turns [2, b, h] into [b, 2h] = forward ‖ backward.
func concatDirections(x *Node) *Node {
	return Concatenate([]*Node{Squeeze(SliceAxis(x, 0, AxisElem(0)), 0), Squeeze(SliceAxis(x, 0, AxisElem(1)), 0)}, -1)
}

func shapeF32(dims ...int) shapes.Shape { return shapes.Make(dtypes.Float32, dims...) }

// attend applies attention to decoder outputs dec [b, T, H]: Bahdanau's additive score, taken
// from the current state s_t (Bahdanau uses s_{t-1}), and Luong's output layer. It returns
// tanh(W_out [c_t; s_t] + b_out) [b, T, H] and the weights α [b, T, S].
func (f *forwardCtx) attend(enc encoded, dec *Node) (out, alpha *Node) {
	query := f.dense.product(f.w, "att_w_s", dec, false) // [b, T, H]
	scores := attentionScores(enc.proj, query, f.w["att_v"])
	notReal := MulScalar(OneMinus(InsertAxes(enc.mask, 1)), -1e9) // [b, 1, S]
	alpha = Softmax(Add(scores, notReal), -1)
	ctx := Einsum("bts,bsh->bth", alpha, enc.outputs) // [b, T, H]
	out = Tanh(addBias(f.dense.product(f.w, "att_w_out", Concatenate([]*Node{ctx, dec}, -1), false), f.w["att_b_out"]))
	return out, alpha
}

// attentionScores returns vᵀ tanh(proj_i + query_t) [b, T, S] for proj [b, S, H] and
// query [b, T, H]. The [b, T, S, H] energies dominate the step, and the Go backend runs each
// element-wise op on one core but independent ops side by side: the batch is therefore split
// into independent halves. vᵀe is a multiply-and-sum, whose gradient is a broadcast rather
// than a transpose of the energies.
func attentionScores(proj, query, v *Node) *Node {
	b, s, t := proj.Shape().Dim(0), proj.Shape().Dim(1), query.Shape().Dim(1)
	parts := 1
	if b >= 16 && b%2 == 0 {
		parts = 2
	}
	queryRows, projRows := Reshape(query, b*t, -1), Reshape(proj, b*s, -1) // copied once, not per half
	scores := make([]*Node, parts)
	for i := range parts {
		rows := [2]int{i * b / parts, (i + 1) * b / parts}
		e := Tanh(Add(energyRows(queryRows, rows, t, s, true), energyRows(projRows, rows, t, s, false)))
		scores[i] = ReduceSum(Mul(e, Reshape(v, 1, 1, 1, -1)), -1)
	}
	if parts == 1 {
		return scores[0]
	}
	return Concatenate(scores, 0)
}

// energyRows returns the [hi-lo, T, S, H] operand of the energies for batch rows [lo, hi):
// the query's rows [b·T, H] repeated over the S source positions, or proj's [b·S, H] repeated
// over the T target positions, as one Gather of whole rows. The Go backend adds a broadcast operand
// element by element through an index iterator, and a gathered one with its vector kernel.
func energyRows(x *Node, rows [2]int, t, s int, isQuery bool) *Node {
	idx := make([]int32, 0, (rows[1]-rows[0])*t*s)
	for r := rows[0]; r < rows[1]; r++ {
		for i := range t {
			for j := range s {
				if isQuery {
					idx = append(idx, int32(r*t+i))
				} else {
					idx = append(idx, int32(r*s+j))
				}
			}
		}
	}
	indices := Const(x.Graph(), tensors.FromFlatDataAndDimensions(idx, rows[1]-rows[0], t, s, 1))
	return Gather(x, indices)
}

// logits maps decoder features [b, T, H] to characters [b, T, V] with the tied embedding.
func (f *forwardCtx) logits(features *Node) *Node {
	return addBias(f.dense.product(f.w, "tgt_emb", f.dropout(features), true), f.w["gen_b"])
}

// teacherForced runs the decoder on the gold previous characters tgtIn [b, T] and returns the
// logits [b, T, V].
func (f *forwardCtx) teacherForced(enc encoded, tgtIn *Node) *Node {
	t := tgtIn.Shape().Dim(1)
	h, c := enc.h0, enc.c0
	outs := make([]*Node, t)
	for step := range t {
		h, c = f.decoderCell(f.dropout(embed(f.w["tgt_emb"], column(tgtIn, step))), h, c)
		outs[step] = h
	}
	dec := Stack(outs, 1) // [b, T, H]
	if f.m.Config.Attention {
		dec, _ = f.attend(enc, dec)
	}
	return f.logits(dec)
}

// addBias adds the vector bias to the last axis of x (GoMLX broadcasts only equal ranks).
func addBias(x, bias *Node) *Node {
	dims := make([]int, x.Rank())
	for i := range dims {
		dims[i] = 1
	}
	dims[len(dims)-1] = bias.Shape().Dim(0)
	return Add(x, Reshape(bias, dims...))
}

// maskedCrossEntropy is the mean negative log-likelihood of the non-PAD targets [b, T].
func maskedCrossEntropy(logits, targets *Node) *Node {
	logProbs := LogSoftmax(logits, -1)
	oneHot := OneHot(targets, logits.Shape().Dim(-1), logits.DType())
	nll := Neg(ReduceSum(Mul(logProbs, oneHot), -1)) // [b, T]
	real := ConvertDType(NotEqual(targets, ScalarZero(targets.Graph(), targets.DType())), logits.DType())
	return Div(ReduceAllSum(Mul(nll, real)), Max(ReduceAllSum(real), ScalarOne(logits.Graph(), logits.DType())))
}
