package notebooks

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// codeNotebook builds an nbformat-4 GoNB notebook with one code cell per source.
func codeNotebook(sources ...string) []byte {
	cells := []map[string]any{{"cell_type": "markdown", "metadata": map[string]any{}, "source": "# Test lesson\n"}}
	for _, src := range sources {
		cells = append(cells, map[string]any{"cell_type": "code", "metadata": map[string]any{},
			"execution_count": nil, "outputs": []any{}, "source": src})
	}
	nb := map[string]any{"nbformat": 4, "nbformat_minor": 5, "cells": cells, "metadata": map[string]any{
		"kernelspec":    map[string]any{"name": "gonb", "display_name": "Go (gonb)", "language": "go"},
		"language_info": map[string]any{"name": "go"},
		"dllessons":     map[string]any{"figures": 0},
	}}
	data, _ := json.MarshalIndent(nb, "", " ")
	return data
}

func TestProblemsFindsErrorsAndHiddenPanics(t *testing.T) {
	cases := map[string]struct {
		outputs string
		want    string
	}{
		"error output":  {`[{"output_type":"error","ename":"ERROR","evalue":"failed to build","traceback":[]}]`, "error output ERROR"},
		"hidden panic":  {`[{"output_type":"stream","name":"stderr","text":["panic: boom\n","\n","goroutine 1 [running]:\n"]}]`, `"panic:"`},
		"failed build":  {`[{"output_type":"stream","name":"stderr","text":"exit status 2\n"}]`, `"exit status 2"`},
		"clean":         {`[{"output_type":"stream","name":"stdout","text":"42\n"}]`, ""},
		"html ok":       {`[{"output_type":"display_data","data":{"text/html":"<b>ok</b>"},"metadata":{}}]`, ""},
		"fatal runtime": {`[{"output_type":"stream","name":"stderr","text":"fatal error: all goroutines are asleep - deadlock!\n"}]`, `"fatal error:"`},
	}
	for name, c := range cases {
		doc := `{"cells":[{"cell_type":"code","source":"%%\nfmt.Println(42)","execution_count":1,"outputs":` + c.outputs + `}],"metadata":{}}`
		nb, err := Parse([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		problems := strings.Join(nb.Problems(), "\n")
		if c.want == "" && problems != "" {
			t.Errorf("%s: unexpected problems: %s", name, problems)
		}
		if c.want != "" && !strings.Contains(problems, c.want) {
			t.Errorf("%s: problems %q do not mention %q", name, problems, c.want)
		}
	}
}

func TestProblemsFindsUnexecutedCells(t *testing.T) {
	nb, err := Parse(codeNotebook("%%\nfmt.Println(1)"))
	if err != nil {
		t.Fatal(err)
	}
	if p := nb.Problems(); len(p) != 1 || !strings.Contains(p[0], "not executed") {
		t.Fatalf("want one 'not executed' problem, got %v", p)
	}
}

// pngBase64 is a w×1 PNG, base64-encoded as nbformat stores it.
func pngBase64(w int) string {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, 1))); err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

func TestFiguresAndTitle(t *testing.T) {
	doc := fmt.Sprintf(`{"cells":[{"cell_type":"markdown","source":["intro\n","## Energy & CCCP\n"]},
	 {"cell_type":"code","source":"","execution_count":1,"outputs":[
	  {"output_type":"display_data","data":{"image/png":%[1]q,"image/svg+xml":"<svg width=\"100px\"></svg>","text/plain":"Figure: a"}},
	  {"output_type":"display_data","data":{"image/png":%[1]q,"image/svg+xml":["<svg width=\"75pt\">","</svg>"]}},
	  {"output_type":"display_data","data":{"image/svg+xml":"<svg></svg>"}},
	  {"output_type":"display_data","data":{"text/html":"<div><svg></svg></div>"}},
	  {"output_type":"display_data","data":{"text/plain":"x"}}]}],"metadata":{}}`, pngBase64(200))
	nb, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := nb.Figures(); got != 2 {
		t.Errorf("Figures() = %d, want 2 (the png + svg bundles only)", got)
	}
	if got := nb.Title(); got != "Energy & CCCP" {
		t.Errorf("Title() = %q", got)
	}
}

func TestFigureProblemsFindsWhatAFrontendWouldNotShow(t *testing.T) {
	sharp, blurred := pngBase64(200), pngBase64(150)
	cases := map[string]struct {
		data string
		want string
	}{
		"bundle":             {fmt.Sprintf(`{"image/png":%q,"image/svg+xml":"<svg xmlns=\"x\" width=\"100\"></svg>","text/plain":"a"}`, sharp), ""},
		"bundle in pt":       {fmt.Sprintf(`{"image/png":%q,"image/svg+xml":"<svg width=\"75pt\" height=\"10pt\"></svg>"}`, sharp), ""},
		"svg in html":        {`{"text/html":"<div><svg width=\"100\"></svg></div>"}`, "inside text/html"},
		"img in html":        {`{"text/html":"<img src=\"data:image/png;base64,AA\">"}`, "inside text/html"},
		"bundle beside html": {fmt.Sprintf(`{"image/png":%q,"image/svg+xml":"<svg width=\"100\"></svg>","text/html":"<b>x</b>"}`, sharp), "beside text/html"},
		"svg alone":          {`{"image/svg+xml":"<svg width=\"100\"></svg>"}`, "without a PNG"},
		"png alone":          {fmt.Sprintf(`{"image/png":%q}`, sharp), "without its SVG"},
		"blurred png":        {fmt.Sprintf(`{"image/png":%q,"image/svg+xml":"<svg width=\"100px\"></svg>"}`, blurred), "150 pixels wide for an SVG 100"},
		"broken png":         {`{"image/png":"bm90IGEgcG5n","image/svg+xml":"<svg width=\"100\"></svg>"}`, "does not decode"},
		"svg without width":  {fmt.Sprintf(`{"image/png":%q,"image/svg+xml":"<svg viewBox=\"0 0 1 1\"></svg>"}`, sharp), "no width"},
		"table":              {`{"text/html":"<table><tr><td>1</td></tr></table>","text/plain":"1"}`, ""},
	}
	for name, c := range cases {
		doc := `{"cells":[{"cell_type":"code","source":"%%\nshow()","execution_count":1,"outputs":[{"output_type":"display_data","data":` + c.data + `}]}],"metadata":{}}`
		nb, err := Parse([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		problems := strings.Join(nb.FigureProblems(), "\n")
		if c.want == "" && problems != "" {
			t.Errorf("%s: unexpected problems: %s", name, problems)
		}
		if c.want != "" && !strings.Contains(problems, c.want) {
			t.Errorf("%s: problems %q do not mention %q", name, problems, c.want)
		}
	}
}

func TestExpectedFigures(t *testing.T) {
	for doc, want := range map[string]int{
		`{"cells":[],"metadata":{"dllessons":{"figures":3}}}`:   3,
		`{"cells":[],"metadata":{}}`:                            -1,
		`{"cells":[],"metadata":{"dllessons":{"figures":1.5}}}`: -1,
	} {
		nb, err := Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		got, err := nb.ExpectedFigures()
		if (want < 0) != (err != nil) || (want >= 0 && got != want) {
			t.Errorf("%s: got %d, %v; want %d", doc, got, err, want)
		}
	}
}

func TestPatchKernelSpecKeepsFields(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kernel.json")
	if err := os.WriteFile(path, []byte(`{"argv":["gonb"],"env":{"A":"1"},"language":"go"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := PatchKernelSpec(path, map[string]string{"GOEXPERIMENT": "simd"}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	var spec struct {
		Argv     []string          `json:"argv"`
		Env      map[string]string `json:"env"`
		Language string            `json:"language"`
	}
	if err := json.Unmarshal(data, &spec); err != nil {
		t.Fatal(err)
	}
	if spec.Env["A"] != "1" || spec.Env["GOEXPERIMENT"] != "simd" || spec.Language != "go" || len(spec.Argv) != 1 {
		t.Fatalf("patched spec lost or missed fields: %s", data)
	}
	if err := PatchKernelSpec(filepath.Join(t.TempDir(), "missing.json"), nil); err == nil {
		t.Fatal("want an error for a missing kernel spec")
	}
}

// requireJupyter skips when Jupyter+GoNB are not installed, except in CI where set-up must
// have installed them.
func requireJupyter(t *testing.T) {
	t.Helper()
	_, errPy := exec.Command(Python, "-m", "nbconvert", "--version").Output()
	spec, _ := KernelSpecPath()
	_, errSpec := os.Stat(spec)
	if errPy != nil || errSpec != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Jupyter or the GoNB kernel is missing (nbconvert: %v, kernel spec: %v): scripts/setup.sh should have installed them", errPy, errSpec)
		}
		t.Skip("Jupyter/GoNB not installed; run scripts/setup.sh")
	}
}

// TestRunFailsOnHiddenPanic executes real notebooks with the GoNB kernel: one whose cell panics
// at run time (GoNB marks that cell as successful) and one that is fine.
func TestRunFailsOnHiddenPanic(t *testing.T) {
	if testing.Short() {
		t.Skip("executes notebooks")
	}
	requireJupyter(t)
	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a_fine.ipynb", codeNotebook("%%\nfmt.Println(\"fine\")"))
	promising := strings.Replace(string(codeNotebook("%%\nfmt.Println(\"no figure\")")), `"figures": 0`, `"figures": 1`, 1)
	write("c_missing_figure.ipynb", []byte(promising))
	write("b_panics.ipynb", codeNotebook("%%\nfmt.Println(\"before\")\npanic(\"boom in a lesson\")", "%%\nfmt.Println(\"after\")"))
	out := filepath.Join(dir, "out")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	results, err := Run(ctx, Options{Dir: dir, OutDir: out, Log: testWriter{t}})
	if err == nil {
		t.Fatal("Run succeeded although a notebook panicked")
	}
	if len(results) != 3 {
		t.Fatalf("want 3 results, got %d (%v)", len(results), err)
	}
	if !results[0].OK() {
		t.Errorf("the fine notebook was reported as failing: %v", results[0].Problems)
	}
	if results[1].OK() || !strings.Contains(strings.Join(results[1].Problems, " "), "panic") {
		t.Errorf("the panicking notebook was not reported with its panic: %v", results[1].Problems)
	}
	if results[2].OK() || !strings.Contains(strings.Join(results[2].Problems, " "), "0 figures rendered, its metadata promises 1") {
		t.Errorf("the notebook missing its figure was not reported: %v", results[2].Problems)
	}
	for _, path := range []string{results[0].Executed, results[0].HTML, filepath.Join(out, "html", "index.html")} {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// TestRunStoresFigureBundlesThatExportToHTML runs a notebook that shows a plot through the
// GoNB kernel, as the lessons do: the stored output must be one png + svg bundle laid out at
// the SVG's size, and the static HTML export (what `make lessons` writes under out/html) must
// show the figure, inline as SVG or as a PNG data URL.
func TestRunStoresFigureBundlesThatExportToHTML(t *testing.T) {
	if testing.Short() {
		t.Skip("executes notebooks")
	}
	requireJupyter(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	doc := strings.Replace(string(codeNotebook(
		SetupCell(root),
		"import \"github.com/dllessons/dllessons/pkg/plots\"\n%%\n"+
			"p, err := plots.Lines(\"bundle check\", \"x\", \"y\", plots.Series{Name: \"line\", X: []float64{0, 1}, Y: []float64{1, 0}})\n"+
			"if err != nil {\n\tpanic(err)\n}\n"+
			"if err := plots.Show(p); err != nil {\n\tpanic(err)\n}")), `"figures": 0`, `"figures": 1`, 1)
	if err := os.WriteFile(filepath.Join(dir, "figure.ipynb"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	results, err := Run(ctx, Options{Dir: dir, OutDir: filepath.Join(dir, "out"), Log: testWriter{t}})
	if err != nil || len(results) != 1 {
		t.Fatalf("run: %v", err)
	}
	if r := results[0]; !r.OK() || r.Figures != 1 {
		t.Fatalf("want one figure bundle and no problems, got %d figures, problems %q", r.Figures, r.Problems)
	}
	executed, err := os.ReadFile(results[0].Executed)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			Outputs []struct {
				Data     map[string]any `json:"data"`
				Metadata map[string]any `json:"metadata"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(executed, &nb); err != nil {
		t.Fatal(err)
	}
	outputs := nb.Cells[len(nb.Cells)-1].Outputs
	if len(outputs) != 1 {
		t.Fatalf("want the figure as the cell's only output, got %d outputs", len(outputs))
	}
	if size, _ := outputs[0].Metadata["image/png"].(map[string]any); size["width"] != 576.0 || size["height"] != 384.0 {
		t.Errorf("the PNG is not laid out at the SVG's 576×384 pixels: metadata %v", outputs[0].Metadata)
	}
	if alt := fmt.Sprint(outputs[0].Data["text/plain"]); !strings.Contains(alt, "bundle check") {
		t.Errorf("the bundle's text/plain is %q, want the figure's title", alt)
	}
	page, err := os.ReadFile(results[0].HTML)
	if err != nil {
		t.Fatal(err)
	}
	inlineSVG := regexp.MustCompile(`(?s)<svg[^>]*>.*?bundle check.*?</svg>`)
	if !inlineSVG.Match(page) && !bytes.Contains(page, []byte(`<img src="data:image/png;base64,`)) {
		t.Error("the HTML export shows the figure neither as inline SVG nor as a PNG data URL")
	}
}
