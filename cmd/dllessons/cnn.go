package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/gomlx/compute"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/models/cnn"
	"github.com/dllessons/dllessons/pkg/models/runstore"
	"github.com/dllessons/dllessons/pkg/models/torchpeer"
)

func init() {
	register("cnn", "CNN on 48x48 images, with/without batch norm: train|test|params|bench", runCNN)
}

func runCNN(args []string) error {
	return runSubcommand("cnn", []subcommand{{"train", cnnTrain}, {"test", cnnTest},
		{"params", cnnParamsCommand}, {"bench", cnnBench}}, args)
}

// cnnFlags are the flags train and test share.
type cnnFlags struct {
	backend, data, out string
	lr                 float64
	bn, all, resume    bool
	epochs, subset     int
	seed               uint64
}

func parseCNNFlags(name string, args []string) (*cnnFlags, error) {
	f := &cnnFlags{}
	course := cnn.CourseExperiment()
	fs := flag.NewFlagSet("cnn "+name, flag.ContinueOnError)
	fs.StringVar(&f.backend, "backend", "", "go (default) or xla; see README")
	fs.StringVar(&f.data, "data", "", "the course's intel_landscapes.v2.npz, or a Kaggle-layout directory (seg_train/, seg_test/); default: built-in Fashion-MNIST")
	fs.StringVar(&f.out, "out", "results/cnn", "folder for JSON results, figures and checkpoints")
	fs.Float64Var(&f.lr, "lr", 0.01, "SGD learning rate")
	fs.BoolVar(&f.bn, "bn", false, "the batch-norm variant")
	fs.BoolVar(&f.all, "all", false, "run the course's runs: "+cnn.DescribeRuns(course.Runs)+", then batch norm at the η with the best final validation accuracy")
	fs.BoolVar(&f.resume, "resume", course.Resume, "continue from the run's checkpoint if there is one (false: start over)")
	fs.IntVar(&f.epochs, "epochs", course.Budget.Epochs, "epochs")
	fs.IntVar(&f.subset, "subset", 0, "train on a seeded subset of this many training images (0: all)")
	fs.Uint64Var(&f.seed, "seed", course.Seed, "random seed (initial weights, dropout, shuffling, splits)")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	err := flagProblems(finitePositive("lr", f.lr), atLeast("epochs", f.epochs, 1), atLeast("subset", f.subset, 0))
	if err == nil && name == "train" {
		err = flagProblems(writableDir("out", f.out)) // only once the rest is valid: a bad value creates nothing
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// runs returns the runs the flags ask for; with --all, the sweep without batch norm (the
// batch-norm run's rate is chosen from the sweep's results).
func (f *cnnFlags) runs() []cnn.RunSpec {
	if f.all {
		return cnn.SweepRuns
	}
	return []cnn.RunSpec{{Variant: cnn.Variant{BatchNorm: f.bn}, LearningRate: f.lr}}
}

// store is the folder of the runs on data (kept apart for a --subset).
func (f *cnnFlags) store(data *datasets.Images) runstore.CNN {
	return runstore.NewCNN(f.out, runstore.SubsetKind(data.Kind, f.subset))
}

// experiment is the run the flags describe: the same cnn.Run as lesson 3.
func (f *cnnFlags) experiment() cnn.Experiment {
	exp := cnn.CourseExperiment()
	exp.Runs, exp.Budget.Epochs, exp.Seed, exp.Resume = f.runs(), f.epochs, f.seed, f.resume
	exp.BatchNormAtBest = f.all       // --all: the sweep, then batch norm at the η chosen by validation
	exp.Budget.TrainImages = f.subset // a seeded subset of the training images (0: all)
	exp.Log = os.Stdout
	return exp
}

func (f *cnnFlags) load() (compute.Backend, *datasets.Images, error) {
	b, err := backend.New(f.backend)
	if err != nil {
		return nil, nil, err
	}
	fmt.Println("backend:", backend.Describe(b))
	start := time.Now()
	data, err := datasets.LoadImages(f.data, f.seed)
	if err != nil {
		return nil, nil, err
	}
	fmt.Printf("data: %s [%s], %s; train/val/test %d/%d/%d (loaded in %s)\n", data.Source, data.Kind, data.Layout,
		data.Train.Len(), data.Val.Len(), data.Test.Len(), time.Since(start).Round(time.Millisecond))
	return b, data, nil
}

func cnnTrain(args []string) error {
	f, err := parseCNNFlags("train", args)
	if err != nil {
		return err
	}
	b, data, err := f.load()
	if err != nil {
		return err
	}
	store := f.store(data)
	results, err := cnn.Run(b, data, f.experiment(), store)
	if err != nil {
		return err
	}
	fmt.Print(cnn.ResultsTable(results).String())
	if line, ok := cnn.ScheduleTime(results); ok {
		fmt.Println(line)
	}
	fmt.Println("results and figures in", store.Dir)
	return nil
}

// testRuns are the runs `cnn test` evaluates: with --all, the sweep and each batch-norm run
// that has a checkpoint (its rate was chosen from the sweep).
func (f *cnnFlags) testRuns(data *datasets.Images) []cnn.RunSpec {
	runs := f.runs()
	if !f.all {
		return runs
	}
	for _, s := range cnn.SweepRuns {
		bn := cnn.RunSpec{Variant: cnn.Variant{BatchNorm: true}, LearningRate: s.LearningRate}
		if dirExists(f.store(data).Checkpoints(bn.Name())) {
			runs = append(runs, bn)
		}
	}
	return runs
}

func dirExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// cnnTest evaluates the checkpoints of the asked runs on the test split.
func cnnTest(args []string) error {
	f, err := parseCNNFlags("test", args)
	if err != nil {
		return err
	}
	b, data, err := f.load()
	if err != nil {
		return err
	}
	data = f.experiment().Budget.Apply(data, f.seed) // the data the runs trained on
	for _, run := range f.testRuns(data) {
		ckptDir := f.store(data).Checkpoints(run.Name())
		if _, err := os.Stat(ckptDir); err != nil {
			return fmt.Errorf("no checkpoint for %s at %q: train it first (same --data, --subset, --seed, --out)", run.Name(), ckptDir)
		}
		opts := cnn.DefaultOptions(run.Variant, run.LearningRate)
		opts.Seed, opts.CheckpointDir, opts.DataFingerprint = f.seed, ckptDir, data.Fingerprint()
		t, err := cnn.NewTrainer(b, opts)
		if err != nil {
			return err
		}
		preds, err := t.Predict(data.Test)
		if err != nil {
			return err
		}
		cm := cnn.ConfusionMatrix(preds, data.Test.Labels, len(data.Classes))
		correct := 0
		for i := range cm {
			correct += cm[i][i]
		}
		fmt.Printf("%s after %d epochs: test accuracy %.2f%% (%d/%d)\n", run.Name(), len(t.History),
			100*float64(correct)/float64(data.Test.Len()), correct, data.Test.Len())
		table := &lesson.Table{Title: "confusion (rows: true class, columns: predicted)", Headers: append([]string{""}, data.Classes...)}
		for i, row := range cm {
			cells := []any{data.Classes[i]}
			for _, c := range row {
				cells = append(cells, c)
			}
			table.AddRow(cells...)
		}
		fmt.Print(table.String())
	}
	return nil
}

func cnnParamsCommand(args []string) error {
	if err := parseFlags(flag.NewFlagSet("cnn params", flag.ContinueOnError), args); err != nil {
		return err
	}
	return cnnParams()
}

func cnnParams() error {
	for _, v := range []cnn.Variant{{BatchNorm: false}, {BatchNorm: true}} {
		t, err := cnn.ParamTable(v)
		if err != nil {
			return err
		}
		fmt.Println(t.String())
	}
	return nil
}

// cnnBench times train steps of both variants against the PyTorch peer in the same run.
func cnnBench(args []string) error {
	fs := flag.NewFlagSet("cnn bench", flag.ContinueOnError)
	backendName := fs.String("backend", "", "go (default) or xla")
	steps := fs.Int("steps", 20, "timed steps per measurement (after 3 warm-up steps)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := flagProblems(atLeast("steps", *steps, 1)); err != nil {
		return err
	}
	b, err := backend.New(*backendName)
	if err != nil {
		return err
	}
	fmt.Println("backend:", backend.Describe(b))
	peer, err := torchpeer.Check() // fails, before any timing, where the peer cannot run fairly
	if err != nil {
		return err
	}
	fmt.Println(peer.Describe())
	t := &lesson.Table{Title: "Train step, median ms (PyTorch: best of 1 and 2 threads)",
		Headers: []string{"model", "batch", "Go ms", "PyTorch ms", "PyTorch threads, BLAS", "Go / PyTorch"}}
	for _, v := range []cnn.Variant{{BatchNorm: false}, {BatchNorm: true}} {
		for _, batch := range []int{8, 64} {
			goT, err := cnn.TimeStep(b, v, batch, 3, *steps)
			if err != nil {
				return err
			}
			torchT, err := cnn.TimeTorchStep(v, batch, *steps, 1, 2)
			if err != nil {
				return err
			}
			t.AddRow(v.Name(), batch, fmt.Sprintf("%.1f", goT.Median.Seconds()*1000), fmt.Sprintf("%.1f", torchT.Median.Seconds()*1000),
				torchT.Peer(), fmt.Sprintf("%.2f×", goT.Median.Seconds()/torchT.Median.Seconds()))
		}
	}
	fmt.Print(t.String())
	return nil
}
