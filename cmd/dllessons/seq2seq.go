package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/gomlx/compute"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/models/runstore"
	"github.com/dllessons/dllessons/pkg/models/seq2seq"
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
	course := seq2seq.CourseExperiment()
	fs := flag.NewFlagSet("seq2seq "+name, flag.ContinueOnError)
	fs.StringVar(&f.backend, "backend", "", "go (default) or xla; see README")
	fs.StringVar(&f.data, "data", "", "the data: "+datasets.P2GDataChoices+" (default: $"+datasets.P2GDataEnv+", else \""+datasets.CourseP2GName+"\")")
	fs.StringVar(&f.out, "out", "results/seq2seq", "folder for JSON results, figures, models and checkpoints")
	fs.StringVar(&f.model, "model", "both", "vanilla, attention or both")
	fs.IntVar(&f.epochs, "epochs", course.Epochs, fmt.Sprintf("epochs (the course: %d)", course.Epochs))
	fs.Uint64Var(&f.seed, "seed", course.Seed, "random seed (initial weights, dropout, shuffling, sampling)")
	fs.Float64Var(&f.topP, "top-p", course.Nucleus.TopP, "nucleus sampling: keep the most likely characters up to this probability mass")
	fs.IntVar(&f.k, "k", course.Nucleus.K, "nucleus sampling: samples per word (WER@k)")
	fs.IntVar(&f.runs, "runs", course.Nucleus.Runs, "nucleus sampling: independent runs (seeds seed, seed+1, …) whose test scores are averaged")
	fs.IntVar(&f.beam, "beam", course.BeamWidth, "beam search width")
	fs.IntVar(&f.maxSteps, "max-steps", 0, "stop each epoch after this many steps (0: whole epochs; for quick trials)")
	fs.BoolVar(&f.resume, "resume", course.Resume, "continue from the run's checkpoint if there is one (false: start over)")
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
	case string(seq2seq.Vanilla), string(seq2seq.Attention), "both":
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

// experiment is the run the flags describe; name is the subcommand.
func (f *s2sFlags) experiment(name string) seq2seq.Experiment {
	exp := seq2seq.CourseExperiment()
	switch f.model {
	case string(seq2seq.Vanilla), string(seq2seq.Attention):
		exp.Variants = []seq2seq.Variant{seq2seq.Variant(f.model)}
	}
	exp.Epochs, exp.MaxSteps, exp.Seed, exp.Resume = f.epochs, f.maxSteps, f.seed, f.resume
	exp.Nucleus = seq2seq.Decoding{TopP: f.topP, K: f.k, Runs: f.runs}
	exp.BeamWidth, exp.TestOnly = f.beam, name != "train"
	exp.Stall, exp.OnStall = f.stall, exitStalled(f.stall)
	exp.Command = strings.Join(append([]string{"dllessons"}, os.Args[1:]...), " ")
	exp.Log = os.Stdout
	return exp
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

// s2sTrain trains (or resumes) each model, exports its best weights and tests it: the same
// seq2seq.Run as lesson 4.
func s2sTrain(args []string) error { return s2sRun("train", args) }

// s2sTest evaluates the exported models with greedy decoding, nucleus sampling and beam search.
func s2sTest(args []string) error { return s2sRun("test", args) }

func s2sRun(name string, args []string) error {
	f, b, data, err := s2sSetup(name, args)
	if err != nil {
		return err
	}
	if _, err = seq2seq.Run(b, data, f.experiment(name), runstore.NewSeq2Seq(f.out, data.Kind)); err == nil {
		fmt.Println("results and figures in", f.out)
	}
	return err
}

// exitStalled dumps the goroutines and exits: a stuck backend cannot be interrupted from
// inside, and the checkpoint lets a rerun continue.
func exitStalled(limit time.Duration) func(ckpt string) {
	return func(ckpt string) {
		_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 2)
		fmt.Fprintf(os.Stderr, "\ndllessons seq2seq: no training step finished in %s: the run is stalled (goroutines above).\n"+
			"Rerun the same command to resume from the last checkpoint in %s.\n", limit, ckpt)
		os.Exit(3)
	}
}

// s2sTuneP scores nucleus sampling of each exported model on the validation split at several p
// (the test words stay unseen) and writes its sweep record.
func s2sTuneP(args []string) error {
	f, b, data, err := s2sSetup("tune-p", args)
	if err != nil {
		return err
	}
	store := runstore.NewSeq2Seq(f.out, data.Kind)
	if _, err = seq2seq.TuneTopP(b, data, f.experiment("tune-p"), store, seq2seq.TopPCandidates); err == nil {
		fmt.Println("sweep records in", f.out)
	}
	return err
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
