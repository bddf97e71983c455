package notebooks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// GoToolchain is the Go release the module needs (go.mod says go 1.27), as the Makefile sets it.
const GoToolchain = "go1.27.3"

// KernelEnv is the environment the GoNB kernel needs so that notebook cells build and run like
// the CLI, tests and benchmarks: Go 1.27, the Go backend's SIMD kernels (GOEXPERIMENT=simd made
// the CNN train step ~2.5x faster), no XLA plugin download, and a PATH with go, goimports and
// gopls.
func KernelEnv() map[string]string {
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, _ := os.UserHomeDir()
		gopath = filepath.Join(home, "go")
	}
	path := os.Getenv("PATH")
	for _, dir := range []string{"/usr/local/go/bin", filepath.Join(gopath, "bin")} {
		if !strings.Contains(":"+path+":", ":"+dir+":") {
			path += ":" + dir
		}
	}
	return map[string]string{
		"GOTOOLCHAIN":           GoToolchain,
		"GOEXPERIMENT":          "simd",
		"GOMLX_NO_AUTO_INSTALL": "1",
		"PATH":                  path,
	}
}

// KernelSpecPath is where `gonb --install` writes the GoNB kernel spec.
func KernelSpecPath() (string, error) {
	dataDir := os.Getenv("JUPYTER_DATA_DIR")
	if dataDir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dataDir = filepath.Join(home, ".local", "share", "jupyter")
	}
	return filepath.Join(dataDir, "kernels", "gonb", "kernel.json"), nil
}

// PatchKernelSpec adds env to the "env" map of the kernel spec at path, keeping everything else.
func PatchKernelSpec(path string, env map[string]string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading the GoNB kernel spec (run `gonb --install` first): %w", err)
	}
	var spec map[string]any
	if err := json.Unmarshal(data, &spec); err != nil {
		return fmt.Errorf("%s: not a JSON kernel spec: %w", path, err)
	}
	merged, _ := spec["env"].(map[string]any)
	if merged == nil {
		merged = map[string]any{}
	}
	for k, v := range env {
		merged[k] = v
	}
	spec["env"] = merged
	out, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(out, '\n'), 0o644)
}

// SetupCell is the lessons' first cell for a module at root (an absolute path; the lessons use
// the path of their own folder's parent, LessonSetupCell): it points GoNB's module at the
// repository, lets `go build` add the module's requirements from the local cache (-mod=mod), and
// turns off GoNB's `go get` before every cell, which asked the module proxy about each dependency
// (about a second per cell).
func SetupCell(root string) string {
	return setupCellRequire + "github.com/dllessons/dllessons=" + root + setupCellFlags
}

// LessonSetupCell is SetupCell as the lessons in notebooks/ write it: the module is the parent of
// the notebook's folder, found by the shell when the cell runs, so a clone works wherever it is.
// TestLessonsBeginWithTheSetupCell checks every lesson's first cell against it.
const LessonSetupCell = setupCellRequire +
	`"github.com/dllessons/dllessons=$(cd "${GONB_DIR}/.." && pwd)"` + setupCellFlags

const (
	setupCellRequire = "!*go mod edit -require=github.com/dllessons/dllessons@v0.0.0 -replace="
	setupCellFlags   = "\n%goflags -mod=mod\n%noautoget"
)
