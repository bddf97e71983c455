package torchpeer

import (
	"bufio"
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Script is the peer, run as `python3 - ARGS` with the script on stdin.
//
//go:embed torch_peer.py
var Script string

// PythonEnv names the interpreter to run the peer with; Debian's /usr/bin/python3 (where
// python3-torch installs) by default.
const PythonEnv = "DLLESSONS_TORCH_PYTHON"

// Python is the interpreter the peer runs with.
func Python() string {
	if p := os.Getenv(PythonEnv); p != "" {
		return p
	}
	return "/usr/bin/python3"
}

// BLAS is the BLAS library the peer's process mapped.
type BLAS struct {
	Name    string // e.g. "OpenBLAS 0.3.21", "reference BLAS (netlib)"
	Path    string // the library file
	Threads int    // its thread count (0: unknown)
}

// String names the library by its file name and gives its thread count.
func (b BLAS) String() string {
	threads := "threads unknown"
	if b.Threads > 0 {
		threads = fmt.Sprintf("%d thread%s", b.Threads, plural(b.Threads))
	}
	return fmt.Sprintf("%s (%s), %s", b.Name, filepath.Base(b.Path), threads)
}

// Optimised reports whether the BLAS is one the comparison is fair against.
func (b BLAS) Optimised() bool {
	for _, name := range []string{"openblas", "mkl", "blis"} {
		if strings.Contains(strings.ToLower(b.Name+" "+b.Path), name) {
			return true
		}
	}
	return false
}

// Result is one run of the peer.
type Result struct {
	Median, Min time.Duration
	Threads     int // PyTorch's thread count
	BLAS        BLAS
	Torch       string // torch version
	PeakRSSkB   int64  // the peer process's peak resident set size (VmHWM), in kB
}

// Check runs the peer's --check: it imports torch and reports the BLAS it mapped. The error says
// what to install when the peer cannot run or would run on a reference BLAS.
func Check() (Result, error) {
	out, err := run("--check")
	if err != nil {
		return Result{}, err
	}
	return parse(out, "BLAS")
}

// Describe is a one-line description of a --check result for the benchmark's log.
func (r Result) Describe() string {
	return fmt.Sprintf("PyTorch peer: %s, torch %s, BLAS %s at %s", Python(), r.Torch, r.BLAS.Name, r.BLAS.Path)
}

// Run runs the peer with threads PyTorch and BLAS threads and args (--task, --batch, ...).
func Run(threads int, args ...string) (Result, error) {
	out, err := run(append([]string{"--threads", strconv.Itoa(threads)}, args...)...)
	if err != nil {
		return Result{}, err
	}
	return parse(out, "RESULT")
}

// Fastest runs the peer once per thread count and returns the result with the lowest median.
func Fastest(threads []int, args ...string) (Result, error) {
	if len(threads) == 0 {
		return Result{}, errors.New("PyTorch peer: no thread counts to try")
	}
	var best Result
	for _, th := range threads {
		r, err := Run(th, args...)
		if err != nil {
			return Result{}, err
		}
		if best.Median == 0 || r.Median < best.Median {
			best = r
		}
	}
	return best, nil
}

// run executes the peer and returns its standard output; errors are one line naming the cause.
func run(args ...string) ([]byte, error) {
	python := Python()
	if _, err := exec.LookPath(python); err != nil {
		return nil, fmt.Errorf("PyTorch peer: no interpreter %s (%v): install Debian's python3 and python3-torch (`make bench` does)", python, err)
	}
	cmd := exec.Command(python, append([]string{"-"}, args...)...)
	cmd.Stdin = strings.NewReader(Script)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("PyTorch peer (%s torch_peer.py %s) failed: %v: %s", python, strings.Join(args, " "), err, lastLine(stderr.String()))
	}
	return out, nil
}

// lastLine is the line of a Python error output that says what went wrong.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) == 0 || lines[len(lines)-1] == "" {
		return "no error output"
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

// parse reads the fields of the line starting with prefix ("BLAS" or "RESULT") and checks that
// the BLAS is an optimised one.
func parse(out []byte, prefix string) (Result, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || fields[0] != prefix {
			continue
		}
		kv := map[string]string{}
		for _, f := range fields[1:] {
			if k, v, ok := strings.Cut(f, "="); ok {
				kv[k] = v
			}
		}
		r := Result{Torch: kv["torch"]}
		if prefix == "BLAS" {
			r.BLAS = BLAS{Name: kv["name"], Path: kv["path"], Threads: atoi(kv["threads"])}
			r.Threads = atoi(kv["torch_threads"])
		} else {
			r.BLAS = BLAS{Name: kv["blas_name"], Path: kv["blas"], Threads: atoi(kv["blas_threads"])}
			r.Threads = atoi(kv["threads"])
			r.Median, r.Min = millis(kv["median_ms"]), millis(kv["min_ms"])
			r.PeakRSSkB = int64(atoi(kv["peakRSS_kB"]))
			if r.Median <= 0 {
				return r, fmt.Errorf("PyTorch peer: RESULT line without median_ms: %q", sc.Text())
			}
		}
		r.BLAS.Name = strings.ReplaceAll(r.BLAS.Name, "_", " ")
		if !r.BLAS.Optimised() {
			return r, fmt.Errorf("PyTorch peer ran on %s, not an optimised BLAS, so the comparison would be unfair: "+
				"install libopenblas0-pthread and select it with update-alternatives (`make bench` does both)", r.BLAS)
		}
		return r, nil
	}
	return Result{}, fmt.Errorf("PyTorch peer printed no %s line: %q", prefix, strings.TrimSpace(string(out)))
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func millis(s string) time.Duration {
	ms, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return time.Duration(ms * float64(time.Millisecond))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
