package backend

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
)

func TestResolve(t *testing.T) {
	t.Setenv(EnvVar, "")
	t.Setenv("GOMLX_BACKEND", "")
	cases := map[string]string{
		"":                 GoConfig,
		"go":               GoConfig,
		"xla":              XLAConfig,
		"go:parallelism=2": "go:parallelism=2",
		"xla:cuda":         "xla:cuda",
	}
	for choice, want := range cases {
		got, err := Resolve(choice)
		if err != nil || got != want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", choice, got, err, want)
		}
	}
	if _, err := Resolve("tpu-magic"); err == nil || !strings.Contains(err.Error(), `unknown backend "tpu-magic"`) {
		t.Errorf("unknown backend: got error %v", err)
	}
}

func TestResolveReadsEnvironment(t *testing.T) {
	t.Setenv(EnvVar, "xla")
	if got, _ := Resolve(""); got != XLAConfig {
		t.Errorf("with %s=xla, Resolve(\"\") = %q", EnvVar, got)
	}
	t.Setenv(EnvVar, "")
	t.Setenv("GOMLX_BACKEND", "go:ops_sequential")
	if got, _ := Resolve(""); got != "go:ops_sequential" {
		t.Errorf("with GOMLX_BACKEND set, Resolve(\"\") = %q", got)
	}
}

func TestUnknownGoOptionIsAnError(t *testing.T) {
	if _, err := New("go:warp_speed"); err == nil || !strings.Contains(err.Error(), "warp_speed") {
		t.Fatalf("want an error naming the unknown option, got %v", err)
	}
}

// TestXLAWithoutPluginIsAClearError: no plugin is installed on the CI machine, and asking for
// XLA must say how to install it or fall back — not download, not panic.
func TestXLAWithoutPluginIsAClearError(t *testing.T) {
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", t.TempDir())
	b, err := New("xla")
	if err == nil {
		t.Skipf("an XLA plugin is installed here (%s): nothing to check", b.Name())
	}
	for _, want := range []string{"no XLA PJRT plugin is installed", "pjrt_installer", EnvVar + "=go"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestGoBackendComputes(t *testing.T) {
	b, err := New("go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ToLower(b.Name()), "go") {
		t.Fatalf("backend name %q, want go", b.Name())
	}
	sum := graph.MustExecOnce(b, func(x *graph.Node) *graph.Node { return graph.ReduceAllSum(x) }, []float32{1, 2, 3.5})
	if got := sum.Value().(float32); got != 6.5 {
		t.Fatalf("sum = %v, want 6.5", got)
	}
}

func TestGoBackendCollectsBuffersSoonerUnlessGOGCIsSet(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	t.Setenv("GOGC", "")
	if _, err := New("go"); err != nil {
		t.Fatal(err)
	}
	if got := debug.SetGCPercent(100); got != buffersGCPercent {
		t.Errorf("GC percent after New(\"go\") = %d, want %d", got, buffersGCPercent)
	}
	t.Setenv("GOGC", "100")
	if _, err := New("go"); err != nil {
		t.Fatal(err)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent with GOGC=100 set = %d, want the user's 100", got)
	}
}
