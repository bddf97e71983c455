package main

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dllessons/dllessons/pkg/datasets"
)

// TestEveryCommandAnswersHelp: -h on every command and every subcommand prints its usage and
// ends as help (exit status 0), not as an unknown subcommand.
func TestEveryCommandAnswersHelp(t *testing.T) {
	calls := [][]string{
		{"cnn", "-h"}, {"cnn", "train", "-h"}, {"cnn", "test", "-h"}, {"cnn", "params", "-h"}, {"cnn", "bench", "-h"},
		{"seq2seq", "-h"}, {"seq2seq", "train", "-h"}, {"seq2seq", "test", "-h"}, {"seq2seq", "tune-p", "-h"},
		{"seq2seq", "bench", "-h"}, {"hopfield", "-h"}, {"notebooks", "-h"}, {"notebooks", "run", "-h"},
		{"screenshots", "-h"}, {"setup", "-h"}, {"setup", "kernel", "-h"}, {"cnn", "--help"}, {"seq2seq", "help"},
	}
	for _, args := range calls {
		if err := commands[args[0]].run(args[1:]); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("dllessons %s: %v, want help", strings.Join(args, " "), err)
		}
	}
	for name := range commands {
		if err := commands[name].run([]string{"-h"}); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("dllessons %s -h: %v, want help", name, err)
		}
	}
}

// TestBadFlagValuesStopBeforeAnyWork: every bad value is one line naming the flag, returned
// before a backend, data or output folder is touched (out stays absent).
func TestBadFlagValuesStopBeforeAnyWork(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"cnn", "train", "--lr", "Inf"}, "--lr +Inf: must be a finite number > 0"},
		{[]string{"cnn", "train", "--lr", "NaN"}, "--lr NaN: must be a finite number > 0"},
		{[]string{"cnn", "train", "--lr", "-0.1"}, "--lr -0.1: must be a finite number > 0"},
		{[]string{"cnn", "train", "--lr", "0"}, "--lr 0: must be a finite number > 0"},
		{[]string{"cnn", "train", "--epochs", "0"}, "--epochs 0: must be at least 1"},
		{[]string{"cnn", "train", "--subset", "-5"}, "--subset -5: must be at least 0"},
		{[]string{"cnn", "test", "--lr", "1e400"}, "invalid value"},
		{[]string{"cnn", "train", "FILE.npz"}, `unexpected argument "FILE.npz": every input is a flag (e.g. --data FILE.npz)`},
		{[]string{"cnn", "params", "extra"}, `unexpected argument "extra"`},
		{[]string{"cnn", "bench", "--steps", "0"}, "--steps 0: must be at least 1"},
		{[]string{"seq2seq", "train", "--epochs", "0"}, "--epochs 0: must be at least 1"},
		{[]string{"seq2seq", "train", "--stall", "0"}, "--stall 0s: must be longer than 0"},
		{[]string{"seq2seq", "train", "--stall", "-1m"}, "--stall -1m0s: must be longer than 0"},
		{[]string{"seq2seq", "test", "--top-p", "0"}, "--top-p 0: must be in (0, 1]"},
		{[]string{"seq2seq", "test", "--top-p", "1.5"}, "--top-p 1.5: must be in (0, 1]"},
		{[]string{"seq2seq", "train", "--top-p", "NaN"}, "--top-p NaN: must be in (0, 1]"},
		{[]string{"seq2seq", "train", "--k", "0"}, "--k 0: must be at least 1"},
		{[]string{"seq2seq", "tune-p", "--k", "-2"}, "--k -2: must be at least 1"},
		{[]string{"seq2seq", "train", "--beam", "0"}, "--beam 0: must be at least 1"},
		{[]string{"seq2seq", "train", "--max-steps", "-1"}, "--max-steps -1: must be at least 0"},
		{[]string{"seq2seq", "train", "--model", "transformer"}, `--model "transformer": use vanilla, attention or both`},
		{[]string{"seq2seq", "train", "data/"}, `unexpected argument "data/"`},
		{[]string{"seq2seq", "train", "--epochs", "0", "--k", "0"}, "--epochs 0: must be at least 1; --k 0: must be at least 1"},
		{[]string{"hopfield", "--instances", "0"}, "--instances 0: must be at least 1"},
		{[]string{"notebooks", "run", "--cell-timeout", "0"}, "--cell-timeout 0s: must be longer than 0"},
		{[]string{"setup", "kernel", "now"}, `unexpected argument "now"`},
		{[]string{"cnn", "train", "--seed", "-1"}, `invalid value "-1" for flag -seed: parse error (see dllessons cnn train -h)`},
		{[]string{"seq2seq", "train", "--frobnicate"}, "flag provided but not defined: -frobnicate"},
		{[]string{"notebooks", "run", "--quick=maybe"}, `invalid boolean value "maybe" for -quick`},
		{[]string{"seq2seq", "train", "--out", ""}, "--out is empty: name a folder"},
	}
	for _, c := range cases {
		args := append(c.args[1:], "--out", out)
		if c.args[0] == "notebooks" || c.args[0] == "setup" || c.args[1] == "params" || c.args[1] == "bench" || slices.Contains(c.args, "--out") {
			args = c.args[1:]
		}
		start := time.Now()
		err := commands[c.args[0]].run(args)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("dllessons %s: %v, want one line with %q", strings.Join(c.args, " "), err, c.want)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("dllessons %s took %s before refusing", strings.Join(c.args, " "), took)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused command created %s", out)
	}
}

// TestUnwritableOutIsAPermissionProblem: --out in a folder nobody may write to (for root, an
// immutable one) is refused before training, named as a permission problem; an --out that is
// a file is refused too.
func TestUnwritableOutIsAPermissionProblem(t *testing.T) {
	locked := t.TempDir()
	if os.Geteuid() == 0 {
		if err := exec.Command("chattr", "+i", locked).Run(); err != nil {
			t.Skipf("running as root and chattr +i is not available: %v", err)
		}
		defer exec.Command("chattr", "-i", locked).Run()
	} else {
		if err := os.Chmod(locked, 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(locked, 0o755)
	}
	for _, cmd := range [][]string{{"cnn", "train"}, {"seq2seq", "train"}, {"seq2seq", "test"}, {"hopfield"}} {
		err := commands[cmd[0]].run(append(cmd[1:], "--out", filepath.Join(locked, "results")))
		if err == nil || !strings.Contains(err.Error(), "permission problem") || !strings.Contains(err.Error(), locked) {
			t.Errorf("dllessons %s into a read-only folder: %v", strings.Join(cmd, " "), err)
		}
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := runCNN([]string{"train", "--out", file}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("--out naming a file: %v", err)
	}
}

// TestAttentionOnATinyTestSplit trains and tests the attention model where the test split has
// fewer words (3) than the heat-map figure shows (4): no panic, a figure of the 3.
func TestAttentionOnATinyTestSplit(t *testing.T) {
	data, out := t.TempDir(), t.TempDir()
	train := "k æ t\tcat\nd ɔ ɡ\tdog\nf ɪ ʃ\tfish\nb ɝ d\tbird\n"
	for i, text := range []string{train, train, "k æ t\tcat\nd ɔ ɡ\tdog\nf ɪ ʃ\tfish\n"} {
		if err := os.WriteFile(filepath.Join(data, datasets.P2GSplitFiles[i]), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"--data", data, "--out", out, "--model", "attention", "--epochs", "1", "--max-steps", "1", "--runs", "1", "--beam", "2"}
	if err := s2sTrain(args); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(filepath.Join(out, "course-attention-heatmaps.svg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, word := range []string{"cat", "dog", "fish"} {
		if !strings.Contains(string(svg), word+" →") {
			t.Errorf("the heat-maps lack %q", word)
		}
	}
	if err := s2sTest(args); err != nil {
		t.Fatal(err)
	}
}

// TestTrainingLogHasNoProgressFrames: with stdout a file, `seq2seq train` writes plain lines
// (one per epoch here), never a progress bar's carriage-return frames.
func TestTrainingLogHasNoProgressFrames(t *testing.T) {
	data := t.TempDir()
	words := "k æ t\tcat\nd ɔ ɡ\tdog\nf ɪ ʃ\tfish\nb ɝ d\tbird\n"
	for i, text := range []string{strings.Repeat(words, 400), words, words} { // 25 steps of 64 words per epoch
		if err := os.WriteFile(filepath.Join(data, datasets.P2GSplitFiles[i]), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	logFile, err := os.Create(filepath.Join(t.TempDir(), "train.log"))
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = logFile
	err = s2sTrain([]string{"--data", data, "--out", t.TempDir(), "--model", "vanilla", "--epochs", "2", "--runs", "1", "--beam", "1"})
	os.Stdout = stdout
	logFile.Close()
	if err != nil {
		t.Fatal(err)
	}
	log, err := os.ReadFile(logFile.Name())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(log), "\r") || strings.Count(string(log), "vanilla epoch ") != 2 {
		t.Errorf("the log has progress frames or not one line per epoch:\n%q", log)
	}
}
