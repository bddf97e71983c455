package notebooks

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// loopingNotebook is a lesson whose second cell writes its program's process id to mark and
// then keeps a core busy for ever.
func loopingNotebook(mark string) []byte {
	return codeNotebook("%%\nfmt.Println(\"start\")",
		"%%\nif err := os.WriteFile("+strconv.Quote(mark)+", []byte(fmt.Sprint(os.Getpid())), 0o644); err != nil {\n\tpanic(err)\n}\nfor {\n}")
}

// waitForMark waits until the cell program wrote its pid to mark.
func waitForMark(t *testing.T, mark string, errs <-chan error) int {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(mark); err == nil && len(data) > 0 {
			pid, _ := strconv.Atoi(string(data))
			return pid
		}
		select {
		case err := <-errs:
			t.Fatalf("the run ended before the looping cell started: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatal("the looping cell never started")
	return 0
}

// TestInterruptEndsKernelAndCellProgram cancels a run (as Ctrl-C does) while a cell loops: Run
// returns within seconds and the driver, the kernel, gopls and the cell's program are gone.
func TestInterruptEndsKernelAndCellProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("executes a notebook")
	}
	requireJupyter(t)
	dir := t.TempDir()
	mark := filepath.Join(dir, "cell.pid")
	if err := os.WriteFile(filepath.Join(dir, "loop.ipynb"), loopingNotebook(mark), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errs := make(chan error, 1)
	go func() {
		_, err := Run(ctx, Options{Dir: dir, OutDir: filepath.Join(dir, "out"), Log: testWriter{t}})
		errs <- err
	}()
	cellPID := waitForMark(t, mark, errs)
	started := Descendants(os.Getpid())
	if len(started) < 3 {
		t.Fatalf("processes of the run: %v, want at least the driver, the kernel and the cell program", started)
	}
	cancel()
	start := time.Now()
	select {
	case err := <-errs:
		if err == nil || !strings.Contains(err.Error(), "interrupted") {
			t.Errorf("interrupted run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return within 15 s of the interrupt")
	}
	t.Logf("returned %s after the interrupt; ended %d processes", time.Since(start).Round(time.Millisecond), len(started))
	for _, pid := range append(started, cellPID) {
		if Alive(pid) {
			t.Errorf("process %d is still running after the interrupt", pid)
		}
	}
}

// TestRunnerFailuresAreOneLine: a malformed notebook, a compile error and a cell time-out are
// each reported in one line with file and cell, the compiler's message included, no traceback;
// the timed-out cell's program does not survive.
func TestRunnerFailuresAreOneLine(t *testing.T) {
	if testing.Short() {
		t.Skip("executes notebooks")
	}
	requireJupyter(t)
	dir := t.TempDir()
	mark := filepath.Join(dir, "cell.pid")
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a_malformed.ipynb", []byte(`{"cells": [`))
	write("b_compile.ipynb", codeNotebook("%%\nx := undefinedThing + 1\nfmt.Println(x)"))
	write("c_timeout.ipynb", loopingNotebook(mark))
	var log strings.Builder
	results, err := Run(context.Background(), Options{Dir: dir, OutDir: filepath.Join(dir, "out"), CellTimeout: 10 * time.Second, Log: &log})
	if err == nil || len(results) != 3 {
		t.Fatalf("%d results, error %v", len(results), err)
	}
	wants := []string{"malformed notebook: NotJSONError", "cell 2 (%% …): error output ERROR: ./main.go:", "cell 3 (%% …): timed out after 10 s"}
	for i, r := range results {
		if len(r.Problems) != 1 || !strings.Contains(r.Problems[0], wants[i]) {
			t.Errorf("%s: problems %q, want %q", r.Name, r.Problems, wants[i])
		}
	}
	if !strings.Contains(strings.Join(results[1].Problems, ""), "undefined: undefinedThing") {
		t.Errorf("the compile error lacks the compiler's message: %q", results[1].Problems)
	}
	for _, line := range strings.Split(log.String(), "\n") {
		if strings.Contains(line, "Traceback") || strings.HasPrefix(line, " ") {
			t.Errorf("log line %q: want one line per failure", line)
		}
	}
	t.Log(log.String())
	if data, err := os.ReadFile(mark); err == nil {
		if pid, _ := strconv.Atoi(string(data)); Alive(pid) {
			t.Errorf("the timed-out cell's program %d is still running", pid)
		}
	}
}
