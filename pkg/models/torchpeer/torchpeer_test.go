package torchpeer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakePython writes an executable that stands in for the interpreter: it swallows the script on
// stdin and runs body.
func fakePython(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "python3")
	if err := os.WriteFile(path, []byte("#!/bin/sh\ncat >/dev/null\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// shadowTorch returns an interpreter wrapper that runs the real /usr/bin/python3 with a fake
// `torch` package (init is its __init__.py) first on the module path.
func shadowTorch(t *testing.T, init string) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3 to run the real script with:", err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "torch"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "torch", "__init__.py"), []byte(init), 0o644); err != nil {
		t.Fatal(err)
	}
	wrapper := filepath.Join(dir, "python3")
	script := "#!/bin/sh\nPYTHONPATH=" + dir + " exec /usr/bin/python3 \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return wrapper
}

// brokenTorch imports but fails at the first call, as a broken installation would.
const brokenTorch = `import sys, types
nn = types.ModuleType("torch.nn")
nn.functional = types.ModuleType("torch.nn.functional")
sys.modules["torch.nn"], sys.modules["torch.nn.functional"] = nn, nn.functional
def set_num_threads(n):
    raise RuntimeError("broken tensor library")
`

const openBLASResult = "BLAS name=OpenBLAS_0.3.21 path=/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so threads=2 torch=1.13.0a0 torch_threads=2\n" +
	"RESULT torch task=cnn mode=train batch=8 median_ms=30.50 min_ms=28.00 max_ms=40.00 params=5340742 threads=2 " +
	"blas=/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so blas_name=OpenBLAS_0.3.21 blas_threads=2 peakRSS_kB=412345 torch=1.13.0a0"

// TestPeerFailuresAreErrorsNamingTheCause: every way the peer can fail to measure is an error
// (the benchmarks turn it into a failure), each saying what to do.
func TestPeerFailuresAreErrorsNamingTheCause(t *testing.T) {
	cases := []struct {
		name, python string
		want         []string
	}{
		{"no interpreter", filepath.Join(t.TempDir(), "absent", "python3"), []string{"no interpreter", "python3-torch", "make bench"}},
		{"no torch", shadowTorch(t, "raise ImportError(\"No module named 'torch'\")\n"), []string{"cannot import torch", "install Debian's python3-torch"}},
		{"script error", shadowTorch(t, brokenTorch), []string{"failed", "broken tensor library"}},
		{"reference BLAS", fakePython(t, "echo 'RESULT torch task=cnn median_ms=30 min_ms=28 threads=1 "+
			"blas=/usr/lib/x86_64-linux-gnu/blas/libblas.so.3 blas_name=reference_BLAS_(netlib) blas_threads=0'; "+
			"echo 'BLAS name=reference_BLAS_(netlib) path=/usr/lib/x86_64-linux-gnu/blas/libblas.so.3 threads=0 torch=1.13.0a0'"),
			[]string{"reference BLAS (netlib)", "not an optimised BLAS", "libopenblas0-pthread", "update-alternatives"}},
		{"no BLAS at all", fakePython(t, "echo 'BLAS name=none_mapped path=none threads=0'; echo 'RESULT median_ms=3 blas=none blas_name=none_mapped'"),
			[]string{"not an optimised BLAS"}},
		{"no result line", fakePython(t, "echo 'BLAS name=OpenBLAS_0.3.21 path=/x/libopenblas.so threads=1'"), []string{"no RESULT line"}},
		{"killed", fakePython(t, "kill -9 $$"), []string{"failed", "signal: killed"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(PythonEnv, c.python)
			_, err := Run(1, "--task", "cnn", "--steps", "1")
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestPeerResultIsParsedWithItsBLAS(t *testing.T) {
	t.Setenv(PythonEnv, fakePython(t, "echo '"+openBLASResult+"'"))
	r, err := Fastest([]int{1, 2}, "--task", "cnn")
	if err != nil {
		t.Fatal(err)
	}
	if r.Median.Milliseconds() != 30 || r.Min.Milliseconds() != 28 || r.Threads != 2 || r.BLAS.Threads != 2 || r.BLAS.Name != "OpenBLAS 0.3.21" ||
		r.PeakRSSkB != 412345 {
		t.Errorf("parsed %+v", r)
	}
	if got := r.BLAS.String(); got != "OpenBLAS 0.3.21 (libopenblasp-r0.3.21.so), 2 threads" {
		t.Errorf("BLAS described as %q", got)
	}
	c, err := Check()
	if err != nil || c.BLAS.Path != "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so" || c.Threads != 2 {
		t.Errorf("check: %+v, %v", c, err)
	}
}

// TestPeerScriptIsTheRepositorysFile: the embedded script is torch_peer.py itself.
func TestPeerScriptIsTheRepositorysFile(t *testing.T) {
	b, err := os.ReadFile("torch_peer.py")
	if err != nil || string(b) != Script || !strings.Contains(Script, "/proc/self/maps") {
		t.Fatalf("embedded script differs from torch_peer.py (%v)", err)
	}
}
