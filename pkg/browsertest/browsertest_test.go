package browsertest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	pngenc "image/png"
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

// The tests share one Jupyter server and one browser per frontend, started by the first test
// that needs them.
var sessions [2]struct {
	once    sync.Once
	session *Session
	err     error
}

var frontends = []Frontend{Notebook6, JupyterLab}

func TestMain(m *testing.M) {
	code := m.Run()
	for i := range sessions {
		if sessions[i].session != nil {
			sessions[i].session.Close()
		}
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

// openSession skips in -short mode and where Chromium or the frontend is missing — except in
// CI, where set-up must have installed them — and returns the shared session, in quick mode.
func openSession(t *testing.T, frontend Frontend) *Session {
	t.Helper()
	if testing.Short() {
		t.Skip("drives a browser and executes notebooks")
	}
	if missing := missingPieces(moduleRoot(t), frontend); missing != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s: scripts/setup.sh should have installed it", missing)
		}
		t.Skipf("%s; run scripts/setup.sh", missing)
	}
	shared := &sessions[frontend]
	shared.once.Do(func() {
		shared.session, shared.err = Start(context.Background(), Options{Root: moduleRoot(t), Frontend: frontend,
			Env: []string{lesson.QuickEnv + "=1"}})
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.session
}

// missingPieces names what the frontend's test needs but the machine lacks, or is "".
func missingPieces(root string, frontend Frontend) string {
	var missing []string
	if _, err := os.Stat(Chromium); err != nil {
		missing = append(missing, "Chromium ("+err.Error()+")")
	}
	check := []string{"-m", "notebook", "--version"}
	if frontend == JupyterLab {
		check = []string{"-c", "import jupyter_server, jupyterlab_server"}
		if _, err := os.Stat(filepath.Join(root, LabDir, "build", "bundle.js")); err != nil {
			missing = append(missing, "the JupyterLab build ("+err.Error()+")")
		}
	}
	if out, err := exec.Command(notebooks.Python, check...).CombinedOutput(); err != nil {
		missing = append(missing, fmt.Sprintf("%s's server (%s %s: %v %s)", frontend, notebooks.Python,
			strings.Join(check, " "), err, strings.TrimSpace(string(out))))
	}
	if len(missing) == 0 {
		return ""
	}
	return frontend.String() + " test: missing " + strings.Join(missing, ", ")
}

// TestLessonsInNotebook6 and TestLessonsInJupyterLab open every lesson as committed — untrusted,
// as a learner who has just cloned the lessons sees them — and check its figures and math; then
// run all its cells in quick mode from the page and check again, with no errors or hidden panics.
// Screenshots of both states go to out/quick/screenshots/FRONTEND/.
func TestLessonsInNotebook6(t *testing.T)  { checkLessons(t, Notebook6) }
func TestLessonsInJupyterLab(t *testing.T) { checkLessons(t, JupyterLab) }

func checkLessons(t *testing.T, frontend Frontend) {
	s := openSession(t, frontend)
	root := moduleRoot(t)
	paths, err := notebooks.Select(filepath.Join(root, "notebooks"), nil)
	if err != nil {
		t.Fatal(err)
	}
	shots := filepath.Join(root, "out", "quick", "screenshots", frontend.String())
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".ipynb"), func(t *testing.T) {
			before := readNotebook(t, path)
			want, err := ExpectedFigures(before.notebook)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			stored, ran, err := s.ViewThenRun(context.Background(), path, lessonTimeout)
			if stored != nil {
				reportPage(t, stored, want, shots)
				if stored.Trusted {
					t.Errorf("as stored: the page trusts the notebook, so this is not what a learner who has just cloned it sees")
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			reportPage(t, ran, want, shots)
			if after := readNotebook(t, path); !bytes.Equal(after.data, before.data) {
				t.Errorf("%s changed while it was open in the browser (saved by the page, or edited meanwhile)", path)
			}
		})
	}
}

// reportPage saves the page's screenshot as NAME-STATE.png in dir and reports its problems.
func reportPage(t *testing.T, page *Page, wantFigures int, dir string) {
	t.Helper()
	shot, err := page.SaveScreenshot(dir, "-"+page.State)
	if err != nil {
		t.Error(err)
	}
	for _, p := range page.Problems(wantFigures) {
		t.Errorf("%s, %s: %s", page.Frontend, page.State, p)
	}
	t.Logf("%s, %s: %d figures rendered, %d formulas typeset, trusted: %v, after %s; screenshot %s", page.Frontend, page.State,
		page.RenderedFigures, page.MathTypeset, page.Trusted, page.Duration.Round(time.Second), shot)
}

// TestStoredFiguresNeedNoTrust proves the stored-view check on notebooks stored with outputs
// and opened untrusted, in both frontends: a figure sent as image/png + image/svg+xml shows; an
// SVG inside text/html (what GoNB's DisplayHTML sends) is dropped by the sanitizer and must
// fail the check, as must TeX that MathJax could not typeset; and a copy of a lesson whose
// figures are PNG + SVG bundles passes.
func TestStoredFiguresNeedNoTrust(t *testing.T) {
	inEachFrontend(t, func(t *testing.T, s *Session, root, dir string) {
		shots := filepath.Join(root, "out", "quick", "screenshots", s.frontend.String(), "fixtures")
		bundle := writeNotebook(t, filepath.Join(dir, "bundle.ipynb"), 1, figureBundle(t), "%%\nshowFigure()")
		html := writeNotebook(t, filepath.Join(dir, "svg_in_html.ipynb"), 1, figureInHTML, "%%\nshowFigure()")
		badMath := writeNotebook(t, filepath.Join(dir, "bad_math.ipynb"), 1, figureBundle(t), "%%\nshowFigure()")
		addMarkdown(t, badMath, "An unclosed formula: $$\\frac{1}{2}")
		view := func(path string) (*Page, string) {
			t.Helper()
			page, err := s.View(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			if page.Trusted {
				t.Errorf("%s: the stored fixture is trusted in the page; the check must see an untrusted notebook", filepath.Base(path))
			}
			if _, err := page.SaveScreenshot(shots, "-stored"); err != nil {
				t.Error(err)
			}
			t.Logf("%s: %d figures, %d formulas typeset", filepath.Base(path), page.RenderedFigures, page.MathTypeset)
			return page, strings.Join(page.Problems(1), "\n")
		}

		if page, p := view(bundle); p != "" || page.RenderedFigures != 1 || page.MathTypeset == 0 {
			t.Errorf("the PNG + SVG bundle: %d figures rendered, %d formulas typeset, problems %q", page.RenderedFigures, page.MathTypeset, p)
		}
		if _, p := view(html); !strings.Contains(p, "0 figures rendered in the page, want 1") || !strings.Contains(p, "does not trust the notebook") {
			t.Errorf("an SVG inside text/html passed the stored-view check; problems: %q", p)
		}
		if _, p := view(badMath); !strings.Contains(p, "TeX shown as text") {
			t.Errorf("TeX left as text was not reported; problems: %q", p)
		}
		// A real lesson, as it should be stored: its math, tables and text, figures as bundles.
		lesson, want := bundledLessonCopy(t, root, dir)
		page, err := s.View(context.Background(), lesson)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := page.SaveScreenshot(shots, "-stored"); err != nil {
			t.Error(err)
		}
		if p := page.Problems(want); len(p) > 0 || page.Trusted {
			t.Errorf("%s with PNG + SVG figures, untrusted (%v): problems %q", filepath.Base(lesson), !page.Trusted, p)
		}
		if shot, _, err := image.DecodeConfig(bytes.NewReader(page.Screenshot)); err != nil || shot.Height < 3*windowHeight {
			t.Errorf("the screenshot of %s is %d px high (%v): it shows one window, not the whole notebook", filepath.Base(lesson), shot.Height, err)
		}
		t.Logf("%s: %d figures, %d formulas typeset", filepath.Base(lesson), page.RenderedFigures, page.MathTypeset)
	})
}

// TestBrowserCatchesBrokenNotebooks proves the checks fail, in both frontends: a throw-away
// notebook with a hidden panic, a compile error and a forgotten figure; one whose cell never
// finishes; and a fine notebook with one figure, checked against the right count and against a
// count one higher. (GoNB runs the cells after a failed one, so every cell of the broken
// notebook is executed.)
func TestBrowserCatchesBrokenNotebooks(t *testing.T) {
	inEachFrontend(t, func(t *testing.T, s *Session, root, dir string) {
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
	})
}

// TestScreenshotsOfExecutedNotebooks opens executed notebooks without running them, as the
// screenshots of `make lessons` do: untrusted, stored figures render as image/png + image/svg+xml
// bundles, and a notebook that promises more figures than it shows fails.
func TestScreenshotsOfExecutedNotebooks(t *testing.T) {
	s := openSession(t, Notebook6)
	dir := throwAwayDir(t, moduleRoot(t))
	outputs := strings.TrimSuffix(figureBundle(t), "]") + "," + strings.TrimPrefix(figureBundle(t), "[")
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

// inEachFrontend runs test as a subtest per frontend, with its session, the module root and a
// throw-away folder for notebooks inside it.
func inEachFrontend(t *testing.T, test func(t *testing.T, s *Session, root, dir string)) {
	for _, frontend := range frontends {
		t.Run(frontend.String(), func(t *testing.T) {
			s := openSession(t, frontend)
			root := moduleRoot(t)
			test(t, s, root, throwAwayDir(t, root))
		})
	}
}

// figureBundle is stored outputs (a JSON array) with one figure as GoNB's lessons should send it:
// image/png (at twice the pixel density) beside image/svg+xml and text/plain, no text/html.
func figureBundle(t *testing.T) string {
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40"><rect width="60" height="40" fill="teal"/></svg>`
	out, err := json.Marshal([]any{bundleOutput(t, svg)})
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// bundleOutput is a display_data output with the SVG and a PNG (a colour ramp, not the SVG's
// rendering: the check counts figures a learner can see, whatever they show).
func bundleOutput(t *testing.T, svg string) map[string]any {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 120, 80))
	for y := 0; y < 80; y++ {
		for x := 0; x < 120; x++ {
			img.Set(x, y, color.RGBA{0, uint8(128 + x), 128, 255})
		}
	}
	var png bytes.Buffer
	if err := pngenc.Encode(&png, img); err != nil {
		t.Fatal(err)
	}
	return map[string]any{"output_type": "display_data",
		"metadata": map[string]any{"image/png": map[string]any{"width": 60, "height": 40}},
		"data": map[string]any{"image/png": base64.StdEncoding.EncodeToString(png.Bytes()),
			"image/svg+xml": svg, "text/plain": "<figure>"}}
}

// bundledLessonCopy writes the committed lesson with the most figures to dir, with every SVG
// inside a text/html output turned into a PNG + SVG bundle (what the lessons should store), and
// returns its path and figure count.
func bundledLessonCopy(t *testing.T, root, dir string) (string, int) {
	t.Helper()
	paths, err := notebooks.Select(filepath.Join(root, "notebooks"), nil)
	if err != nil {
		t.Fatal(err)
	}
	lesson, most := "", -1
	for _, path := range paths {
		if n, err := ExpectedFigures(readNotebook(t, path).notebook); err == nil && n > most {
			lesson, most = path, n
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(readNotebook(t, lesson).data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, cell := range doc["cells"].([]any) {
		outputs, _ := cell.(map[string]any)["outputs"].([]any)
		for i, o := range outputs {
			data, _ := o.(map[string]any)["data"].(map[string]any)
			html := nbText(data["text/html"])
			if start, end := strings.Index(html, "<svg"), strings.LastIndex(html, "</svg>"); start >= 0 && end > start {
				outputs[i] = bundleOutput(t, html[start:end+len("</svg>")])
			}
		}
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "bundled_"+filepath.Base(lesson))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, most
}

// nbText is nbformat's multi-line string (a string or a list of strings) as one string.
func nbText(v any) string {
	if lines, ok := v.([]any); ok {
		var b strings.Builder
		for _, line := range lines {
			s, _ := line.(string)
			b.WriteString(s)
		}
		return b.String()
	}
	s, _ := v.(string)
	return s
}

// figureInHTML is stored outputs with one figure as an SVG inside text/html, which is what
// GoNB's DisplayHTML / DisplaySVG send: untrusted, both frontends' sanitizers drop the <svg>.
var figureInHTML = `[{"output_type":"display_data","metadata":{},"data":{"text/html":` +
	quote(`<div><svg xmlns="http://www.w3.org/2000/svg" width="60" height="40"><rect width="60" height="40" fill="teal"/>`+
		`<text x="5" y="20">label</text></svg></div>`) + `}}]`

// addMarkdown appends a Markdown cell to the notebook at path.
func addMarkdown(t *testing.T, path, source string) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(readNotebook(t, path).data, &doc); err != nil {
		t.Fatal(err)
	}
	doc["cells"] = append(doc["cells"].([]any), map[string]any{"cell_type": "markdown", "id": "extra", "metadata": map[string]any{}, "source": source})
	data, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// showSVGCell displays one SVG figure through GoNB.
const showSVGCell = "import \"github.com/janpfeifer/gonb/gonbui\"\n%%\n" +
	"gonbui.DisplaySVG(`<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"80\" height=\"50\"><circle cx=\"40\" cy=\"25\" r=\"20\" fill=\"teal\"/></svg>`)"

// setupCell is the lessons' first cell by absolute path (the throw-away notebooks do not sit in
// notebooks/).
func setupCell(root string) string { return notebooks.SetupCell(root) }

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
	cells := []map[string]any{{"cell_type": "markdown", "id": "title", "metadata": map[string]any{},
		"source": "# Throw-away lesson\n\nWith a formula, as every lesson has: $\\operatorname{lse}(\\beta, x) = \\beta^{-1} \\log \\sum_i e^{\\beta x_i}$.\n"}}
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
