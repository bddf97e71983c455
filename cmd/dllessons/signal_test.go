package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dllessons/dllessons/pkg/notebooks"
)

// asMainEnv makes the test binary run main() with the arguments that follow "--" (tests of
// whole-process behaviour: signals, exit status).
const asMainEnv = "DLLESSONS_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		for i, arg := range os.Args {
			if arg == "--" {
				os.Args = append([]string{"dllessons"}, os.Args[i+1:]...)
				break
			}
		}
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// loopingNotebook is a GoNB notebook whose cell writes its program's pid to mark and loops.
func loopingNotebook(mark string) []byte {
	source := "%%\nif err := os.WriteFile(" + strconv.Quote(mark) + ", []byte(fmt.Sprint(os.Getpid())), 0o644); err != nil {\n\tpanic(err)\n}\nfor {\n}"
	nb := map[string]any{"nbformat": 4, "nbformat_minor": 5, "metadata": map[string]any{
		"kernelspec": map[string]any{"name": "gonb", "display_name": "Go (gonb)", "language": "go"}, "dllessons": map[string]any{"figures": 0}},
		"cells": []any{map[string]any{"cell_type": "code", "metadata": map[string]any{}, "execution_count": nil, "outputs": []any{}, "source": source}}}
	data, _ := json.Marshal(nb)
	return data
}

// TestCtrlCOfNotebookRunEndsEverything sends SIGINT (what Ctrl-C sends) to `dllessons notebooks
// run` while a cell loops: it exits within a few seconds, with one line, and leaves no process.
func TestCtrlCOfNotebookRunEndsEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("executes a notebook")
	}
	if _, err := exec.LookPath(notebooks.Python); err != nil {
		t.Skip("no Jupyter")
	}
	dir := t.TempDir()
	mark := filepath.Join(dir, "cell.pid")
	if err := os.WriteFile(filepath.Join(dir, "loop.ipynb"), loopingNotebook(mark), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "notebooks", "run", "--dir", dir, "--out", filepath.Join(dir, "out"))
	cmd.Env = append(os.Environ(), asMainEnv+"=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	deadline := time.Now().Add(3 * time.Minute)
	var cellPID int
	for cellPID == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the looping cell never started:\n%s", stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
		if data, err := os.ReadFile(mark); err == nil {
			cellPID, _ = strconv.Atoi(string(data))
		}
	}
	started := notebooks.Descendants(cmd.Process.Pid)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	start := time.Now()
	select {
	case err := <-done:
		if err == nil {
			t.Error("an interrupted run exited with status 0")
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("dllessons notebooks run still running 10 s after Ctrl-C:\n%s", stderr.String())
	}
	t.Logf("exited %s after SIGINT; its %d processes: %v", time.Since(start).Round(time.Millisecond), len(started), started)
	for _, pid := range append(started, cellPID) {
		if notebooks.Alive(pid) {
			t.Errorf("process %d is still running after Ctrl-C", pid)
		}
	}
	last := strings.TrimSpace(stderr.String())
	if i := strings.LastIndexByte(last, '\n'); i >= 0 {
		last = last[i+1:]
	}
	if !strings.Contains(last, "interrupted") || strings.Contains(stderr.String(), "Traceback") {
		t.Errorf("stderr ends with %q, want one line saying the run was interrupted:\n%s", last, stderr.String())
	}
}

// TestHelpAndErrorsExitStatus runs the command as a process: -h exits 0, no command 2, a bad
// flag value 1 with one line on stderr.
func TestHelpAndErrorsExitStatus(t *testing.T) {
	cases := []struct {
		args   []string
		status int
	}{{[]string{"-h"}, 0}, {[]string{"cnn", "-h"}, 0}, {[]string{"seq2seq", "train", "-h"}, 0}, {nil, 2},
		{[]string{"seq2seq", "train", "--epochs", "0"}, 1}}
	for _, c := range cases {
		cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, c.args...)...)
		cmd.Env = append(os.Environ(), asMainEnv+"=1")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		status := 0
		if exit, ok := err.(*exec.ExitError); ok {
			status = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if status != c.status {
			t.Errorf("dllessons %s: exit status %d, want %d:\n%s", strings.Join(c.args, " "), status, c.status, stderr.String())
		}
		if c.status == 1 && strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
			t.Errorf("dllessons %s: want one line on stderr, got:\n%s", strings.Join(c.args, " "), stderr.String())
		}
	}
}
