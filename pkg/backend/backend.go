package backend

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/go-xla/compute/xla"

	// Registers the "go" and "xla" backends.
	_ "github.com/gomlx/gomlx/backends/default"
)

// EnvVar selects the backend: "go" (default), "xla", or a full GoMLX configuration string
// such as "go:parallelism=2" or "xla:cpu".
const EnvVar = "DLLESSONS_BACKEND"

// GoConfig is the pure-Go backend configuration used by default.
// parallelism=-1 lets every parallel op start its own goroutine: with the bounded default worker
// pool the seq2seq train step deadlocked (twice) on 2 cores on GoMLX v0.28.2, and unbounded was no
// slower. On v0.28.16 the default (parallelism=4 on 2 cores) trained 3 seq2seq epochs without a
// hang, to the same losses, but 11.6–12.7 s per epoch against about 10.5 s.
const GoConfig = "go:parallelism=-1"

// XLAConfig is the configuration used for "xla": the CPU PJRT plugin.
const XLAConfig = "xla:cpu"

// Resolve maps a user's choice ("", "go", "xla" or a GoMLX config string) to a GoMLX
// backend configuration string. An empty choice reads EnvVar, then GOMLX_BACKEND, then
// falls back to the pure-Go backend.
func Resolve(choice string) (string, error) {
	if choice == "" {
		choice = os.Getenv(EnvVar)
	}
	if choice == "" {
		choice = os.Getenv(compute.ConfigEnvVar)
	}
	name, _, _ := strings.Cut(choice, ":")
	switch {
	case choice == "" || choice == "go":
		return GoConfig, nil
	case choice == "xla":
		return XLAConfig, nil
	case name == "go" || name == "xla":
		return choice, nil
	}
	return "", fmt.Errorf("unknown backend %q: use \"go\" (pure Go, the default) or \"xla\" (needs the XLA PJRT CPU plugin), "+
		"optionally with GoMLX options, e.g. \"go:parallelism=2\"", choice)
}

// New creates the backend for choice (see Resolve).
func New(choice string) (compute.Backend, error) {
	config, err := Resolve(choice)
	if err != nil {
		return nil, err
	}
	// Never let the XLA backend try to download its plugin: there is no network for it here, and
	// a silent download attempt is worse than the clear error below. Set here, when a backend is
	// asked for, not at import: importing this package changes nothing.
	xla.EnableAutoInstall(false)
	if strings.HasPrefix(config, "xla") && len(xla.GetAvailablePlugins()) == 0 {
		return nil, fmt.Errorf("the XLA backend was asked for (%q) but no XLA PJRT plugin is installed: "+
			"install one with `go run github.com/gomlx/go-xla/cmd/pjrt_installer@latest -autoinstall` "+
			"(or set PJRT_PLUGIN_LIBRARY_PATH to where it is), or use the pure-Go backend with %s=go", config, EnvVar)
	}
	if strings.HasPrefix(config, "go") {
		collectBuffersSooner()
	}
	return newWithConfig(config)
}

// buffersGCPercent is the garbage collector's target (GOGC) while the Go backend computes. A
// train step allocates hundreds of MB of short-lived float buffers (the backend's pools miss, its
// matmul allocates packing space per product); with Go's default of 100 the heap grows to twice
// what is live before each collection. Measured on the CNN's batch-64 train step (three
// interleaved runs): peak RSS 0.92–1.03 GB at 100, 0.71–0.80 GB at 50 for about the same CPU,
// 0.55–0.58 GB at 25 but with 15 % more CPU (the freed pages are faulted in again).
const buffersGCPercent = 50

// collectBuffersSooner sets buffersGCPercent unless the user chose a GOGC.
func collectBuffersSooner() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(buffersGCPercent)
	}
}

// newWithConfig turns GoMLX's construction panics (e.g. unknown option) into errors.
func newWithConfig(config string) (b compute.Backend, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("backend %q: %v", config, r)
		}
	}()
	b, err = withQuietStdout(func() (compute.Backend, error) { return compute.NewWithConfig(config) })
	if err != nil {
		return nil, fmt.Errorf("backend %q: %w", config, err)
	}
	return b, nil
}

// withQuietStdout runs f with stdout discarded: the Go backend prints its parallelism setting
// (unconditionally, GoMLX compute v0.1.14), which would otherwise show up in every notebook cell
// that creates a backend. The swap lasts only while the backend is constructed.
func withQuietStdout(f func() (compute.Backend, error)) (compute.Backend, error) {
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return f()
	}
	defer devNull.Close()
	saved := os.Stdout
	os.Stdout = devNull
	defer func() { os.Stdout = saved }()
	return f()
}

var (
	defaultOnce    sync.Once
	defaultBackend compute.Backend
	defaultErr     error
)

// Default returns the process-wide backend chosen by the environment (see Resolve), created once.
func Default() (compute.Backend, error) {
	defaultOnce.Do(func() { defaultBackend, defaultErr = New("") })
	return defaultBackend, defaultErr
}

// MustDefault is Default for notebooks and examples: it panics with the clear error message.
func MustDefault() compute.Backend {
	b, err := Default()
	if err != nil {
		panic(err)
	}
	return b
}

// Describe returns a one-line description of the backend, e.g. for a notebook's first cell.
func Describe(b compute.Backend) string {
	return fmt.Sprintf("%s (%s)", b.Name(), b.Description())
}
