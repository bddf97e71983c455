package notebooks

import (
	"context"
	_ "embed" // the notebook driver
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dllessons/dllessons/pkg/lesson"
)

// driver executes one notebook with nbclient and reports failures in one line (execute.py).
//
//go:embed execute.py
var driver string

// execute runs the notebook at path with the driver, writing the executed copy to dest, and
// returns its failure in one line ("" when the notebook ran; errors inside cells are found in
// the executed copy). When ctx ends (Ctrl-C) it kills the driver, the kernel's whole session
// and every process they started, and returns at once.
func execute(ctx context.Context, opts Options, path, dest string) string {
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err.Error()
	}
	state, err := os.CreateTemp("", "dllessons-notebook-*.state")
	if err != nil {
		return err.Error()
	}
	state.Close()
	defer os.Remove(state.Name())
	cmd := exec.Command(Python, "-c", driver, path, dest, opts.Kernel,
		strconv.Itoa(max(1, int(opts.CellTimeout.Seconds()))), state.Name())
	// No browser shows these cells: interactive cells draw once and end (see lesson.HeadlessEnv).
	cmd.Env = append(append(os.Environ(), lesson.HeadlessEnv+"=1"), opts.Env...)
	var output tailBuffer // the kernel's log, for a driver that crashed without a word
	cmd.Stdout, cmd.Stderr = &output, &output
	cmd.SysProcAttr = newProcessGroup()
	if err := cmd.Start(); err != nil {
		return fmt.Sprintf("cannot start %s: %v", Python, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var runErr error
	select {
	case runErr = <-done:
	case <-ctx.Done():
		endProcesses(cmd.Process.Pid, kernelPID(state.Name()))
		select {
		case <-done:
		case <-time.After(3 * time.Second): // pipes held by a process that escaped
		}
		return "interrupted"
	}
	// Whatever the kernel left running (a cell's program, gopls) ends with the notebook.
	endProcesses(cmd.Process.Pid, kernelPID(state.Name()))
	if failure := driverFailure(state.Name()); failure != "" {
		return failure
	}
	if runErr != nil {
		return fmt.Sprintf("notebook driver: %v: %s", runErr, lastLine(output.String()))
	}
	return ""
}

// kernelPID reads the kernel's process id from the driver's state file (0 if not yet started).
func kernelPID(state string) int {
	data, _ := os.ReadFile(state)
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "kernel-pid "); ok {
			pid, _ := strconv.Atoi(rest)
			return pid
		}
	}
	return 0
}

// driverFailure is the driver's one-line failure, if it reported one.
func driverFailure(state string) string {
	data, _ := os.ReadFile(state)
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "failure: "); ok {
			return rest
		}
	}
	return ""
}

// tailBuffer keeps the last 64 KiB written to it.
type tailBuffer struct{ data []byte }

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.data = append(b.data, p...)
	if len(b.data) > 64<<10 {
		b.data = b.data[len(b.data)-64<<10:]
	}
	return len(p), nil
}

func (b *tailBuffer) String() string { return string(b.data) }

// errorMessage is an error output's message on one line. GoNB's compile errors start with the
// build's "# gonb_…" package line; the compiler's own messages follow it.
func errorMessage(evalue string) string {
	var lines []string
	for _, line := range strings.Split(evalue, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "# gonb_") {
			lines = append(lines, line)
		}
	}
	msg := strings.Join(lines, "; ")
	if len(msg) > 400 {
		msg = msg[:400] + "…"
	}
	return msg
}
