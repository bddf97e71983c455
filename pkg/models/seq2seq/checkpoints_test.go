package seq2seq

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

// killChildEnv makes the test binary a child that trains and blocks at the point named by its
// value ("save": between writing a checkpoint's files and committing them; "step": in the
// middle of an epoch), after creating the file killReadyEnv names.
const (
	killChildEnv = "DLLESSONS_TEST_KILL_CHILD"
	killDirEnv   = "DLLESSONS_TEST_KILL_DIR"
	killReadyEnv = "DLLESSONS_TEST_KILL_READY"
)

// killTestOptions is a tiny attention run with dropout (the RNG state must survive too).
func killTestOptions() Options {
	opts := tinyOptions(true)
	opts.Dropout, opts.BatchSize, opts.Epochs = 0.3, 2, 3
	return opts
}

// TestKillChild is the child process of the kill tests; it does nothing in a normal test run.
func TestKillChild(t *testing.T) {
	where := os.Getenv(killChildEnv)
	if where == "" {
		t.Skip("only run as the child of TestSIGKILL…")
	}
	block := func() {
		_ = os.WriteFile(os.Getenv(killReadyEnv), nil, 0o644)
		time.Sleep(time.Hour) // until SIGKILL
	}
	opts := killTestOptions()
	opts.CheckpointDir = os.Getenv(killDirEnv)
	saves := 0
	if where == "save" {
		trainer.BeforeCommit = func() {
			if saves++; saves == 2 {
				block()
			}
		}
	} else {
		opts.OnStep = func(p Progress) {
			if p.Epoch == 2 && p.Step == 2 {
				block()
			}
		}
	}
	tr, err := NewTrainer(backend.MustDefault(), tinyP2G(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(); err != nil {
		t.Fatal(err)
	}
	t.Fatal("the child was not killed")
}

// killChildAt runs TestKillChild in a new process training into dir, waits until it blocks at
// where, and SIGKILLs it.
func killChildAt(t *testing.T, where, dir string) {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "ready")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+where, killDirEnv+"="+dir, killReadyEnv+"="+ready)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the child never reached %q:\n%s", where, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("child: %v, want killed:\n%s", err, out.String())
	}
}

// TestSIGKILLDuringCheckpointSaveLosesNothing kills a training process (SIGKILL, no chance to
// clean up) while it writes its second checkpoint, and once in the middle of an epoch; a rerun
// resumes from the last complete checkpoint and ends with the same history and the same
// weights, Adam state and RNG state as a run never interrupted.
func TestSIGKILLDuringCheckpointSaveLosesNothing(t *testing.T) {
	if os.Getenv(killChildEnv) != "" {
		t.Skip("in the child")
	}
	data := tinyP2G(t)
	whole := trainSeq2SeqEpochs(t, data, killTestOptions(), t.TempDir(), 3)
	for _, where := range []string{"save", "step"} {
		dir := t.TempDir()
		killChildAt(t, where, dir)
		if where == "save" {
			leftovers, _ := filepath.Glob(filepath.Join(dir, trainer.TempPrefix+"*"))
			if len(leftovers) == 0 {
				t.Fatal("killed during a save, but no temporary file is left: the kill came at another moment")
			}
		}
		opts := killTestOptions()
		opts.CheckpointDir = dir
		tr, err := NewTrainer(backend.MustDefault(), data, opts)
		if err != nil {
			t.Fatalf("after a kill %s: %v", where, err)
		}
		if len(tr.History) != 1 {
			t.Fatalf("after a kill in epoch 2 (%s), the rerun found %d finished epochs, want 1", where, len(tr.History))
		}
		if err := tr.Train(); err != nil {
			t.Fatal(err)
		}
		compareSeq2SeqRuns(t, whole, tr)
		if leftovers, _ := filepath.Glob(filepath.Join(dir, trainer.TempPrefix+"*")); len(leftovers) != 0 {
			t.Errorf("temporary files left after the rerun: %v", leftovers)
		}
	}
}

// TestBrokenNewestCheckpointIsSetAside writes what GoMLX's own Save leaves when killed (an empty
// .json and a truncated .bin) as the newest checkpoint: the next run says so in one line, renames
// the pair to *.corrupt and resumes from the previous checkpoint, ending as an uninterrupted run.
func TestBrokenNewestCheckpointIsSetAside(t *testing.T) {
	data := tinyP2G(t)
	opts := killTestOptions()
	whole := trainSeq2SeqEpochs(t, data, opts, t.TempDir(), 3)
	dir := t.TempDir()
	trainSeq2SeqEpochs(t, data, opts, dir, 2)
	names, err := trainer.List(dir)
	if err != nil || len(names) != 2 {
		t.Fatalf("checkpoints after 2 epochs: %v, %v", names, err)
	}
	newest := filepath.Join(dir, names[1])
	bin, _ := os.ReadFile(newest + ".bin")
	if err := os.WriteFile(newest+".bin", bin[:len(bin)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(newest+".json", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var notes []string
	trainer.Note = func(line string) { notes = append(notes, line) }
	defer func() { trainer.Note = func(line string) { os.Stderr.WriteString(line + "\n") } }()
	resumed := trainSeq2SeqEpochs(t, data, opts, dir, 3)
	if len(notes) != 1 || !strings.Contains(notes[0], "incomplete or corrupt") || !strings.Contains(notes[0], names[1]) ||
		strings.Contains(notes[0], "\n") {
		t.Errorf("notes %q: want one line naming %s", notes, names[1])
	}
	t.Log(notes)
	if _, err := os.Stat(newest + ".json.corrupt"); err != nil {
		t.Errorf("the broken pair was not set aside: %v", err)
	}
	compareSeq2SeqRuns(t, whole, resumed)
}

// TestCheckpointOfOtherDataIsRefused: a seq2seq checkpoint trained on one data set is not
// continued on another with the same vocabularies and sizes (only the spellings' order differs);
// the message names both fingerprints and both ways out.
func TestCheckpointOfOtherDataIsRefused(t *testing.T) {
	data := tinyP2G(t)
	opts := tinyOptions(false)
	dir := t.TempDir()
	trainSeq2SeqEpochs(t, data, opts, dir, 1)
	other := tinyP2G(t)
	other.Train.Examples[0], other.Train.Examples[1] = other.Train.Examples[1], other.Train.Examples[0]
	if data.Phones.Size() != other.Phones.Size() || data.Chars.Size() != other.Chars.Size() {
		t.Fatal("the other data should have vocabularies of the same size")
	}
	opts.CheckpointDir, opts.Epochs = dir, 2
	_, err := NewTrainer(backend.MustDefault(), other, opts)
	if err == nil {
		t.Fatal("a checkpoint of other data was continued")
	}
	for _, want := range []string{data.Fingerprint(), other.Fingerprint(), "--resume=false", "--out"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	// A shorter schedule than the checkpoint's is refused.
	opts.Epochs = 0
	tr, err := NewTrainer(backend.MustDefault(), data, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(); err == nil || !strings.Contains(err.Error(), "already reached epoch 1, beyond --epochs 0") {
		t.Errorf("resuming 1 epoch as a run of 0: %v", err)
	}
	// Other settings (here the learning rate) are refused the same way.
	opts.LearningRate *= 2
	if _, err := NewTrainer(backend.MustDefault(), data, opts); err == nil || !strings.Contains(err.Error(), "lr=0.02") {
		t.Errorf("a checkpoint of lr=0.01 resumed as lr=0.02: %v", err)
	}
}
