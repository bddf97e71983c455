package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/models/runstore"
	"github.com/dllessons/dllessons/pkg/models/seq2seq"
)

func TestParseS2SFlagsRejectsUnknownModel(t *testing.T) {
	if _, err := parseS2SFlags("train", []string{"--model", "transformer"}); err == nil {
		t.Error("--model transformer was accepted")
	}
	if _, err := parseS2SFlags("test", []string{"--runs", "0"}); err == nil || !strings.Contains(err.Error(), "--runs 0") {
		t.Errorf("--runs 0: error %v", err)
	}
	f, err := parseS2SFlags("train", nil)
	if err != nil || f.epochs != 20 || f.seed != 42 || f.k != 3 || f.runs != 10 || len(f.experiment("train").Variants) != 2 {
		t.Errorf("defaults: %+v, %v", f, err)
	}
}

// TestTrainThenTuneP runs the command on a tiny data set: train one epoch of a few steps, then
// score nucleus sampling on the validation split at every candidate p.
func TestTrainThenTuneP(t *testing.T) {
	data, out := t.TempDir(), t.TempDir()
	lines := "k æ t\tcat\nd ɔ ɡ\tdog\nf ɪ ʃ\tfish\nb ɝ d\tbird\n"
	for _, f := range datasets.P2GSplitFiles {
		if err := os.WriteFile(filepath.Join(data, f), []byte(lines), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	common := []string{"--data", data, "--out", out, "--model", "vanilla"}
	if err := s2sTrain(append([]string{"--epochs", "1", "--max-steps", "2", "--runs", "2"}, common...)); err != nil {
		t.Fatal(err)
	}
	var nucleus seq2seq.Result
	if err := lesson.ReadJSON(filepath.Join(out, "course-vanilla-nucleus.json"), &nucleus); err != nil {
		t.Fatal(err)
	}
	if runs := nucleus.SamplingRuns; len(runs) != 2 || runs[0].Seed != 42 || runs[1].Seed != 43 || nucleus.TestWER != (runs[0].WER+runs[1].WER)/2 {
		t.Errorf("nucleus record: WER %g over runs %+v", nucleus.TestWER, runs)
	}
	if err := s2sTuneP(common); err != nil {
		t.Fatal(err)
	}
	var got seq2seq.NucleusSweepRecord
	if err := lesson.ReadJSON(filepath.Join(out, "course-vanilla-nucleus-validation.json"), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Points) != len(seq2seq.TopPCandidates) || !slices.Contains(seq2seq.TopPCandidates, got.BestTopP) || got.Points[0].Split != "valid" {
		t.Errorf("tune-p wrote %+v", got)
	}
}

func TestUnknownSubcommandNamesTheChoices(t *testing.T) {
	err := runSeq2seq([]string{"fit"})
	if err == nil || !strings.Contains(err.Error(), `"fit"`) || !strings.Contains(err.Error(), "train, test, tune-p, bench") {
		t.Errorf("error %v", err)
	}
	if err := runCNN(nil); err == nil || !strings.Contains(err.Error(), "usage: dllessons cnn train|test|params|bench") {
		t.Errorf("error %v", err)
	}
}

// TestCommandAndLessonWriteTheSameRecords runs `dllessons seq2seq train` and the call lesson 4
// makes (seq2seq.Run with the course's experiment, trimmed the same way) on the same tiny
// data: the records must agree in everything but wall-clock times and the command line.
func TestCommandAndLessonWriteTheSameRecords(t *testing.T) {
	dataDir, cliOut, lessonOut := t.TempDir(), t.TempDir(), t.TempDir()
	lines := "k æ t\tcat\nd ɔ ɡ\tdog\nf ɪ ʃ\tfish\nb ɝ d\tbird\n"
	for _, f := range datasets.P2GSplitFiles {
		if err := os.WriteFile(filepath.Join(dataDir, f), []byte(lines), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := s2sTrain([]string{"--data", dataDir, "--out", cliOut, "--epochs", "2", "--max-steps", "2", "--runs", "2", "--beam", "2"}); err != nil {
		t.Fatal(err)
	}
	data, err := datasets.LoadP2G(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	absent := runstore.NewSeq2Seq(t.TempDir(), data.Kind) // no command's models: the lesson trains
	exp := seq2seq.CourseExperiment()
	exp.Epochs, exp.MaxSteps, exp.Nucleus.Runs, exp.BeamWidth = 2, 2, 2, 2
	exp.Resume, exp.Pretrained, exp.TopPs, exp.Command = false, &absent, []float64{0.5, 0.9}, "notebooks/04_seq2seq_p2g.ipynb"
	lesson := seq2seq.NewRecords(lessonOut, data.Kind)
	if _, err := seq2seq.Run(backend.MustDefault(), data, exp, lesson.Store); err != nil {
		t.Fatal(err)
	}
	cli := seq2seq.NewRecords(cliOut, data.Kind)
	for _, v := range seq2seq.Variants {
		for _, d := range seq2seq.DecodingKinds {
			want, got := recordWithoutClock(t, cli.Store.Record(string(v), string(d))), recordWithoutClock(t, lesson.Store.Record(string(v), string(d)))
			if !reflect.DeepEqual(want, got) {
				t.Errorf("%s/%s: the command wrote\n%v\nthe lesson\n%v", v, d, want, got)
			}
		}
	}
}

// recordWithoutClock reads a JSON record without its wall-clock fields and command line.
func recordWithoutClock(t *testing.T, path string) map[string]any {
	t.Helper()
	var rec map[string]any
	if err := lesson.ReadJSON(path, &rec); err != nil {
		t.Fatal(err)
	}
	delete(rec, "seconds")
	delete(rec, "decode_seconds")
	delete(rec, "command")
	for _, e := range rec["history"].([]any) {
		delete(e.(map[string]any), "seconds")
	}
	return rec
}
