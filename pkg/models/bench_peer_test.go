package models

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dllessons/dllessons/pkg/models/torchpeer"
)

// TestBenchmarksFailWithoutThePeer runs the PyTorch comparisons (this test binary, as `make
// bench` runs them) with an interpreter that does not exist and with one that reports the
// reference BLAS: each benchmark must FAIL with the reason, never skip or pass.
func TestBenchmarksFailWithoutThePeer(t *testing.T) {
	referenceBLAS := filepath.Join(t.TempDir(), "python3")
	fake := "#!/bin/sh\ncat >/dev/null\necho 'BLAS name=reference_BLAS_(netlib) path=/usr/lib/x86_64-linux-gnu/blas/libblas.so.3 threads=0 torch=1.13.0a0'\n"
	if err := os.WriteFile(referenceBLAS, []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	for python, reason := range map[string]string{
		filepath.Join(t.TempDir(), "absent", "python3"): "no interpreter",
		referenceBLAS: "not an optimised BLAS",
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^(BenchmarkCNNTrainStepVsPyTorch|BenchmarkSeq2SeqVsPyTorch)$", "-test.benchtime=1x")
		cmd.Env = append(os.Environ(), torchpeer.PythonEnv+"="+python)
		out, err := cmd.CombinedOutput()
		text := string(out)
		if err == nil {
			t.Errorf("%s: the benchmarks exited successfully:\n%s", reason, text)
		}
		for _, want := range []string{"--- FAIL: BenchmarkCNNTrainStepVsPyTorch", "--- FAIL: BenchmarkSeq2SeqVsPyTorch", reason} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: output lacks %q:\n%s", reason, want, text)
			}
		}
		if strings.Contains(text, "SKIP") {
			t.Errorf("%s: a benchmark was skipped:\n%s", reason, text)
		}
	}
}
