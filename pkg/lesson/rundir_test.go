package lesson

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunDirIsPerKernel(t *testing.T) {
	kernelA, kernelB := t.TempDir(), t.TempDir()
	t.Setenv(gonbTmpDirEnv, kernelA)
	first, err := RunDir("03-cnn")
	if err != nil {
		t.Fatal(err)
	}
	again, err := RunDir("03-cnn")
	if err != nil {
		t.Fatal(err)
	}
	if first != again || !strings.HasPrefix(first, kernelA) {
		t.Fatalf("one kernel, two cells: got %q and %q, want the same folder under %q", first, again, kernelA)
	}
	if st, err := os.Stat(first); err != nil || !st.IsDir() {
		t.Fatalf("RunDir did not create %q: %v", first, err)
	}
	t.Setenv(gonbTmpDirEnv, kernelB)
	other, err := RunDir("03-cnn")
	if err != nil {
		t.Fatal(err)
	}
	if other == first || !strings.HasPrefix(other, kernelB) {
		t.Fatalf("two kernels share %q", other)
	}
	tryIt, _ := RunDir("03-try-it")
	if tryIt == other {
		t.Fatal("two lesson runs of one kernel share a folder")
	}
}

func TestRunDirOutsideANotebookIsPerProcess(t *testing.T) {
	t.Setenv(gonbTmpDirEnv, "")
	a, err := RunDir("04-seq2seq")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := RunDir("04-seq2seq")
	if a != b || filepath.Dir(filepath.Dir(a)) != filepath.Clean(os.TempDir()) {
		t.Fatalf("got %q and %q, want one folder per process under %q", a, b, os.TempDir())
	}
	if filepath.Base(filepath.Dir(a)) == "dllessons-04-seq2seq" || !strings.HasPrefix(filepath.Base(filepath.Dir(a)), "dllessons-runs-") {
		t.Fatalf("%q is not inside a per-process folder", a)
	}
	t.Cleanup(func() { _ = os.RemoveAll(filepath.Dir(a)) })
	for _, bad := range []string{"", "../x", "a/b"} {
		if _, err := RunDir(bad); err == nil {
			t.Errorf("RunDir(%q) accepted", bad)
		}
	}
}

func TestMustPanicsWithTheError(t *testing.T) {
	if Must(7, nil) != 7 {
		t.Fatal("Must changed the value")
	}
	if a, b := Must2(1, "x", nil); a != 1 || b != "x" {
		t.Fatal("Must2 changed the values")
	}
	want := errors.New("data file missing: run make data")
	defer func() {
		if r := recover(); r != want {
			t.Fatalf("recovered %v, want %v", r, want)
		}
	}()
	Must(0, want)
}
