package cnn

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

// Options is one training run as the course did it: plain SGD (no momentum, no weight decay)
// on log-softmax + NLL, batch 8, 40 epochs.
type Options struct {
	Variant      Variant
	LearningRate float64
	Epochs       int
	BatchSize    int
	Seed         uint64
	// CheckpointDir, if set, gets a checkpoint after every epoch and is resumed from if it
	// already holds one of the same run on the same data.
	CheckpointDir string
	// DataFingerprint identifies the data (datasets.Images.Fingerprint); a checkpoint of other
	// data is refused. Train sets it.
	DataFingerprint string
	// OnStep, if set, is called after every training step (for progress bars).
	OnStep func(p Progress)
	// OnEpoch, if set, is called after every epoch with its statistics.
	OnEpoch func(e Epoch)
}

// DefaultOptions returns the course's schedule for a variant and learning rate.
func DefaultOptions(variant Variant, lr float64) Options {
	return Options{Variant: variant, LearningRate: lr, Epochs: 40, BatchSize: 8, Seed: 42}
}

// Progress is reported after each training step.
type Progress = lesson.Progress

// Epoch is one epoch's record.
type Epoch struct {
	Epoch       int     `json:"epoch"`
	TrainLoss   float64 `json:"train_loss"` // mean over the epoch's batches
	ValAccuracy float64 `json:"val_accuracy"`
	// TestAccuracy is the test split's accuracy after this epoch; nil when it was not recorded
	// (records written before it was, or a trainer without a test split).
	TestAccuracy *float64 `json:"test_accuracy,omitempty"`
	Seconds      float64  `json:"seconds"`       // training + validation (+ test) time
	TrainSecs    float64  `json:"train_seconds"` // the training steps alone
}

// Result is a finished (or diverged) run.
type Result struct {
	Model        string             `json:"model"`
	Params       int                `json:"params"`
	LearningRate float64            `json:"learning_rate"`
	BatchSize    int                `json:"batch_size"`
	Epochs       int                `json:"epochs"`
	Seed         uint64             `json:"seed"`
	Data         string             `json:"data"`
	DataKind     datasets.ImageKind `json:"data_kind"`
	Splits       [3]int             `json:"splits"` // train, validation, test sizes
	History      []Epoch            `json:"history"`
	TestAccuracy float64            `json:"test_accuracy"`
	Confusion    [][]int            `json:"confusion"` // [true class][predicted class] on the test split
	Classes      []string           `json:"classes"`
	// Diverged says the training loss became NaN/Inf or exploded; training stopped there.
	Diverged       bool    `json:"diverged"`
	DivergedAt     string  `json:"diverged_at,omitempty"`
	Backend        string  `json:"backend"`
	SecondsPerStep float64 `json:"seconds_per_step"` // training steps only, every recorded epoch
}

// evalBatch is the evaluation batch size; the last batch is zero-padded so one graph serves all.
const evalBatch = 100

// Trainer trains one CNN variant with the course's SGD on a backend.
type Trainer struct {
	Model   *Model
	Options Options
	backend compute.Backend
	train   *model.Exec
	eval    *model.Exec
	loop    *trainer.Loop[Epoch]
	ckpt    *trainer.Checkpoints
	// History holds the finished epochs (restored from a checkpoint when resuming).
	History []Epoch
	// Test, if set, is scored after every epoch too (evaluation only: it changes no weight and
	// draws no random number, so a run with it trains exactly as one without).
	Test *datasets.ImageSet
}

// historyParam is the store parameter holding the finished epochs as JSON, so that it is saved
// in the same checkpoint as the weights it belongs to.
const historyParam = "cnn_history"

// runParam identifies the run a checkpoint belongs to.
const runParam = "cnn_run"

// NewTrainer creates the model (from Options.CheckpointDir if it holds a checkpoint of the
// same run) and compiles nothing yet: graphs are built on the first step.
func NewTrainer(backend compute.Backend, opts Options) (*Trainer, error) {
	if opts.BatchSize <= 0 || opts.Epochs < 0 || !(opts.LearningRate > 0) {
		return nil, fmt.Errorf("cnn: need batch size > 0, epochs ≥ 0 and learning rate > 0; got %d, %d, %g",
			opts.BatchSize, opts.Epochs, opts.LearningRate)
	}
	t := &Trainer{Options: opts, backend: backend, loop: &trainer.Loop[Epoch]{Label: "cnn", Epochs: opts.Epochs,
		LearningRate: opts.LearningRate, CheckpointDir: opts.CheckpointDir, OnStep: opts.OnStep, OnEpoch: opts.OnEpoch}}
	store := model.NewStore()
	run := trainer.Run{Label: "cnn", Dir: opts.CheckpointDir, RunParam: runParam, StateParam: historyParam, Seed: opts.Seed,
		Settings: fmt.Sprintf("%s lr=%g batch=%d seed=%d", opts.Variant.Name(), opts.LearningRate, opts.BatchSize, opts.Seed),
		Data:     opts.DataFingerprint}
	var err error
	if t.ckpt, err = run.Open(store, &t.History); err != nil {
		return nil, err
	}
	if t.Model, err = New(store, opts.Variant, opts.Seed); err != nil {
		return nil, err
	}
	if t.train, err = model.NewExec(backend, store, t.trainStepGraph); err != nil {
		return nil, err
	}
	if t.eval, err = model.NewExec(backend, store, t.predictGraph); err != nil {
		return nil, err
	}
	return t, nil
}

// trainStepGraph: one SGD step on a batch given as stepInputs makes them: labels [b] int32,
// learning rate lr, each shard's first-convolution patches (Conv1Patches), then the step's
// dropout masks (DropoutMasks), the conv blocks' cut into the shards; returns the batch's mean
// NLL loss. The gradients come from the hand-written backward pass (backprop.go), checked
// against GoMLX's automatic differentiation by the tests.
func (t *Trainer) trainStepGraph(_ *model.Scope, inputs []*Node) *Node {
	in := stepInput{labels: inputs[0]}
	lr := inputs[1]
	shards := len(shardSizes(in.labels.Shape().Dimensions[0]))
	rest := inputs[2:]
	for range shards {
		in.first = append(in.first, firstConvInput{patches: rest[0], patchesT: rest[1]})
		rest = rest[2:]
	}
	if len(rest) > 0 { // dropout
		for range shards {
			in.blockMasks = append(in.blockMasks, rest[:len(Channels)])
			rest = rest[len(Channels):]
		}
		in.denseMasks = rest
	}
	loss, steps := t.Model.lossAndScaledGradients(in, lr) // steps[i] = lr · gradient i
	for i, v := range t.Model.Trainable {
		v.SetValueGraph(Sub(v.ValueGraph(in.labels.Graph()), steps[i]))
	}
	return loss
}

// stepInputs lists a train step's inputs in the order trainStepGraph takes them. The patches and
// masks are written straight into the backend's buffers (trainer.HostInputs).
func (t *Trainer) stepInputs(pixels []float32, labels []int32, step uint64) ([]any, error) {
	b := len(labels)
	sizes := shardSizes(b)
	in := trainer.NewHostInputs(t.backend)
	in.Add(tensors.FromFlatDataAndDimensions(labels, b))
	in.Add(float32(t.Options.LearningRate))
	perImage := len(pixels) / b
	type shardPatches struct{ pixels, patches, patchesT []float32 }
	var first []shardPatches
	lo := 0
	for _, n := range sizes {
		patches, err := in.AddFloat32(conv1PatchesShape(n).Dimensions...)
		if err != nil {
			return nil, err
		}
		patchesT, err := in.AddFloat32(conv1PatchesTShape(n).Dimensions...)
		if err != nil {
			return nil, err
		}
		first = append(first, shardPatches{pixels[lo*perImage : (lo+n)*perImage], patches, patchesT})
		lo += n
	}
	if t.Model.numDropoutMasks() > 0 {
		shapes := dropoutShapes(b)
		parts := make([][][]float32, len(shapes))
		for _, n := range sizes { // the conv blocks' masks, shard by shard
			for i, dims := range shapes[:len(Channels)] {
				part, err := in.AddFloat32(append([]int{n}, dims[1:]...)...)
				if err != nil {
					return nil, err
				}
				parts[i] = append(parts[i], part)
			}
		}
		for i, dims := range shapes[len(Channels):] { // the dense layers', whole
			mask, err := in.AddFloat32(dims...)
			if err != nil {
				return nil, err
			}
			parts[len(Channels)+i] = [][]float32{mask}
		}
		t.Model.fillDropoutMasks(t.Options.Seed, step, parts)
	}
	for s, f := range first {
		fillConv1Patches(f.pixels, sizes[s], f.patches, f.patchesT)
	}
	return in.Values(), nil
}

// NLLLoss is the mean negative log-likelihood of labels [b] under logProbs [b, classes].
func NLLLoss(logProbs, labels *Node) *Node {
	oneHot := OneHot(labels, logProbs.Shape().Dimensions[1], logProbs.DType())
	return Neg(ReduceAllMean(ReduceSum(Mul(logProbs, oneHot), -1)))
}

// predictGraph returns the predicted class [b] int32 in evaluation mode of the images whose
// first-convolution patches it takes (evalPatches).
func (t *Trainer) predictGraph(_ *model.Scope, patches *Node) *Node {
	return ArgMax(t.Model.evalLogProbs(patches), -1, dtypes.Int32)
}

// Step runs SGD step number step of the run (counted from 0; it chooses the dropout masks) on
// the batch and returns its loss.
func (t *Trainer) Step(pixels []float32, labels []int32, step uint64) (float64, error) {
	inputs, err := t.stepInputs(pixels, labels, step)
	if err != nil {
		return 0, fmt.Errorf("cnn train step: %w", err)
	}
	outs, err := t.train.Call(inputs...)
	if err != nil {
		return 0, fmt.Errorf("cnn train step: %w", err)
	}
	loss := tensors.ToScalar[float32](outs[0])
	outs[0].MustFinalizeAll()
	return float64(loss), nil
}

// Predict returns the predicted class of every image of set.
func (t *Trainer) Predict(set *datasets.ImageSet) ([]int32, error) {
	s := datasets.ImageSize
	pixels := make([]float32, evalBatch*s*s*datasets.ImageChannels)
	labels := make([]int32, evalBatch)
	preds := make([]int32, 0, set.Len())
	for start := 0; start < set.Len(); start += evalBatch {
		n := min(evalBatch, set.Len()-start)
		clear(pixels)
		set.FillBatch(seq(start, n), pixels, labels)
		in := trainer.NewHostInputs(t.backend)
		patches, err := in.AddFloat32(conv1PatchesShape(evalBatch).Dimensions...)
		if err != nil {
			return nil, fmt.Errorf("cnn predict: %w", err)
		}
		evalPatches(pixels, evalBatch, patches)
		outs, err := t.eval.Call(in.Values()...)
		if err != nil {
			return nil, fmt.Errorf("cnn predict: %w", err)
		}
		batch, err := tensors.CopyFlatData[int32](outs[0])
		outs[0].MustFinalizeAll()
		if err != nil {
			return nil, err
		}
		preds = append(preds, batch[:n]...)
	}
	return preds, nil
}

// Accuracy is the fraction of set classified correctly.
func (t *Trainer) Accuracy(set *datasets.ImageSet) (float64, error) {
	preds, err := t.Predict(set)
	if err != nil {
		return 0, err
	}
	return accuracy(preds, set.Labels), nil
}

func accuracy(preds, labels []int32) float64 {
	correct := 0
	for i, p := range preds {
		if p == labels[i] {
			correct++
		}
	}
	return float64(correct) / float64(max(len(labels), 1))
}

func seq(start, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = start + i
	}
	return out
}

// TrainEpoch runs the next epoch (a seeded shuffle of train, every image once, the last batch
// possibly smaller), evaluates on val (and on Test if set), checkpoints, and returns the epoch's record.
func (t *Trainer) TrainEpoch(train, val *datasets.ImageSet) (Epoch, error) {
	start := time.Now()
	epoch := len(t.History) + 1
	order := rand.New(rand.NewPCG(t.Options.Seed, uint64(epoch))).Perm(train.Len())
	bs := t.Options.BatchSize
	steps := (train.Len() + bs - 1) / bs
	pixels := make([]float32, bs*datasets.ImageSize*datasets.ImageSize*datasets.ImageChannels)
	labels := make([]int32, bs)
	mean, last, err := t.loop.Steps(epoch, steps, func(step int) (float64, error) {
		idx := order[step*bs : min((step+1)*bs, train.Len())]
		n := len(idx)
		train.FillBatch(idx, pixels, labels)
		return t.Step(pixels[:n*len(pixels)/bs], labels[:n], uint64((epoch-1)*steps+step))
	})
	if errors.Is(err, trainer.ErrDiverged) {
		return Epoch{Epoch: epoch, TrainLoss: last}, err
	} else if err != nil {
		return Epoch{}, err
	}
	trainSecs := time.Since(start).Seconds()
	valAcc, err := t.Accuracy(val)
	if err != nil {
		return Epoch{}, err
	}
	rec := Epoch{Epoch: epoch, TrainLoss: mean, ValAccuracy: valAcc, TrainSecs: trainSecs}
	if t.Test != nil {
		testAcc, err := t.Accuracy(t.Test)
		if err != nil {
			return Epoch{}, err
		}
		rec.TestAccuracy = &testAcc
	}
	rec.Seconds = time.Since(start).Seconds()
	t.History = append(t.History, rec)
	return rec, t.saveCheckpoint()
}

// saveCheckpoint stores weights, RNG state and history together (no-op without a directory).
func (t *Trainer) saveCheckpoint() error {
	return t.ckpt.SaveState(t.History)
}

// Train runs (or resumes) the whole schedule on data and evaluates on the test split.
// A diverging run is not an error: the result says Diverged and where.
func Train(backend compute.Backend, data *datasets.Images, opts Options) (*Result, error) {
	if opts.DataFingerprint == "" && opts.CheckpointDir != "" {
		opts.DataFingerprint = data.Fingerprint()
	}
	t, err := NewTrainer(backend, opts)
	if err != nil {
		return nil, err
	}
	t.Test = data.Test
	res := &Result{
		Model: opts.Variant.Name(), Params: t.Model.NumParams(), LearningRate: opts.LearningRate,
		BatchSize: opts.BatchSize, Epochs: opts.Epochs, Seed: opts.Seed, Data: data.Source, DataKind: data.Kind,
		Splits: [3]int{data.Train.Len(), data.Val.Len(), data.Test.Len()}, Classes: data.Classes,
		Backend: fmt.Sprint(backend.Name()),
	}
	err = t.loop.Train(func() int { return len(t.History) }, func() (Epoch, error) {
		return t.TrainEpoch(data.Train, data.Val)
	})
	if errors.Is(err, trainer.ErrDiverged) {
		res.Diverged, res.DivergedAt = true, err.Error()
	} else if err != nil {
		return nil, err
	}
	res.History = t.History
	// From the history, so that re-running a finished (or resumed) run keeps its speed.
	var trainSeconds float64
	for _, e := range t.History {
		trainSeconds += e.TrainSecs
	}
	if steps := len(t.History) * ((data.Train.Len() + opts.BatchSize - 1) / opts.BatchSize); steps > 0 {
		res.SecondsPerStep = trainSeconds / float64(steps)
	}
	if res.Diverged {
		return res, nil // no test accuracy: the weights are NaN or exploded
	}
	preds, err := t.Predict(data.Test)
	if err != nil {
		return nil, err
	}
	res.TestAccuracy = accuracy(preds, data.Test.Labels)
	res.Confusion = ConfusionMatrix(preds, data.Test.Labels, len(data.Classes))
	return res, nil
}

// TestSummary is "test accuracy 81.23%", or for a diverged run "DIVERGED (…): no test accuracy".
func (r *Result) TestSummary() string {
	if r.Diverged {
		return "DIVERGED (" + r.DivergedAt + "): no test accuracy"
	}
	return fmt.Sprintf("test accuracy %5.2f%%", 100*r.TestAccuracy)
}

// MarshalJSON leaves out the test accuracy and the confusion matrix of a diverged run, which
// has neither (a zero would read as a measured accuracy).
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	if !r.Diverged {
		return json.Marshal(plain(r))
	}
	return json.Marshal(struct {
		plain
		TestAccuracy *float64 `json:"test_accuracy,omitempty"`
		Confusion    [][]int  `json:"confusion,omitempty"`
	}{plain: plain(r)})
}

// ConfusionMatrix counts [true][predicted] pairs.
func ConfusionMatrix(preds, labels []int32, classes int) [][]int {
	m := make([][]int, classes)
	for i := range m {
		m[i] = make([]int, classes)
	}
	for i, p := range preds {
		m[labels[i]][p]++
	}
	return m
}

// ErrDiverged is wrapped by TrainEpoch's error when the loss became NaN, infinite or exploded.
var ErrDiverged = trainer.ErrDiverged
