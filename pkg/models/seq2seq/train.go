package seq2seq

import (
	"fmt"
	"time"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/metrics"
	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

// Options is a training run; DefaultOptions gives the course's.
type Options struct {
	Attention    bool
	Hidden       int
	Dropout      float64
	LearningRate float64 // Adam
	Epochs       int
	BatchSize    int
	Seed         uint64
	// CheckpointDir, if set, gets a checkpoint after every epoch (weights, Adam moments, RNG
	// state, history and the best weights so far) and is resumed from if it holds one.
	CheckpointDir string
	// MaxSteps, if > 0, stops each epoch after this many steps (tests and tiny budgets).
	MaxSteps int
	OnStep   func(Progress)
	OnEpoch  func(Epoch)
	// Stall, if > 0, calls OnStall once when no training step finished for that long.
	Stall   time.Duration
	OnStall func()
}

// DefaultOptions is the course's schedule: Adam lr 0.003, dropout 0.3, 20 epochs,
// batch 64, H = 128, seed 42.
func DefaultOptions(attention bool) Options {
	return Options{Attention: attention, Hidden: 128, Dropout: 0.3, LearningRate: 0.003,
		Epochs: 20, BatchSize: 64, Seed: 42}
}

// Progress is reported after each training step.
type Progress = lesson.Progress

// Epoch is one epoch's record.
type Epoch struct {
	Epoch     int     `json:"epoch"`
	TrainLoss float64 `json:"train_loss"`
	ValCER    float64 `json:"val_cer"`
	ValWER    float64 `json:"val_wer"`
	Seconds   float64 `json:"seconds"`
}

// Trainer trains a Seq2Seq with Adam and keeps the weights of the best validation CER.
type Trainer struct {
	Model   *Model
	Data    *datasets.P2GData
	Options Options
	Decoder *Decoder
	History []Epoch
	// BestEpoch is the epoch whose weights are kept in the /best/ variables.
	BestEpoch int
	train     *model.Exec
	loop      *trainer.Loop[Epoch]
	ckpt      *trainer.Checkpoints
	moments   [2][]*model.Variable // Adam first and second moments
	adamStep  *model.Variable
	best      []*model.Variable
}

const (
	s2sHistoryParam = "seq2seq_history"
	s2sRunParam     = "seq2seq_run"
	adamBeta1       = 0.9
	adamBeta2       = 0.999
	adamEpsilon     = 1e-8 // PyTorch's default
)

// RunName identifies a run's settings (a checkpoint of another run is refused).
func (o Options) RunName() string {
	name := fmt.Sprintf("%s H=%d dropout=%g lr=%g batch=%d seed=%d", o.config(0, 0).Name(), o.Hidden, o.Dropout,
		o.LearningRate, o.BatchSize, o.Seed)
	if o.MaxSteps > 0 {
		name += fmt.Sprintf(" max-steps=%d", o.MaxSteps)
	}
	return name
}

func (o Options) config(src, tgt int) Config {
	return Config{Attention: o.Attention, Hidden: o.Hidden, Dropout: o.Dropout, SrcVocab: src, TgtVocab: tgt}
}

// NewTrainer creates the model, resuming from Options.CheckpointDir if it holds a
// checkpoint of the same run.
func NewTrainer(backend compute.Backend, data *datasets.P2GData, opts Options) (*Trainer, error) {
	if opts.BatchSize <= 0 || opts.Epochs < 0 || !(opts.LearningRate > 0) || opts.Dropout < 0 || opts.Dropout >= 1 {
		return nil, fmt.Errorf("seq2seq: need batch > 0, epochs ≥ 0, learning rate > 0, 0 ≤ dropout < 1; got %d, %d, %g, %g",
			opts.BatchSize, opts.Epochs, opts.LearningRate, opts.Dropout)
	}
	t := &Trainer{Data: data, Options: opts, loop: &trainer.Loop[Epoch]{Label: "seq2seq", Epochs: opts.Epochs,
		LearningRate: opts.LearningRate, CheckpointDir: opts.CheckpointDir, OnStep: opts.OnStep, OnEpoch: opts.OnEpoch,
		Stall: opts.Stall, OnStall: opts.OnStall}}
	store := model.NewStore()
	run := trainer.Run{Label: "seq2seq", Dir: opts.CheckpointDir, RunParam: s2sRunParam, Settings: opts.RunName(),
		Data: data.Fingerprint(), StateParam: s2sHistoryParam, Seed: opts.Seed}
	var saved trainingState
	var err error
	if t.ckpt, err = run.Open(store, &saved); err != nil {
		return nil, err
	}
	t.History, t.BestEpoch = saved.History, saved.BestEpoch
	cfg := opts.config(data.Phones.Size(), data.Chars.Size())
	if len(t.History) > 0 {
		if err := checkHasParams(t.ckpt.Loader, cfg); err != nil {
			return nil, fmt.Errorf("seq2seq checkpoint %q: %w (or start over with --resume=false)", opts.CheckpointDir, err)
		}
	}
	if t.Model, err = New(store, cfg, opts.Seed); err != nil {
		return nil, err
	}
	if err := t.createStateVariables(); err != nil {
		return nil, err
	}
	if t.train, err = model.NewExec(backend, store, t.trainStepGraph); err != nil {
		return nil, err
	}
	t.train.SetMaxCache(128)
	if t.Decoder, err = t.Model.NewDecoder(backend); err != nil {
		return nil, err
	}
	return t, nil
}

// trainingState is saved with every checkpoint.
type trainingState struct {
	History   []Epoch
	BestEpoch int
}

// createStateVariables makes the Adam moments and step and the best-weights copies (values
// come from the checkpoint when resuming).
func (t *Trainer) createStateVariables() error {
	store := t.Model.Store
	add := func(path string, value *tensors.Tensor) (*model.Variable, error) {
		v, err := store.CreateVariable(path, value)
		if err != nil {
			return nil, fmt.Errorf("seq2seq variable %s: %w", path, err)
		}
		v.Trainable = false
		return v, nil
	}
	for _, p := range t.Model.Trainable {
		for i, name := range []string{"m", "v"} {
			v, err := add("/adam/"+name+"/"+p.Name(), tensors.FromShape(p.Shape()))
			if err != nil {
				return err
			}
			t.moments[i] = append(t.moments[i], v)
		}
		value, err := p.MustValue().LocalClone()
		if err != nil {
			return err
		}
		b, err := add("/best/"+p.Name(), value)
		if err != nil {
			return err
		}
		t.best = append(t.best, b)
	}
	var err error
	t.adamStep, err = add("/adam/step", tensors.FromScalar(float32(0)))
	return err
}

// trainStepGraph: one Adam step on src [b,S], srcLen [b], tgtIn, tgtOut [b,T]; returns the loss.
func (t *Trainer) trainStepGraph(_ *model.Scope, in []*Node) []*Node {
	g := in[0].Graph()
	f := &forwardCtx{m: t.Model, w: t.Model.weights(g), training: true, encGates: &gateRecorder{}, decGates: &gateRecorder{}, dense: denseRecorder{}}
	loss, grads := f.lossAndGradients(in[0], in[1], in[2], in[3])
	params := make([]*Node, len(t.Model.Trainable))
	for i, v := range t.Model.Trainable {
		params[i] = f.w[v.Name()]
	}
	step := OnePlus(t.adamStep.ValueGraph(g))
	t.adamStep.SetValueGraph(step)
	// PyTorch's Adam: p -= lr · m̂ / (√v̂ + ε), m̂ = m/(1-β₁ᵗ), v̂ = v/(1-β₂ᵗ).
	correction1 := OneMinus(Pow(Scalar(g, step.DType(), adamBeta1), step))
	correction2 := OneMinus(Pow(Scalar(g, step.DType(), adamBeta2), step))
	lr := Scalar(g, step.DType(), t.Options.LearningRate)
	for i, p := range params {
		m := Add(MulScalar(t.moments[0][i].ValueGraph(g), adamBeta1), MulScalar(grads[i], 1-adamBeta1))
		v := Add(MulScalar(t.moments[1][i].ValueGraph(g), adamBeta2), MulScalar(Square(grads[i]), 1-adamBeta2))
		t.moments[0][i].SetValueGraph(m)
		t.moments[1][i].SetValueGraph(v)
		update := Div(Mul(lr, Div(m, correction1)), AddScalar(Sqrt(Div(v, correction2)), adamEpsilon))
		t.Model.Trainable[i].SetValueGraph(Sub(p, update))
	}
	return []*Node{loss}
}

// lossAndGradients returns the masked cross-entropy and its gradient for every trainable
// variable, in Model.Trainable's order. With the recorders set, the LSTM matrices' and the
// per-position products' weight gradients come from them (grad.go) rather than from autodiff.
func (f *forwardCtx) lossAndGradients(src, srcLen, tgtIn, tgtOut *Node) (*Node, []*Node) {
	loss := maskedCrossEntropy(f.teacherForced(f.encode(src, srcLen), tgtIn), tgtOut)
	params := make([]*Node, len(f.m.Trainable))
	for i, v := range f.m.Trainable {
		params[i] = f.w[v.Name()]
	}
	grads := Gradient(loss, params...)
	var lstm map[string]*Node
	if f.encGates != nil && f.decGates != nil {
		lstm = lstmWeightGrads(f.w, f.encGates, f.decGates)
	}
	dense := f.dense.weightGrads()
	for i, v := range f.m.Trainable {
		if grad, ok := lstm[v.Name()]; ok {
			grads[i] = grad
		}
		// Autodiff still gives the tied embedding its lookups' gradient; the rest is recorded.
		if grad, ok := dense[v.Name()]; ok {
			grads[i] = Add(grads[i], grad)
		}
	}
	return loss, grads
}

// Step runs one training step on a batch and returns its loss.
func (t *Trainer) Step(b *datasets.P2GBatch) (float64, error) {
	outs, err := t.train.Call(
		tensors.FromFlatDataAndDimensions(b.Src, b.Size, b.SrcLen),
		tensors.FromFlatDataAndDimensions(b.SrcLens, b.Size),
		tensors.FromFlatDataAndDimensions(b.TgtIn, b.Size, b.TgtLen),
		tensors.FromFlatDataAndDimensions(b.TgtOut, b.Size, b.TgtLen))
	if err != nil {
		return 0, fmt.Errorf("seq2seq train step: %w", err)
	}
	loss := float64(tensors.ToScalar[float32](outs[0]))
	outs[0].MustFinalizeAll()
	return loss, nil
}

// TrainEpoch trains one epoch on a seeded shuffle of the training split, scores greedy
// decoding on the validation split, keeps the best weights and checkpoints.
func (t *Trainer) TrainEpoch() (Epoch, error) {
	start := time.Now()
	epoch := len(t.History) + 1
	batches := datasets.ShuffledBatches(t.Data.Train.Len(), t.Options.BatchSize, t.Options.Seed, epoch)
	if t.Options.MaxSteps > 0 && len(batches) > t.Options.MaxSteps {
		batches = batches[:t.Options.MaxSteps]
	}
	mean, _, err := t.loop.Steps(epoch, len(batches), func(i int) (float64, error) {
		return t.Step(t.Data.Batch(t.Data.Train, batches[i], t.Options.BatchSize, 0, 0))
	})
	if err != nil {
		return Epoch{}, err
	}
	rec := Epoch{Epoch: epoch, TrainLoss: mean}
	words, _, err := t.Decoder.Greedy(t.Data, t.Data.Valid, false)
	if err != nil {
		return Epoch{}, err
	}
	gold := t.Data.Valid.Spellings()
	rec.ValCER, rec.ValWER = metrics.CER(words, gold), metrics.WER(words, gold)
	rec.Seconds = time.Since(start).Seconds()
	if t.BestEpoch == 0 || rec.ValCER < t.History[t.BestEpoch-1].ValCER {
		if err := copyValues(t.best, t.Model.Trainable); err != nil {
			return rec, err
		}
		t.BestEpoch = epoch
	}
	t.History = append(t.History, rec)
	return rec, t.saveCheckpoint()
}

// copyValues sets each of dst to a copy of the value of src.
func copyValues(dst, src []*model.Variable) error {
	for i, v := range src {
		value, err := v.MustValue().LocalClone()
		if err != nil {
			return err
		}
		if err := dst[i].SetValue(value); err != nil {
			return err
		}
	}
	return nil
}

// UseBest loads the best validation weights into the model (for testing).
func (t *Trainer) UseBest() error {
	if t.BestEpoch == 0 {
		return nil
	}
	return copyValues(t.Model.Trainable, t.best)
}

// saveCheckpoint stores weights, RNG state, history and the best epoch together.
func (t *Trainer) saveCheckpoint() error {
	return t.ckpt.SaveState(trainingState{t.History, t.BestEpoch})
}

// Train runs (or resumes) the remaining epochs.
func (t *Trainer) Train() error {
	return t.loop.Train(func() int { return len(t.History) }, t.TrainEpoch)
}

// ErrDiverged is wrapped by a training error when the loss became NaN, infinite or exploded.
var ErrDiverged = trainer.ErrDiverged
