package trainer

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dllessons/dllessons/pkg/models/torchpeer"
)

// RequireTorchPeer fails the benchmark — never skips it — when the PyTorch peer cannot run or
// would run on a reference BLAS, and prints which interpreter, torch and BLAS it uses.
func RequireTorchPeer(b *testing.B) {
	b.Helper()
	r, err := torchpeer.Check()
	if err != nil {
		b.Fatal(err)
	}
	fmt.Println(r.Describe())
}

// CheckBenchmarksFailWithoutThePeer runs the named PyTorch comparisons of the calling test
// binary (as `make bench` runs them) with an interpreter that does not exist and with one that
// reports the reference BLAS: each benchmark must FAIL with the reason, never skip or pass.
func CheckBenchmarksFailWithoutThePeer(t *testing.T, benchmarks ...string) {
	t.Helper()
	referenceBLAS := filepath.Join(t.TempDir(), "python3")
	fake := "#!/bin/sh\ncat >/dev/null\necho 'BLAS name=reference_BLAS_(netlib) path=/usr/lib/x86_64-linux-gnu/blas/libblas.so.3 threads=0 torch=1.13.0a0'\n"
	if err := os.WriteFile(referenceBLAS, []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	for python, reason := range map[string]string{
		filepath.Join(t.TempDir(), "absent", "python3"): "no interpreter",
		referenceBLAS: "not an optimised BLAS",
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^("+strings.Join(benchmarks, "|")+")$", "-test.benchtime=1x")
		cmd.Env = append(os.Environ(), torchpeer.PythonEnv+"="+python)
		out, err := cmd.CombinedOutput()
		text := string(out)
		if err == nil {
			t.Errorf("%s: the benchmarks exited successfully:\n%s", reason, text)
		}
		wants := []string{reason}
		for _, name := range benchmarks {
			wants = append(wants, "--- FAIL: "+name)
		}
		for _, want := range wants {
			if !strings.Contains(text, want) {
				t.Errorf("%s: output lacks %q:\n%s", reason, want, text)
			}
		}
		if strings.Contains(text, "SKIP") {
			t.Errorf("%s: a benchmark was skipped:\n%s", reason, text)
		}
	}
}
