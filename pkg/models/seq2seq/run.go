package seq2seq

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gomlx/compute"

	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/models/runstore"
	"github.com/dllessons/dllessons/pkg/plots"
)

// Experiment is one seq2seq experiment as data: which models, how long they train, how the
// test words are decoded. `dllessons seq2seq train|test` fill it from their flags and lesson 4
// from its budget; both call Run with it.
type Experiment struct {
	Variants []Variant
	Epochs   int
	MaxSteps int // > 0: stop each epoch after this many steps (quick trials)
	Seed     uint64
	// Nucleus is the nucleus sampling of the test words (TopP, K samples, Runs averaged); its
	// seed is Seed.
	Nucleus   Decoding
	BeamWidth int
	// TopPs, if any, are the p values of the attention model's sweep on the validation split.
	TopPs []float64
	// Resume continues training from the store's checkpoint of the same run (false: start over).
	Resume bool
	// TestOnly loads the models the store already holds instead of training (`seq2seq test`).
	TestOnly bool
	// Pretrained, if set, is a store whose exported models are loaded instead of training when
	// present (the lesson uses the command's).
	Pretrained *runstore.Seq2Seq
	// Command says how the run was asked for; it goes into the records.
	Command string
	// Stall, if > 0, calls OnStall (with the checkpoint folder) once when no training step
	// finished for that long.
	Stall   time.Duration
	OnStall func(checkpoints string)
	// OnStep and OnEpoch, if set, are called during training (OnStep replaces the default
	// progress bar).
	OnStep  func(Variant, Progress)
	OnEpoch func(Variant, Epoch)
	// Log receives a line per epoch and the tables of test results; nil discards them.
	Log io.Writer
}

// CourseExperiment is the course's schedule: both models, 20 epochs, seed 42, nucleus p = 0.8
// with 3 samples averaged over 10 runs, beam width 5; it resumes from checkpoints.
func CourseExperiment() Experiment {
	return Experiment{Variants: Variants, Epochs: DefaultOptions(false).Epochs, Seed: 42,
		Nucleus: Decoding{TopP: DefaultTopP, K: 3, Runs: 10}, BeamWidth: 5, Resume: true}
}

// HeatmapWords are the test words whose attention weights Run draws.
var HeatmapWords = []int{0, 1, 2, 4}

// recordExamples is how many test words each record lists with their predictions.
const recordExamples = 20

// heatmapsName is the alt text of the attention heat-maps.
const heatmapsName = "attention heat-maps of test words"

// TrainingRecord is stored with an exported model: how it was trained.
type TrainingRecord struct {
	History   []Epoch `json:"history"`
	BestEpoch int     `json:"best_epoch"`
	Epochs    int     `json:"epochs"`
	Seed      uint64  `json:"seed"`
	Seconds   float64 `json:"seconds"`
	Command   string  `json:"command"`
}

// Prepared is a trained model ready to decode, with how it was trained and where it comes from.
type Prepared struct {
	Variant  Variant
	Model    *Model
	Decoder  *Decoder
	Training TrainingRecord
	Origin   string // for the reader
}

// Outcome is what Run did with one model: where it comes from and its test results, in
// DecodingKinds order.
type Outcome struct {
	Variant Variant
	Origin  string
	Results []*Result
}

// Run prepares each model of exp (loads it, or trains and exports it into store), evaluates
// every decoding on the test split and writes the records and figures into store, where
// Records reads them.
func Run(b compute.Backend, data *datasets.P2GData, exp Experiment, store runstore.Seq2Seq) ([]Outcome, error) {
	if err := os.MkdirAll(store.Dir, 0o755); err != nil {
		return nil, err
	}
	var out []Outcome
	for _, v := range exp.Variants {
		p, err := Prepare(b, data, exp, store, v)
		if err != nil {
			return nil, err
		}
		results, err := exp.test(b, data, p, store)
		if err != nil {
			return nil, err
		}
		out = append(out, Outcome{Variant: v, Origin: p.Origin, Results: results})
	}
	return out, nil
}

// test evaluates every decoding of a prepared model and writes its records and figures.
func (exp Experiment) test(b compute.Backend, data *datasets.P2GData, p *Prepared, store runstore.Seq2Seq) ([]*Result, error) {
	rec := p.Training
	table := lesson.Table{Title: string(p.Variant) + " on the test split", Headers: []string{"decoding", "CER", "WER", "WER@k", "seconds"}}
	nucleus := exp.Nucleus
	nucleus.Seed = exp.Seed
	var results []*Result
	for _, how := range Decodings(nucleus, exp.BeamWidth) {
		res, err := Evaluate(p.Decoder, data, how, recordExamples)
		if err != nil {
			return nil, err
		}
		res.Seed, res.Epochs, res.BestEpoch, res.History = rec.Seed, rec.Epochs, rec.BestEpoch, rec.History
		res.Backend = BackendName(b)
		res.Command = rec.Command
		if exp.Command != rec.Command {
			res.Command += " (test: " + exp.Command + ")"
		}
		res.Seconds = rec.Seconds + res.DecodeSeconds
		atK := ""
		if res.TestWERAtK != nil {
			atK = fmt.Sprintf("%.4f (k=%d, p=%g)", *res.TestWERAtK, res.K, res.TopP)
		}
		table.AddRow(how.Kind, res.TestCER, res.TestWER, atK, fmt.Sprintf("%.2f", res.DecodeSeconds))
		if err := exp.writeJSON(store.Record(string(p.Variant), string(how.Kind)), res); err != nil {
			return nil, err
		}
		results = append(results, res)
	}
	exp.logf("%s", table.String())
	if err := exp.figures(p, data, store); err != nil {
		return nil, err
	}
	if p.Variant == Attention && len(exp.TopPs) > 0 {
		if _, err := exp.sweep(p, data, store, exp.TopPs); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// figures writes the validation curves and, for the attention model, the heat-maps.
func (exp Experiment) figures(p *Prepared, data *datasets.P2GData, store runstore.Seq2Seq) error {
	curves, err := Curves(map[Variant][]Epoch{p.Variant: p.Training.History}, p.Variant)
	if err != nil {
		return err
	}
	path := store.Curves(string(p.Variant))
	if err := plots.Save(curves, path); err != nil {
		return err
	}
	if p.Variant != Attention {
		return nil
	}
	maps, err := AttentionMaps(p.Decoder, data, HeatmapWords)
	if err != nil {
		return err
	}
	fig, err := plots.AttentionFigure(heatmapsName, maps...)
	if err != nil {
		return err
	}
	base := store.Heatmaps(string(p.Variant))
	if err := fig.SaveBoth(base); err != nil {
		return err
	}
	return nil
}

// sweep scores nucleus sampling at each of ps on the validation split (the test words stay
// unseen) and writes the sweep record.
func (exp Experiment) sweep(p *Prepared, data *datasets.P2GData, store runstore.Seq2Seq, ps []float64) (NucleusSweepRecord, error) {
	points, best, err := NucleusSweep(p.Decoder, data, data.Valid, "valid", ps, exp.Nucleus.K, exp.Seed)
	if err != nil {
		return NucleusSweepRecord{}, err
	}
	rec := NucleusSweepRecord{Model: string(p.Variant), BestTopP: best, Points: points}
	exp.logf("%s", rec.Table(fmt.Sprintf("%s: nucleus sampling on the validation split (k = %d, seed %d)", p.Variant, exp.Nucleus.K, exp.Seed)).String())
	return rec, exp.writeJSON(store.NucleusSweep(string(p.Variant)), rec)
}

// TuneTopP sweeps the nucleus p of each exported model of exp in store over ps on the
// validation split and writes one sweep record per model (`dllessons seq2seq tune-p`).
func TuneTopP(b compute.Backend, data *datasets.P2GData, exp Experiment, store runstore.Seq2Seq, ps []float64) ([]NucleusSweepRecord, error) {
	exp.TestOnly = true
	var out []NucleusSweepRecord
	for _, v := range exp.Variants {
		p, err := Prepare(b, data, exp, store, v)
		if err != nil {
			return nil, err
		}
		rec, err := exp.sweep(p, data, store, ps)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

func (exp Experiment) writeJSON(path string, v any) error { return lesson.WriteJSON(path, v) }

func (exp Experiment) logf(format string, args ...any) {
	if exp.Log != nil {
		fmt.Fprintf(exp.Log, format, args...)
	}
}

// Prepare gets variant v ready to decode: loaded from exp.Pretrained when it holds it, loaded
// from store when exp.TestOnly, else trained (resuming from store's checkpoint) and exported
// into store.
func Prepare(b compute.Backend, data *datasets.P2GData, exp Experiment, store runstore.Seq2Seq, v Variant) (*Prepared, error) {
	if exp.Pretrained != nil {
		if dir := exp.Pretrained.Model(string(v)); exists(dir) {
			return load(b, data, dir, v)
		}
	}
	if !exp.TestOnly {
		if err := exp.train(b, data, store, v); err != nil {
			return nil, err
		}
	}
	p, err := load(b, data, store.Model(string(v)), v)
	if err != nil && exp.TestOnly {
		return nil, fmt.Errorf("%w (train it first with the same --data and --out)", err)
	}
	if err == nil && !exp.TestOnly {
		p.Origin = fmt.Sprintf("trained here: %d epochs of the course's schedule", exp.Epochs)
		if exp.MaxSteps > 0 {
			p.Origin = fmt.Sprintf("trained here: %d epochs of at most %d steps (quick budget)", exp.Epochs, exp.MaxSteps)
		}
	}
	return p, err
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }

// load reads an exported model and its training record.
func load(b compute.Backend, data *datasets.P2GData, dir string, v Variant) (*Prepared, error) {
	m, recordJSON, err := Load(dir, data)
	if err != nil {
		return nil, err
	}
	if m.Config.Variant() != v {
		return nil, fmt.Errorf("seq2seq model %q is the %s model, not %s", dir, m.Config.Variant(), v)
	}
	var rec TrainingRecord
	if err := json.Unmarshal([]byte(recordJSON), &rec); err != nil {
		return nil, fmt.Errorf("%s: training record: %w", dir, err)
	}
	dec, err := m.NewDecoder(b)
	if err != nil {
		return nil, err
	}
	return &Prepared{Variant: v, Model: m, Decoder: dec, Training: rec,
		Origin: fmt.Sprintf("best checkpoint (epoch %d of %d) of `%s`, loaded from %s",
			rec.BestEpoch, len(rec.History), rec.Command, shortPath(dir))}, nil
}

// shortPath keeps the last four elements of a path, enough to find it under results/.
func shortPath(path string) string {
	parts := strings.Split(filepath.ToSlash(path), "/")
	if len(parts) > 4 {
		parts = parts[len(parts)-4:]
	}
	return strings.Join(parts, "/")
}

// train trains (or resumes) variant v with live progress and exports its best weights with
// the training record into store.
func (exp Experiment) train(b compute.Backend, data *datasets.P2GData, store runstore.Seq2Seq, v Variant) error {
	name := string(v)
	ckpt := store.Checkpoints(name)
	if !exp.Resume {
		if err := os.RemoveAll(ckpt); err != nil {
			return err
		}
	}
	opts := DefaultOptions(v == Attention)
	opts.Epochs, opts.Seed, opts.CheckpointDir, opts.MaxSteps = exp.Epochs, exp.Seed, ckpt, exp.MaxSteps
	if exp.OnStall != nil {
		opts.Stall, opts.OnStall = exp.Stall, func() { exp.OnStall(ckpt) }
	}
	report := ProgressReporter(name)
	opts.OnStep = func(p Progress) { report(p) }
	if exp.OnStep != nil {
		opts.OnStep = func(p Progress) { exp.OnStep(v, p) }
	}
	opts.OnEpoch = func(e Epoch) {
		exp.logf("%s epoch %2d: train loss %.4f, val CER %.4f, WER %.4f (%.1fs)\n", name, e.Epoch, e.TrainLoss, e.ValCER, e.ValWER, e.Seconds)
		if exp.OnEpoch != nil {
			exp.OnEpoch(v, e)
		}
	}
	t, err := NewTrainer(b, data, opts)
	if err != nil {
		return err
	}
	if n := len(t.History); n > 0 {
		exp.logf("%s: resuming from %s after epoch %d\n", name, ckpt, n)
	}
	exp.logf("%s: %d parameters\n", name, t.Model.NumParams())
	if err := t.Train(); errors.Is(err, ErrDiverged) {
		return fmt.Errorf("%s DIVERGED: %w; no model exported, no test scores", name, err)
	} else if err != nil {
		return fmt.Errorf("%s: %w (rerun the same command to resume from the last finished epoch)", name, err)
	}
	rec := TrainingRecord{History: t.History, BestEpoch: t.BestEpoch, Epochs: opts.Epochs, Seed: opts.Seed, Command: exp.Command}
	for _, e := range t.History {
		rec.Seconds += e.Seconds
	}
	recJSON, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	dir := store.Model(name)
	if err := t.ExportBest(dir, string(recJSON)); err != nil {
		return err
	}
	exp.logf("%s: best validation CER %.4f at epoch %d; model written to %s\n", name, t.History[t.BestEpoch-1].ValCER, t.BestEpoch, dir)
	return nil
}

// Records reads what Run wrote into a store.
type Records struct{ Store runstore.Seq2Seq }

// NewRecords is the records of data of kind in folder dir.
func NewRecords(dir string, kind datasets.P2GKind) Records {
	return Records{Store: runstore.NewSeq2Seq(dir, kind)}
}

// Result reads the test evaluation of one model and decoding.
func (r Records) Result(v Variant, d DecodingKind) (*Result, error) {
	res := &Result{}
	return res, lesson.ReadJSON(r.Store.Record(string(v), string(d)), res)
}

// NucleusSweep reads the attention model's validation sweep of p.
func (r Records) NucleusSweep() (NucleusSweepRecord, error) {
	var s NucleusSweepRecord
	return s, lesson.ReadJSON(r.Store.NucleusSweep(string(Attention)), &s)
}

// Heatmaps reads the attention heat-maps of test words.
func (r Records) Heatmaps() (*plots.Figure, error) {
	return plots.LoadFigure(heatmapsName, r.Store.Heatmaps(string(Attention)))
}

// All reads every test record present, in the order vanilla, attention and greedy, nucleus,
// beam; missing ones are skipped.
func (r Records) All() ([]*Result, error) {
	var out []*Result
	for _, m := range Variants {
		for _, d := range DecodingKinds {
			if !exists(r.Store.Record(string(m), string(d))) {
				continue
			}
			res, err := r.Result(m, d)
			if err != nil {
				return nil, err
			}
			out = append(out, res)
		}
	}
	return out, nil
}
