package notebooks

import (
	"context"
	"fmt"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Python is the interpreter that has Debian's Jupyter packages; the python3 first on PATH may be
// another build without them.
const Python = "/usr/bin/python3"

// Options configure a run.
type Options struct {
	Dir         string        // folder with the *.ipynb lessons
	OutDir      string        // executed notebooks go to OutDir/notebooks, HTML to OutDir/html
	Names       []string      // lessons to run (file names with or without .ipynb); all when empty
	CellTimeout time.Duration // per cell; 0 means one hour
	Kernel      string        // Jupyter kernel name; "gonb" when empty
	Env         []string      // extra KEY=VALUE for the kernel (e.g. DLLESSONS_QUICK=1)
	Log         io.Writer     // progress messages; os.Stderr when nil
}

// Result is what one lesson's run produced.
type Result struct {
	Name     string
	Title    string
	Executed string // path of the executed notebook
	HTML     string // path of its HTML rendering
	Figures  int
	Duration time.Duration
	Problems []string
}

// OK reports whether the lesson ran without any problem.
func (r Result) OK() bool { return len(r.Problems) == 0 }

// Select returns the notebook paths in dir matching names (all *.ipynb when names is empty),
// in file-name order, which is the lessons' order.
func Select(dir string, names []string) ([]string, error) {
	all, err := filepath.Glob(filepath.Join(dir, "*.ipynb"))
	if err != nil {
		return nil, err
	}
	sort.Strings(all)
	if len(names) == 0 {
		if len(all) == 0 {
			return nil, fmt.Errorf("no notebooks (*.ipynb) in %s", dir)
		}
		return all, nil
	}
	var picked []string
	for _, name := range names {
		path := filepath.Join(dir, strings.TrimSuffix(filepath.Base(name), ".ipynb")+".ipynb")
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("notebook %q: %w", name, err)
		}
		picked = append(picked, path)
	}
	return picked, nil
}

// Run executes the selected notebooks one after another and writes an HTML index of them.
// It returns an error when any lesson has problems (after running all of them).
func Run(ctx context.Context, opts Options) ([]Result, error) {
	opts = opts.withDefaults()
	paths, err := Select(opts.Dir, opts.Names)
	if err != nil {
		return nil, err
	}
	if err := checkJupyter(); err != nil {
		return nil, err
	}
	var results []Result
	failed := 0
	for _, path := range paths {
		fmt.Fprintf(opts.Log, "notebooks: running %s ...\n", filepath.Base(path))
		r := runOne(ctx, opts, path)
		if ctx.Err() != nil {
			return results, fmt.Errorf("interrupted while running %s: its kernel and programs are ended", filepath.Base(path))
		}
		results = append(results, r)
		status := "ok"
		if !r.OK() {
			failed++
			status = "FAILED"
		}
		fmt.Fprintf(opts.Log, "notebooks: %s: %d figures, %s, %s\n", r.Name, r.Figures, r.Duration.Round(time.Second), status)
		for _, problem := range r.Problems { // one line each: file, cell, reason
			fmt.Fprintf(opts.Log, "notebooks: %s: %s\n", filepath.Base(path), problem)
		}
	}
	if err := WriteIndex(filepath.Join(opts.OutDir, "html", "index.html"), results); err != nil {
		return results, err
	}
	if failed > 0 {
		return results, fmt.Errorf("%d of %d notebooks failed", failed, len(results))
	}
	return results, nil
}

func (o Options) withDefaults() Options {
	if o.CellTimeout == 0 {
		o.CellTimeout = time.Hour
	}
	if o.Kernel == "" {
		o.Kernel = "gonb"
	}
	if o.Log == nil {
		o.Log = os.Stderr
	}
	return o
}

func checkJupyter() error {
	out, err := exec.Command(Python, "-m", "nbconvert", "--version").CombinedOutput()
	if err != nil {
		return fmt.Errorf("jupyter nbconvert is not available through %s (%v: %s): run scripts/setup.sh",
			Python, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// runOne executes one notebook (keeping error outputs so they can be reported), renders it as
// HTML and checks the executed copy.
func runOne(ctx context.Context, opts Options, path string) Result {
	name := strings.TrimSuffix(filepath.Base(path), ".ipynb")
	r := Result{Name: name}
	start := time.Now()
	nbDir := filepath.Join(opts.OutDir, "notebooks")
	htmlDir := filepath.Join(opts.OutDir, "html")
	r.Executed = filepath.Join(nbDir, name+".ipynb")
	r.HTML = filepath.Join(htmlDir, name+".html")
	_ = os.Remove(r.Executed)

	if problem := execute(ctx, opts, path, r.Executed); problem != "" {
		r.Problems = append(r.Problems, problem)
	}
	r.Duration = time.Since(start)
	if ctx.Err() != nil {
		return r
	}
	data, err := os.ReadFile(r.Executed)
	if err != nil {
		if len(r.Problems) == 0 { // otherwise the driver said why
			r.Problems = append(r.Problems, "no executed notebook written: "+err.Error())
		}
		return r
	}
	nb, err := Parse(data)
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
		return r
	}
	r.Title, r.Figures = nb.Title(), nb.Figures()
	r.Problems = append(r.Problems, nb.Problems()...)
	r.Problems = append(r.Problems, nb.FigureProblems()...)
	if want, err := nb.ExpectedFigures(); err != nil {
		r.Problems = append(r.Problems, err.Error())
	} else if r.Figures != want {
		r.Problems = append(r.Problems, fmt.Sprintf("%d figures rendered, its metadata promises %d", r.Figures, want))
	}

	render := exec.CommandContext(ctx, Python, "-m", "nbconvert", "--to", "html",
		"--output-dir", htmlDir, "--output", name, r.Executed)
	if out, err := render.CombinedOutput(); err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("nbconvert --to html: %v: %s", err, lastLine(string(out))))
	}
	return r
}

// WriteIndex writes an HTML page linking each lesson's HTML in order.
func WriteIndex(path string, results []Result) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>dllessons</title></head><body>\n")
	b.WriteString("<h1>dllessons — deep-learning lessons in Go</h1>\n<ol>\n")
	for _, r := range results {
		title := r.Title
		if title == "" {
			title = r.Name
		}
		status := ""
		if !r.OK() {
			status = " <strong>(failed)</strong>"
		}
		fmt.Fprintf(&b, "<li><a href=\"%s.html\">%s</a> — %d figures, ran in %s%s</li>\n",
			html.EscapeString(r.Name), html.EscapeString(title), r.Figures, r.Duration.Round(time.Second), status)
	}
	b.WriteString("</ol>\n</body></html>\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// lastLine is the last non-empty line of a tool's output: for a Python traceback, the error.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
