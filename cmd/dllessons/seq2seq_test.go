package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/models/seq2seq"
)

func TestWatchStallFiresOnlyWithoutProgress(t *testing.T) {
	var last atomic.Int64
	last.Store(time.Now().UnixNano())
	fired := make(chan struct{}, 1)
	stop := watchStall(&last, 100*time.Millisecond, func() { fired <- struct{}{} })
	defer close(stop)
	for range 6 { // steps keep finishing: no alarm
		time.Sleep(40 * time.Millisecond)
		last.Store(time.Now().UnixNano())
	}
	select {
	case <-fired:
		t.Fatal("the watchdog fired while steps were finishing")
	default:
	}
	select { // no more steps: it must fire
	case <-fired:
	case <-time.After(2 * time.Second):
		t.Fatal("the watchdog did not fire after 2 s without a step")
	}
}

func TestParseS2SFlagsRejectsUnknownModel(t *testing.T) {
	if _, err := parseS2SFlags("train", []string{"--model", "transformer"}); err == nil {
		t.Error("--model transformer was accepted")
	}
	if _, err := parseS2SFlags("test", []string{"--runs", "0"}); err == nil || !strings.Contains(err.Error(), "--runs 0") {
		t.Errorf("--runs 0: error %v", err)
	}
	f, err := parseS2SFlags("train", nil)
	if err != nil || f.epochs != 20 || f.seed != 42 || f.k != 3 || f.runs != 10 || len(f.models()) != 2 {
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
