package runstore

import (
	"fmt"
	"path/filepath"

	"github.com/dllessons/dllessons/pkg/datasets"
)

// Results is the module's committed results folder (results/ beside go.mod), or any folder
// laid out the same way: cnn/<data kind>/… and seq2seq/….
type Results struct{ Root string }

// CNN is the folder of the CNN runs on one kind of data.
func (r Results) CNN(kind datasets.ImageKind) CNN { return NewCNN(filepath.Join(r.Root, "cnn"), kind) }

// Seq2Seq is the folder of the seq2seq runs on one kind of data.
func (r Results) Seq2Seq(kind datasets.P2GKind) Seq2Seq {
	return NewSeq2Seq(filepath.Join(r.Root, "seq2seq"), kind)
}

// CNN is one folder of CNN runs on one kind of data: <run>.json, its figures, and
// checkpoints/<run>/ (the command's are <out>/<kind>/).
type CNN struct{ Dir string }

// NewCNN is the folder of kind's runs under dir (the command's --out).
func NewCNN(dir string, kind datasets.ImageKind) CNN {
	return CNN{Dir: filepath.Join(dir, string(kind))}
}

// Record is a run's JSON result.
func (c CNN) Record(run string) string { return filepath.Join(c.Dir, run+".json") }

// Checkpoints is a run's checkpoint folder.
func (c CNN) Checkpoints(run string) string { return filepath.Join(c.Dir, "checkpoints", run) }

// Confusion is a run's test confusion-matrix figure.
func (c CNN) Confusion(run string) string { return filepath.Join(c.Dir, run+"-confusion.svg") }

// Curves are the training-loss and validation-accuracy figures of a run, or of several runs
// together under the name SweepName.
func (c CNN) Curves(name string) (loss, valAccuracy string) {
	return filepath.Join(c.Dir, name+"-loss.svg"), filepath.Join(c.Dir, name+"-val-accuracy.svg")
}

// SweepName names the figures of several runs drawn together.
const SweepName = "sweep"

// SubsetKind names the data of runs trained on a seeded subset of n of kind's training images
// (n > 0): their folder is kept apart from that of the runs on all of them.
func SubsetKind(kind datasets.ImageKind, n int) datasets.ImageKind {
	if n <= 0 {
		return kind
	}
	return datasets.ImageKind(fmt.Sprintf("%s-subset%d", kind, n))
}

// Seq2Seq is one folder of seq2seq runs: for each model variant trained on a kind of data,
// <kind>-<variant>-<decoding>.json, the validation sweep of nucleus p, figures, the exported
// best model (models/<kind>-<variant>) and the checkpoints (checkpoints/<kind>-<variant>).
type Seq2Seq struct {
	Dir  string
	Kind datasets.P2GKind
}

// NewSeq2Seq is the folder dir (the command's --out, a notebook's run folder) for data of kind.
func NewSeq2Seq(dir string, kind datasets.P2GKind) Seq2Seq { return Seq2Seq{Dir: dir, Kind: kind} }

func (s Seq2Seq) run(variant string) string { return string(s.Kind) + "-" + variant }

// Record is the test evaluation of a variant with one decoding.
func (s Seq2Seq) Record(variant, decoding string) string {
	return filepath.Join(s.Dir, s.run(variant)+"-"+decoding+".json")
}

// NucleusSweep is a variant's sweep of nucleus p on the validation split.
func (s Seq2Seq) NucleusSweep(variant string) string {
	return filepath.Join(s.Dir, s.run(variant)+"-nucleus-validation.json")
}

// Curves is a variant's figure of validation error per epoch.
func (s Seq2Seq) Curves(variant string) string {
	return filepath.Join(s.Dir, s.run(variant)+"-curves.svg")
}

// Heatmaps is the base name (without .svg / .png) of a variant's attention heat-maps.
func (s Seq2Seq) Heatmaps(variant string) string {
	return filepath.Join(s.Dir, s.run(variant)+"-heatmaps")
}

// Model is the folder of a variant's exported best weights.
func (s Seq2Seq) Model(variant string) string { return filepath.Join(s.Dir, "models", s.run(variant)) }

// Checkpoints is a variant's checkpoint folder.
func (s Seq2Seq) Checkpoints(variant string) string {
	return filepath.Join(s.Dir, "checkpoints", s.run(variant))
}
