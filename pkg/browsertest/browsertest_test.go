package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/notebooks"
)

// lessonTimeout bounds one lesson's Run All in quick mode.
const lessonTimeout = 10 * time.Minute

// The tests share one Jupyter server and one browser, started by the first test that needs them.
var (
	sessionOnce sync.Once
	session     *Session
	sessionErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if session != nil {
		session.Close()
	}
	os.Exit(code)
}

// moduleRoot is the repository root (tests run in the package folder).
func moduleRoot(t *testing.T) string {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	return root
}

// openSession skips in -short mode and where Chromium or Jupyter is missing — except in CI,
// where set-up must have installed them — and returns the shared session, in quick mode.
func openSession(t *testing.T) *Session {
	t.Helper()
	if testing.Short() {
		t.Skip("drives a browser and executes notebooks")
	}
	_, errChromium := os.Stat(Chromium)
	_, errJupyter := exec.Command(notebooks.Python, "-m", "notebook", "--version").Output()
	if errChromium != nil || errJupyter != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Chromium or Jupyter Notebook missing (chromium: %v, notebook: %v): scripts/setup.sh should have installed them", errChromium, errJupyter)
		}
		t.Skip("Chromium or Jupyter Notebook not installed; run scripts/setup.sh")
	}
	sessionOnce.Do(func() {
		session, sessionErr = Start(context.Background(), Options{Root: moduleRoot(t), Env: []string{lesson.QuickEnv + "=1"}})
	})
	if sessionErr != nil {
		t.Fatal(sessionErr)
	}
	return session
}

// TestLessonsInBrowser runs every lesson in quick mode in the browser and checks what the page
// shows; screenshots go to out/quick/screenshots.
func TestLessonsInBrowser(t *testing.T) {
	s := openSession(t)
	root := moduleRoot(t)
	paths, err := notebooks.Select(filepath.Join(root, "notebooks"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".ipynb"), func(t *testing.T) {
			before := readNotebook(t, path)
			want, err := ExpectedFigures(before.notebook)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			page, err := s.Run(context.Background(), path, lessonTimeout)
			if err != nil {
				t.Fatal(err)
			}
			shot, err := page.SaveScreenshot(filepath.Join(root, "out", "quick", "screenshots"))
			if err != nil {
				t.Error(err)
			}
			for _, p := range page.Problems(want) {
				t.Error(p)
			}
			if after := readNotebook(t, path); !bytes.Equal(after.data, before.data) {
				t.Errorf("%s changed while it was open in the browser (saved by the page, or edited meanwhile)", path)
			}
			t.Logf("%d figures rendered, ran in %s, screenshot %s", page.RenderedFigures, page.Duration.Round(time.Second), shot)
		})
	}
}

// TestBrowserCatchesBrokenNotebooks proves the checks fail: a throw-away notebook with a hidden
// panic, a compile error and a forgotten figure; one whose cell never finishes; and a fine
// notebook with one figure, checked against the right count and against a count one higher.
// (GoNB runs the cells after a failed one, so every cell of the broken notebook is executed.)
func TestBrowserCatchesBrokenNotebooks(t *testing.T) {
	s := openSession(t)
	root := moduleRoot(t)
	dir := throwAwayDir(t, root)
	fine := writeNotebook(t, filepath.Join(dir, "fine.ipynb"), 1, "", setupCell(root), showSVGCell)
	broken := writeNotebook(t, filepath.Join(dir, "broken.ipynb"), 1, "", setupCell(root),
		"%%\nfmt.Println(\"before the panic\")\npanic(\"boom in a lesson\")",
		"%%\nundefinedFunction()",
		"%%\nfmt.Println(\"the figure was forgotten\")")
	stuck := writeNotebook(t, filepath.Join(dir, "stuck.ipynb"), 0, "", "%%\ntime.Sleep(time.Hour)")

	page, err := s.Run(context.Background(), fine, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if p := page.Problems(1); len(p) > 0 {
		t.Errorf("the fine notebook was reported with problems: %q", p)
	}
	if p := strings.Join(page.Problems(2), "\n"); !strings.Contains(p, "1 figures rendered in the page, want 2") {
		t.Errorf("a missing figure was not reported; problems: %q", p)
	}

	page, err = s.Run(context.Background(), broken, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	problems := strings.Join(page.Problems(1), "\n")
	for _, want := range []string{`"panic:"`, "error output", "0 figures rendered in the page, want 1"} {
		if !strings.Contains(problems, want) {
			t.Errorf("the broken notebook's problems do not mention %q:\n%s", want, problems)
		}
	}

	if _, err := s.Run(context.Background(), stuck, 20*time.Second); err == nil || !strings.Contains(err.Error(), "every cell to finish") {
		t.Errorf("a cell that never finishes was not reported (err: %v)", err)
	}
}

// TestScreenshotsOfExecutedNotebooks opens executed notebooks without running them, as the
// screenshots of `make lessons` do: stored SVG outputs render only if the notebook is trusted,
// and a notebook that promises more figures than it shows fails.
func TestScreenshotsOfExecutedNotebooks(t *testing.T) {
	s := openSession(t)
	dir := throwAwayDir(t, moduleRoot(t))
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40"><rect width="60" height="40" fill="teal"/></svg>`
	outputs := `[{"output_type":"display_data","metadata":{},"data":{"image/svg+xml":` + quote(svg) + `}},` +
		`{"output_type":"display_data","metadata":{},"data":{"text/html":` + quote("<div>"+svg+"</div>") + `}}]`
	good := writeNotebook(t, filepath.Join(dir, "good.ipynb"), 2, outputs, "%%\nshowTwoFigures()")
	short := writeNotebook(t, filepath.Join(dir, "short.ipynb"), 3, outputs, "%%\nshowTwoFigures()")
	shots := filepath.Join(dir, "screenshots")
	var log strings.Builder

	if err := s.Screenshots(context.Background(), []string{good}, shots, &log); err != nil {
		t.Errorf("the executed notebook was reported: %v\n%s", err, log.String())
	}
	png, err := os.ReadFile(filepath.Join(shots, "good.png"))
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("no PNG screenshot written (%v)", err)
	}
	err = s.Screenshots(context.Background(), []string{good, short}, shots, &log)
	if err == nil || !strings.Contains(err.Error(), "short.ipynb") || strings.Contains(err.Error(), "good.ipynb") {
		t.Errorf("want an error naming only short.ipynb, got %v", err)
	}
	if !strings.Contains(log.String(), "2 figures rendered in the page, want 3") {
		t.Errorf("the log does not tell the missing figure:\n%s", log.String())
	}
}

func TestExpectedFiguresRequiresMetadata(t *testing.T) {
	cases := map[string]struct {
		metadata string
		want     int
		ok       bool
	}{
		"set":      {`{"dllessons":{"figures":3}}`, 3, true},
		"zero":     {`{"dllessons":{"figures":0}}`, 0, true},
		"missing":  {`{}`, 0, false},
		"no count": {`{"dllessons":{}}`, 0, false},
		"negative": {`{"dllessons":{"figures":-1}}`, 0, false},
		"fraction": {`{"dllessons":{"figures":1.5}}`, 0, false},
		"string":   {`{"dllessons":{"figures":"2"}}`, 0, false},
	}
	for name, c := range cases {
		nb, err := notebooks.Parse([]byte(`{"cells":[],"metadata":` + c.metadata + `}`))
		if err != nil {
			t.Fatal(err)
		}
		got, err := ExpectedFigures(nb)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("%s: ExpectedFigures = %d, %v; want %d, ok=%v", name, got, err, c.want, c.ok)
		}
	}
}

// showSVGCell displays one SVG figure through GoNB.
const showSVGCell = "import \"github.com/janpfeifer/gonb/gonbui\"\n%%\n" +
	"gonbui.DisplaySVG(`<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"80\" height=\"50\"><circle cx=\"40\" cy=\"25\" r=\"20\" fill=\"teal\"/></svg>`)"

// setupCell points GoNB's module at this repository, as the lessons' first cell does (here by
// absolute path: the throw-away notebooks do not sit in notebooks/).
func setupCell(root string) string {
	return `!*go mod edit -require=github.com/dllessons/dllessons@v0.0.0 -replace=github.com/dllessons/dllessons=` + root
}

// throwAwayDir is a folder for test notebooks inside the served root (out/ is not committed).
func throwAwayDir(t *testing.T, root string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(root, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(filepath.Join(root, "out"), "browsertest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// writeNotebook writes a GoNB notebook with one code cell per source and the given figure count
// in its metadata. With outputs (a JSON array), every cell is stored as executed with them.
func writeNotebook(t *testing.T, path string, figures int, outputs string, sources ...string) string {
	t.Helper()
	cells := []map[string]any{{"cell_type": "markdown", "id": "title", "metadata": map[string]any{}, "source": "# Throw-away lesson\n"}}
	for i, src := range sources {
		cell := map[string]any{"cell_type": "code", "id": fmt.Sprintf("cell-%d", i+1), "metadata": map[string]any{},
			"source": src, "execution_count": nil, "outputs": []any{}}
		if outputs != "" {
			cell["execution_count"] = i + 1
			cell["outputs"] = json.RawMessage(outputs)
		}
		cells = append(cells, cell)
	}
	doc := map[string]any{"nbformat": 4, "nbformat_minor": 5, "cells": cells, "metadata": map[string]any{
		"kernelspec":    map[string]any{"name": "gonb", "display_name": "Go (gonb)", "language": "go"},
		"language_info": map[string]any{"name": "go"},
		"dllessons":     map[string]any{"figures": figures},
	}}
	data, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

type notebookFile struct {
	data     []byte
	notebook *notebooks.Notebook
}

func readNotebook(t *testing.T, path string) notebookFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := notebooks.Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return notebookFile{data, nb}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
