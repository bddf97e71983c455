package selfcontained

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// moduleRoot is two folders up from this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestNoCodeReadsOutsideTheModule scans every Go file, script, Makefile, Dockerfile and lesson
// of the module for the shared reference folder and for paths that climb out of the module.
func TestNoCodeReadsOutsideTheModule(t *testing.T) {
	root := moduleRoot(t)
	scanned := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, root+string(filepath.Separator)))
		if d.IsDir() {
			switch rel {
			case ".git", "out", "bin", "results":
				return filepath.SkipDir
			}
			return nil
		}
		// This package's tests feed the scanner violations on purpose.
		if !Scanned(rel) || strings.HasPrefix(rel, "pkg/selfcontained/") && strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		scanned++
		for _, p := range ScanFile(rel, string(b)) {
			t.Error(p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 50 {
		t.Fatalf("only %d files scanned: is %s the module?", scanned, root)
	}
}

// TestScanFindsEveryKindOfEscape feeds the scanner the ways the project used to reach outside.
func TestScanFindsEveryKindOfEscape(t *testing.T) {
	bad := []struct{ file, text string }{
		{"pkg/datasets/p2g_load.go", `const CourseP2GDir = "../shared/data/hw2-q3"`},
		{"pkg/models/cnn_bench.go", `return filepath.Join(datasets.ModuleRoot(), "..", "shared", "peers", "torch_reference.py")`},
		{"pkg/models/x.go", `p := filepath.Join(root, "..", "other")`},
		{"pkg/models/x.go", "dir := `../data`"},
		{"scripts/torch_p2g_train.py", `ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data"))`},
		{"scripts/bench.sh", `python3 "$(dirname "$0")/../../peers/peer.py"`},
		{"Makefile", "\tcp ../data/x.tsv out/"},
		{"scripts/x.sh", "cat /work/shared/x"},
		{"pkg/models/x_test.go", `os.ReadFile("../../../shared/data/hw2-q3/train.tsv")`},
	}
	for _, c := range bad {
		if len(ScanFile(c.file, c.text)) == 0 {
			t.Errorf("%s: %q not reported", c.file, c.text)
		}
	}
	nb, _ := json.Marshal(map[string]any{"cells": []map[string]any{
		{"cell_type": "markdown", "source": []string{"fine to mention ../../x in prose"}},
		{"cell_type": "code", "source": []string{"!*cp ${GONB_DIR}/../../x ."}},
	}})
	if got := ScanFile("notebooks/04.ipynb", string(nb)); len(got) != 1 || !strings.Contains(got[0].File, "cell 1") {
		t.Errorf("notebook: %v", got)
	}
	good := []struct{ file, text string }{
		{"scripts/bench.sh", `cd "$(dirname "$0")/.."`},
		{"scripts/torch_p2g_train.py", `os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pkg", "datasets")`},
		{"pkg/browsertest/server.go", `if err != nil || strings.HasPrefix(rel, "..") {`},
		{"pkg/notebooks/hygiene_test.go", `notebooks.Select(filepath.Join("..", "..", "notebooks"), nil)`},
		{"notebooks/x.sh", `!*go mod edit -replace="x=$(cd "${GONB_DIR}/.." && pwd)"`},
	}
	for _, c := range good {
		if p := ScanFile(c.file, c.text); len(p) != 0 {
			t.Errorf("%s: %q reported: %v", c.file, c.text, p)
		}
	}
}

// TestDefaultP2GDataFromACopyOfTheModule copies the data package into a fresh module folder with
// a decoy course folder beside it (where the project used to look), then runs a program there,
// from inside the copy and from an unrelated folder: the default data must be the course data the
// module carries, never the decoy.
func TestDefaultP2GDataFromACopyOfTheModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program in a copy of the module")
	}
	root := moduleRoot(t)
	base := t.TempDir()
	module := filepath.Join(base, "dllessons")
	for _, rel := range []string{"go.mod", "go.sum"} {
		copyFile(t, filepath.Join(root, rel), filepath.Join(module, rel))
	}
	copyTree(t, filepath.Join(root, "pkg", "datasets"), filepath.Join(module, "pkg", "datasets"))
	decoy := "d e k ɔ ɪ\tdecoy\n"
	for _, split := range []string{"train.tsv", "valid.tsv", "test.tsv"} {
		writeFile(t, filepath.Join(base, "shared", "data", "hw2-q3", split), decoy)
	}
	writeFile(t, filepath.Join(module, "probe", "main.go"), probe)

	binary := filepath.Join(base, "probe-bin")
	build := exec.Command("go", "build", "-o", binary, "./probe")
	build.Dir = module
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build in the copy: %v\n%s", err, out)
	}
	elsewhere := t.TempDir()
	for _, dir := range []string{module, elsewhere} {
		run := exec.Command(binary)
		run.Dir = dir
		run.Env = append(os.Environ(), "DLLESSONS_P2G_DATA=")
		out, err := run.Output()
		if err != nil {
			t.Fatalf("probe in %s: %v", dir, err)
		}
		var got struct {
			Kind, Source, First, Describe, Root string
			Train                               int
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("probe output %q: %v", out, err)
		}
		if got.Kind != "course" || got.Train != 10000 || got.First != "chaplet" || strings.Contains(got.Describe, "decoy") ||
			strings.Contains(got.Source, "shared") {
			t.Errorf("from %s the default data is %s (first word %q)", dir, got.Describe, got.First)
		}
		if got.Root != module {
			t.Errorf("from %s the module root is %q, want the copy %s", dir, got.Root, module)
		}
	}
}

const probe = `package main

import (
	"encoding/json"
	"os"

	"github.com/dllessons/dllessons/pkg/datasets"
)

func main() {
	d, err := datasets.LoadP2G("")
	if err != nil {
		panic(err)
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{"Kind": d.Kind, "Source": d.Source, "Train": d.Train.Len(),
		"First": d.Train.Examples[0].Spelling, "Describe": d.Describe(), "Root": datasets.ModuleRoot()})
}
`

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		copyFile(t, path, filepath.Join(to, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(b))
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
