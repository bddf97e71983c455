package lesson

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// gonbTmpDirEnv is set by GoNB (v0.11.5, gonbui/protocol.GONB_TMP_DIR_ENV) to the temporary folder
// it creates for each kernel: os.TempDir()/gonb_<unique id>, made with os.Mkdir, so no two kernels
// share it, and every cell of one kernel sees the same one.
const gonbTmpDirEnv = "GONB_TMP_DIR"

var (
	processDirOnce sync.Once
	processDir     string
	processDirErr  error
)

// RunDir returns the folder where a lesson keeps the results of its runs, e.g. RunDir("03-cnn"),
// and creates it. It is the same for every cell of one notebook kernel and different between
// kernels, so two notebooks running at once (the browser tests, the runner, the student and
// teacher editions) never read each other's results. Outside a notebook it is a folder made once
// per process under the system's temporary folder.
func RunDir(name string) (string, error) {
	if name == "" || filepath.Base(name) != name {
		return "", fmt.Errorf("lesson.RunDir(%q): give a plain folder name such as \"03-cnn\"", name)
	}
	root := os.Getenv(gonbTmpDirEnv)
	if root == "" {
		processDirOnce.Do(func() { processDir, processDirErr = os.MkdirTemp("", "dllessons-runs-") })
		if processDirErr != nil {
			return "", fmt.Errorf("lesson.RunDir: %w", processDirErr)
		}
		root = processDir
	}
	dir := filepath.Join(root, "dllessons-"+name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("lesson.RunDir: %w", err)
	}
	return dir, nil
}

// Must returns v, or panics with err: notebook cells read `data := lesson.Must(datasets.LoadP2G(""))`
// instead of four lines of error plumbing. The runner and GoNB show the panic's message.
func Must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Must2 is Must for calls that return two values and an error:
// `bn, total := lesson.Must2(cnn.ParamsByLayer(cnn.Variant{BatchNorm: true}))`.
func Must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

// Check panics with err if it is not nil: the one-value form of Must, for calls that only
// return an error.
func Check(err error) {
	if err != nil {
		panic(err)
	}
}
