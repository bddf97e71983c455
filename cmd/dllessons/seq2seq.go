package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gomlx/compute"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/models/seq2seq"
	"github.com/dllessons/dllessons/pkg/plots"
)

func init() {
	register("seq2seq", "phoneme-to-spelling seq2seq (BiLSTM, attention, nucleus, beam): train|test|tune-p|bench", runSeq2seq)
}

func runSeq2seq(args []string) error {
	return runSubcommand("seq2seq", []subcommand{{"train", s2sTrain}, {"test", s2sTest}, {"tune-p", s2sTuneP}, {"bench", s2sBench}}, args)
}

// s2sFlags are the flags train and test share.
type s2sFlags struct {
	backend, data, out, model       string
	epochs, k, runs, beam, maxSteps int
	seed                            uint64
	topP                            float64
	resume                          bool
	stall                           time.Duration
}

func parseS2SFlags(name string, args []string) (*s2sFlags, error) {
	f := &s2sFlags{}
	fs := flag.NewFlagSet("seq2seq "+name, flag.ContinueOnError)
	fs.StringVar(&f.backend, "backend", "", "go (default) or xla; see README")
	fs.StringVar(&f.data, "data", "", "the data: "+datasets.P2GDataChoices+" (default: $"+datasets.P2GDataEnv+", else \""+datasets.CourseP2GName+"\")")
	fs.StringVar(&f.out, "out", "results/seq2seq", "folder for JSON results, figures, models and checkpoints")
	fs.StringVar(&f.model, "model", "both", "vanilla, attention or both")
	fs.IntVar(&f.epochs, "epochs", 20, "epochs (the course: 20)")
	fs.Uint64Var(&f.seed, "seed", 42, "random seed (initial weights, dropout, shuffling, sampling)")
	fs.Float64Var(&f.topP, "top-p", seq2seq.DefaultTopP, "nucleus sampling: keep the most likely characters up to this probability mass")
	fs.IntVar(&f.k, "k", 3, "nucleus sampling: samples per word (WER@k)")
	fs.IntVar(&f.runs, "runs", 10, "nucleus sampling: independent runs (seeds seed, seed+1, …) whose test scores are averaged")
	fs.IntVar(&f.beam, "beam", 5, "beam search width")
	fs.IntVar(&f.maxSteps, "max-steps", 0, "stop each epoch after this many steps (0: whole epochs; for quick trials)")
	fs.BoolVar(&f.resume, "resume", true, "continue from the run's checkpoint if there is one (false: start over)")
	fs.DurationVar(&f.stall, "stall", 20*time.Minute, "abort (resumably) when no training step finishes for this long")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	if err := f.check(name); err != nil {
		return nil, err
	}
	return f, nil
}

// check validates every flag (and that --out is writable where name writes results).
func (f *s2sFlags) check(name string) error {
	model := ""
	switch f.model {
	case "vanilla", "attention", "both":
	default:
		model = fmt.Sprintf("--model %q: use vanilla, attention or both", f.model)
	}
	err := flagProblems(model, atLeast("epochs", f.epochs, 1), probability("top-p", f.topP), atLeast("k", f.k, 1),
		atLeast("runs", f.runs, 1), atLeast("beam", f.beam, 1), atLeast("max-steps", f.maxSteps, 0),
		positiveDuration("stall", f.stall))
	if err == nil && name != "bench" {
		err = flagProblems(writableDir("out", f.out)) // only once the rest is valid: a bad value creates nothing
	}
	return err
}

func (f *s2sFlags) models() []bool {
	switch f.model {
	case string(seq2seq.Vanilla):
		return []bool{false}
	case string(seq2seq.Attention):
		return []bool{true}
	}
	return []bool{false, true}
}

// s2sSetup parses a subcommand's flags and opens its backend and data.
func s2sSetup(name string, args []string) (*s2sFlags, compute.Backend, *datasets.P2GData, error) {
	f, err := parseS2SFlags(name, args)
	if err != nil {
		return nil, nil, nil, err
	}
	b, data, err := f.load()
	return f, b, data, err
}

// exported loads the model `train` exported for name and a decoder for it; it returns them with
// the training record and the run's JSON/figure prefix.
func (f *s2sFlags) exported(b compute.Backend, data *datasets.P2GData, name string) (*seq2seq.Decoder, trainRecord, string, error) {
	var rec trainRecord
	_, modelDir, prefix := f.paths(data, name)
	m, recordJSON, err := seq2seq.Load(modelDir, data)
	if err != nil {
		return nil, rec, "", fmt.Errorf("%w (train it first with the same --data and --out)", err)
	}
	if err := json.Unmarshal([]byte(recordJSON), &rec); err != nil {
		return nil, rec, "", fmt.Errorf("%s: training record: %w", modelDir, err)
	}
	dec, err := m.NewDecoder(b)
	return dec, rec, prefix, err
}

func (f *s2sFlags) load() (compute.Backend, *datasets.P2GData, error) {
	b, err := backend.New(f.backend)
	if err != nil {
		return nil, nil, err
	}
	fmt.Println("backend:", backend.Describe(b))
	data, err := datasets.LoadP2G(f.data)
	if err != nil {
		return nil, nil, err
	}
	fmt.Println("data:", data.Describe())
	return b, data, nil
}

// paths of a run: its checkpoint folder, its exported best model, and the JSON/figure prefix.
func (f *s2sFlags) paths(data *datasets.P2GData, name string) (ckpt, modelDir, prefix string) {
	run := data.Kind + "-" + name
	return filepath.Join(f.out, "checkpoints", run), filepath.Join(f.out, "models", run), filepath.Join(f.out, run)
}

// trainRecord is stored with an exported model: what `test` needs to write complete results.
type trainRecord struct {
	History   []seq2seq.Epoch `json:"history"`
	BestEpoch int             `json:"best_epoch"`
	Epochs    int             `json:"epochs"`
	Seed      uint64          `json:"seed"`
	Seconds   float64         `json:"seconds"`
	Command   string          `json:"command"`
}

func s2sTrain(args []string) error {
	f, b, data, err := s2sSetup("train", args)
	if err != nil {
		return err
	}
	for _, attention := range f.models() {
		if err := s2sTrainOne(f, b, data, attention); err != nil {
			return err
		}
	}
	return nil
}

func s2sTrainOne(f *s2sFlags, b compute.Backend, data *datasets.P2GData, attention bool) error {
	opts := seq2seq.DefaultOptions(attention)
	name := seq2seq.Config{Attention: attention}.Name()
	ckpt, modelDir, _ := f.paths(data, name)
	if !f.resume {
		if err := os.RemoveAll(ckpt); err != nil {
			return err
		}
	}
	opts.Epochs, opts.Seed, opts.CheckpointDir, opts.MaxSteps = f.epochs, f.seed, ckpt, f.maxSteps
	var lastStep atomic.Int64
	lastStep.Store(time.Now().UnixNano())
	stop := watchStall(&lastStep, f.stall, exitStalled(f.stall, ckpt))
	defer close(stop)
	report := seq2seq.ProgressReporter(name)
	opts.OnStep = func(p seq2seq.Progress) { lastStep.Store(time.Now().UnixNano()); report(p) }
	opts.OnEpoch = func(e seq2seq.Epoch) {
		fmt.Printf("%s epoch %2d: train loss %.4f, val CER %.4f, WER %.4f (%.1fs)\n", name, e.Epoch, e.TrainLoss, e.ValCER, e.ValWER, e.Seconds)
	}
	t, err := seq2seq.NewTrainer(b, data, opts)
	if err != nil {
		return err
	}
	if n := len(t.History); n > 0 {
		fmt.Printf("%s: resuming from %s after epoch %d\n", name, ckpt, n)
	}
	fmt.Printf("%s: %d parameters\n", name, t.Model.NumParams())
	if err := t.Train(); errors.Is(err, seq2seq.ErrDiverged) {
		return fmt.Errorf("%s DIVERGED: %w; no model exported, no test scores", name, err)
	} else if err != nil {
		return fmt.Errorf("%s: %w (rerun the same command to resume from the last finished epoch)", name, err)
	}
	rec := trainRecord{History: t.History, BestEpoch: t.BestEpoch, Epochs: opts.Epochs, Seed: opts.Seed,
		Command: strings.Join(append([]string{"dllessons"}, os.Args[1:]...), " ")}
	for _, e := range t.History {
		rec.Seconds += e.Seconds
	}
	recJSON, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := t.ExportBest(modelDir, string(recJSON)); err != nil {
		return err
	}
	fmt.Printf("%s: best validation CER %.4f at epoch %d; model written to %s\n", name, t.History[t.BestEpoch-1].ValCER, t.BestEpoch, modelDir)
	return s2sTestOne(f, b, data, name)
}

// watchStall calls onStall once when no step finished for limit (last holds the Unix
// nanoseconds of the last step); closing the returned channel stops it.
func watchStall(last *atomic.Int64, limit time.Duration, onStall func()) chan struct{} {
	stop := make(chan struct{})
	go func() {
		tick := time.NewTicker(limit / 10)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if time.Since(time.Unix(0, last.Load())) > limit {
					onStall()
					return
				}
			}
		}
	}()
	return stop
}

// exitStalled dumps the goroutines and exits: a stuck backend cannot be interrupted from
// inside, and the checkpoint lets a rerun continue.
func exitStalled(limit time.Duration, ckpt string) func() {
	return func() {
		_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 2)
		fmt.Fprintf(os.Stderr, "\ndllessons seq2seq: no training step finished in %s: the run is stalled (goroutines above).\n"+
			"Rerun the same command to resume from the last checkpoint in %s.\n", limit, ckpt)
		os.Exit(3)
	}
}

func s2sTest(args []string) error {
	f, b, data, err := s2sSetup("test", args)
	if err != nil {
		return err
	}
	for _, attention := range f.models() {
		if err := s2sTestOne(f, b, data, seq2seq.Config{Attention: attention}.Name()); err != nil {
			return err
		}
	}
	return nil
}

// s2sTuneP scores nucleus sampling of each exported model on the validation split at several p
// (the test words stay unseen) and writes <data>-<model>-nucleus-validation.json.
func s2sTuneP(args []string) error {
	f, b, data, err := s2sSetup("tune-p", args)
	if err != nil {
		return err
	}
	for _, attention := range f.models() {
		name := seq2seq.Config{Attention: attention}.Name()
		dec, _, prefix, err := f.exported(b, data, name)
		if err != nil {
			return err
		}
		points, best, err := seq2seq.NucleusSweep(dec, data, data.Valid, "valid", seq2seq.TopPCandidates, f.k, f.seed)
		if err != nil {
			return err
		}
		sweep := seq2seq.NucleusSweepRecord{Model: name, BestTopP: best, Points: points}
		fmt.Print(sweep.Table(fmt.Sprintf("%s: nucleus sampling on the validation split (k = %d, seed %d)", name, f.k, f.seed)).String())
		path := prefix + "-nucleus-validation.json"
		if err := lesson.WriteJSON(path, sweep); err != nil {
			return err
		}
		fmt.Println("wrote", path)
	}
	return nil
}

// s2sTestOne evaluates an exported model with greedy decoding, nucleus sampling and beam search
// and writes one JSON per decoding plus the figures.
func s2sTestOne(f *s2sFlags, b compute.Backend, data *datasets.P2GData, name string) error {
	dec, rec, prefix, err := f.exported(b, data, name)
	if err != nil {
		return err
	}
	table := lesson.Table{Title: name + " on the test split", Headers: []string{"decoding", "CER", "WER", "WER@k", "seconds"}}
	for _, how := range seq2seq.Decodings(seq2seq.Decoding{TopP: f.topP, K: f.k, Seed: f.seed, Runs: f.runs}, f.beam) {
		res, err := seq2seq.Evaluate(dec, data, how, 20)
		if err != nil {
			return err
		}
		res.Seed, res.Epochs, res.BestEpoch, res.History = rec.Seed, rec.Epochs, rec.BestEpoch, rec.History
		res.Backend = seq2seq.BackendName(b)
		res.Command = rec.Command + " (test: dllessons " + strings.Join(os.Args[1:], " ") + ")"
		res.Seconds = rec.Seconds + res.DecodeSeconds
		atK := ""
		if res.TestWERAtK != nil {
			atK = fmt.Sprintf("%.4f (k=%d, p=%g)", *res.TestWERAtK, res.K, res.TopP)
		}
		table.AddRow(how.Kind, res.TestCER, res.TestWER, atK, fmt.Sprintf("%.2f", res.DecodeSeconds))
		path := prefix + "-" + string(how.Kind) + ".json"
		if err := lesson.WriteJSON(path, res); err != nil {
			return err
		}
		fmt.Println("wrote", path)
	}
	fmt.Print(table.String())
	return s2sFigures(dec, data, rec.History, name, prefix)
}

// s2sFigures writes the validation curves and, for the attention model, heat-maps of a few words.
func s2sFigures(dec *seq2seq.Decoder, data *datasets.P2GData, history []seq2seq.Epoch, name, prefix string) error {
	variant := seq2seq.Variant(name)
	p, err := seq2seq.Curves(map[seq2seq.Variant][]seq2seq.Epoch{variant: history}, variant)
	if err != nil {
		return err
	}
	if err := plots.Save(p, prefix+"-curves.svg"); err != nil {
		return err
	}
	fmt.Println("wrote", prefix+"-curves.svg")
	if variant != seq2seq.Attention {
		return nil
	}
	maps, err := seq2seq.AttentionMaps(dec, data, []int{0, 1, 2, 3}) // fewer on a smaller test split
	if err != nil {
		return err
	}
	heatmaps, err := plots.AttentionFigure("attention heat-maps", maps...)
	if err != nil {
		return err
	}
	if err := heatmaps.Save(prefix + "-heatmaps.svg"); err != nil {
		return err
	}
	fmt.Println("wrote", prefix+"-heatmaps.svg")
	return nil
}

// s2sBench prints the attention model's train-step time at batch 64 against the PyTorch peer
// (best thread count) and the greedy decoding speed on the test words.
func s2sBench(args []string) error {
	_, b, data, err := s2sSetup("bench", args)
	if err != nil {
		return err
	}
	r, err := seq2seq.RunBench(b, data, 64)
	if err != nil {
		return err
	}
	fmt.Println(r)
	return nil
}
