// Package browsertest opens the lesson notebooks the way a learner does — in a real browser
// (Debian's Chromium, headless) on a classic Jupyter Notebook server on 127.0.0.1 — runs all
// their cells from the page, and reports what the page shows: error outputs, GoNB's hidden
// panics, cells that never ran, and how many figures really rendered. It also takes a
// full-page screenshot of each lesson.
//
// Notebooks are opened where they are: the lessons' first cell finds the module at
// $GONB_DIR/.., so they must stay in notebooks/. Nothing is saved: autosave is switched off in
// the page before anything runs, the page is never saved (the test checks the files are
// unchanged), and the server keeps its checkpoints in its throw-away folder. Each notebook is trusted in the server's throw-away notary database first, so its
// SVG and HTML outputs render as they do for a learner who trusts the lessons.
package browsertest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dllessons/dllessons/pkg/notebooks"
)

// Chromium is Debian's Chromium, installed by scripts/setup.sh.
const Chromium = "/usr/bin/chromium"

// loadTimeout bounds loading a notebook page and starting its kernel.
const loadTimeout = 2 * time.Minute

// Options configure a Session.
type Options struct {
	Root     string   // folder the Jupyter server serves; every notebook opened must be inside it
	Env      []string // extra KEY=VALUE for the server, so for its kernels (e.g. DLLESSONS_QUICK=1)
	Chromium string   // browser executable; Chromium when empty
	Width    int      // page width in pixels; 1280 when 0
}

// Session is one Jupyter server and one headless browser; notebooks are opened one at a time.
type Session struct {
	server       *server
	browser      context.Context
	closeBrowser context.CancelFunc
	profile      string
}

// Start starts the Jupyter server and the browser.
func Start(ctx context.Context, opts Options) (*Session, error) {
	if opts.Chromium == "" {
		opts.Chromium = Chromium
	}
	if opts.Width == 0 {
		opts.Width = 1280
	}
	if _, err := os.Stat(opts.Chromium); err != nil {
		return nil, fmt.Errorf("no Chromium at %s (scripts/setup.sh installs Debian's chromium): %w", opts.Chromium, err)
	}
	srv, err := startServer(ctx, opts.Root, opts.Env)
	if err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp("", "dllessons-chromium-")
	if err != nil {
		srv.stop()
		return nil, err
	}
	allocator, closeAllocator := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(opts.Chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profile),
		chromedp.WindowSize(opts.Width, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true), chromedp.Flag("metrics-recording-only", true))
	browser, closeBrowser := chromedp.NewContext(allocator)
	if err := chromedp.Do(browser); err != nil { // starts Chromium
		closeBrowser()
		closeAllocator()
		srv.stop()
		os.RemoveAll(profile)
		return nil, fmt.Errorf("starting %s headless: %w", opts.Chromium, err)
	}
	return &Session{server: srv, browser: browser, profile: profile,
		closeBrowser: func() { closeBrowser(); closeAllocator() }}, nil
}

// Close stops the browser, the server and its kernels, and removes their temporary folders.
func (s *Session) Close() {
	s.closeBrowser()
	s.server.stop()
	os.RemoveAll(s.profile)
}

// Page is what one notebook showed in the browser.
type Page struct {
	Path            string
	Notebook        *notebooks.Notebook // the page's notebook model: cells and outputs as shown
	Trusted         bool                // the page treats the notebook as trusted
	RenderedFigures int                 // output areas showing a laid-out <svg> or a loaded <img>
	Screenshot      []byte              // full page, PNG
	Duration        time.Duration
}

// Run opens the notebook, clears its stored outputs, runs all cells as a learner does
// (Cell ▸ Run All), waits until every cell has finished and the kernel is idle, and returns
// the page's state and screenshot. timeout bounds the whole run of the notebook.
func (s *Session) Run(ctx context.Context, path string, timeout time.Duration) (*Page, error) {
	return s.open(ctx, path, timeout, true)
}

// View opens the notebook as stored (e.g. an executed copy) without running it, and returns
// the page's state and screenshot.
func (s *Session) View(ctx context.Context, path string) (*Page, error) {
	return s.open(ctx, path, loadTimeout+time.Minute, false)
}

func (s *Session) open(ctx context.Context, path string, timeout time.Duration, run bool) (*Page, error) {
	start := time.Now()
	url, err := s.server.pageURL(path)
	if err != nil {
		return nil, err
	}
	if err := s.server.trust(path); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tab, closeTab := chromedp.NewContext(s.browser)
	defer closeTab()
	stop := context.AfterFunc(ctx, closeTab) // the timeout also ends pending browser calls
	defer stop()
	defer s.server.shutdownKernels()

	if err := chromedp.Do(tab, chromedp.Navigate(url)); err != nil {
		return nil, fmt.Errorf("opening %s: %w", url, err)
	}
	loading, loaded := context.WithTimeout(ctx, loadTimeout)
	defer loaded()
	if err := waitFor(loading, tab, jsKernelReady, 1, "the notebook to load and its kernel to be ready"); err != nil {
		return nil, err
	}
	if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](jsNoAutosave)); err != nil {
		return nil, fmt.Errorf("switching autosave off: %w", err)
	}
	if run {
		if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](jsRunAll)); err != nil {
			return nil, fmt.Errorf("starting Run All: %w", err)
		}
		if err := waitFor(ctx, tab, jsFinished, 3, "every cell to finish and the kernel to be idle"); err != nil {
			return nil, err
		}
	}
	if err := waitFor(ctx, tab, jsMathDone, 2, "MathJax to finish typesetting"); err != nil {
		return nil, err
	}
	page, err := inspect(tab)
	if err != nil {
		return nil, err
	}
	page.Path = path
	if page.Screenshot, err = screenshot(tab); err != nil {
		return nil, err
	}
	_ = chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](`window.onbeforeunload = null`))
	page.Duration = time.Since(start)
	return page, nil
}

const (
	// jsKernelReady: the notebook is loaded and its kernel connected and idle.
	jsKernelReady = `!!(window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded &&
		Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected() && !Jupyter.notebook.kernel_busy)`
	// jsNoAutosave: the file must stay as it is.
	jsNoAutosave = `Jupyter.notebook.set_autosave_interval(0)`
	// jsRunAll: stored outputs and execution counts cleared (so a cell that does not run shows
	// as not executed), then Run All.
	jsRunAll = `(() => {
		const nb = Jupyter.notebook;
		nb.get_cells().forEach(c => { if (c.cell_type === 'code') { c.clear_output(); c.set_input_prompt(null); } });
		nb.execute_all_cells();
	})()`
	// jsFinished: no cell is queued or running ("*") and the kernel is idle.
	jsFinished = `(() => {
		const nb = Jupyter.notebook;
		return !nb.kernel_busy && nb.get_cells().every(c => c.cell_type !== 'code' || c.input_prompt_number !== '*');
	})()`
	jsMathDone = `!window.MathJax || !MathJax.Hub || !MathJax.Hub.queue ||
		(MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running)`
	// jsInspect: the notebook model as the page holds it, its trust, and the output areas that
	// show a figure a learner can see (an <svg> with a size, or an <img> that loaded).
	jsInspect = `(() => {
		const visible = f => {
			const r = f.getBoundingClientRect();
			const loaded = f.tagName.toLowerCase() !== 'img' || (f.complete && f.naturalWidth > 0);
			return r.width > 0 && r.height > 0 && loaded;
		};
		const areas = Array.from(document.querySelectorAll('.output_area .output_subarea'));
		return {
			notebook: JSON.stringify(Jupyter.notebook.toJSON()),
			trusted: Jupyter.notebook.trusted === true,
			figures: areas.filter(a => Array.from(a.querySelectorAll('svg, img')).some(visible)).length,
		};
	})()`
	// jsFullHeight lets the whole notebook flow into the page: the classic Notebook otherwise
	// scrolls it inside a window-high #site box, and a screenshot would show one screen.
	jsFullHeight = `(() => {
		const style = document.createElement('style');
		style.textContent = 'html, body { height: auto !important; overflow: visible !important; position: static !important; }' +
			' #site { height: auto !important; overflow: visible !important; }';
		document.head.appendChild(style);
		window.scrollTo(0, 0);
	})()`
)

// waitFor polls a JavaScript condition every half second until it holds `times` polls in a
// row (so that, e.g., a short idle gap between two cells does not count) or ctx ends.
func waitFor(ctx context.Context, tab context.Context, condition string, times int, what string) error {
	held := 0
	for {
		ok, err := chromedp.Run(tab, chromedp.Evaluate[bool](condition))
		if err != nil && ctx.Err() == nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if ok {
			held++
		} else {
			held = 0
		}
		if held == times {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("gave up waiting for %s: %w", what, ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func inspect(tab context.Context) (*Page, error) {
	state, err := chromedp.Run(tab, chromedp.Evaluate[struct {
		Notebook string `json:"notebook"`
		Trusted  bool   `json:"trusted"`
		Figures  int    `json:"figures"`
	}](jsInspect))
	if err != nil {
		return nil, fmt.Errorf("reading the page: %w", err)
	}
	nb, err := notebooks.Parse([]byte(state.Notebook))
	if err != nil {
		return nil, fmt.Errorf("the page's notebook model: %w", err)
	}
	return &Page{Notebook: nb, Trusted: state.Trusted, RenderedFigures: state.Figures}, nil
}

func screenshot(tab context.Context) ([]byte, error) {
	if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](jsFullHeight)); err != nil {
		return nil, fmt.Errorf("laying the page out for a screenshot: %w", err)
	}
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		return nil, fmt.Errorf("full-page screenshot: %w", err)
	}
	return png, nil
}

// Problems lists what is wrong with the page for a lesson that should show expectedFigures
// figures: every problem of the notebook model (error outputs, hidden panics, cells not
// executed), an untrusted page, and a rendered figure count other than expected.
func (p *Page) Problems(expectedFigures int) []string {
	problems := p.Notebook.Problems()
	if !p.Trusted {
		problems = append(problems, "the notebook is not trusted in the page: its SVG/HTML outputs are not shown")
	}
	if p.RenderedFigures != expectedFigures {
		problems = append(problems, fmt.Sprintf("%d figures rendered in the page, want %d (dllessons.figures in the notebook's metadata; %d figure outputs in its cells)",
			p.RenderedFigures, expectedFigures, p.Notebook.Figures()))
	}
	return problems
}

// ExpectedFigures reads how many figures the notebook shows when it has run: its metadata
// must say so as "dllessons": {"figures": N}, so that a lesson that loses a figure fails.
func ExpectedFigures(nb *notebooks.Notebook) (int, error) { return nb.ExpectedFigures() }

// SaveScreenshot writes the page's screenshot as dir/NAME.png (NAME: the notebook's file name
// without .ipynb) and returns its path.
func (p *Page) SaveScreenshot(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, strings.TrimSuffix(filepath.Base(p.Path), ".ipynb")+".png")
	return path, os.WriteFile(path, p.Screenshot, 0o644)
}

// Screenshots opens each notebook as stored (e.g. the executed lessons of `make lessons`),
// saves its full-page screenshot in dir, and checks the page like Run's callers do (no
// problems, the figures its metadata promises). It goes through all notebooks, logging one
// line each, and returns an error naming those with problems.
func (s *Session) Screenshots(ctx context.Context, paths []string, dir string, log io.Writer) error {
	var failed []string
	for _, path := range paths {
		problems, err := s.screenshotOne(ctx, path, dir, log)
		if err != nil {
			problems = append(problems, err.Error())
		}
		if len(problems) > 0 {
			failed = append(failed, filepath.Base(path))
			fmt.Fprintf(log, "screenshots: %s: FAILED:\n    %s\n", filepath.Base(path), strings.Join(problems, "\n    "))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d notebooks look wrong in the browser: %s", len(failed), len(paths), strings.Join(failed, ", "))
	}
	return nil
}

func (s *Session) screenshotOne(ctx context.Context, path, dir string, log io.Writer) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	nb, err := notebooks.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	want, err := ExpectedFigures(nb)
	if err != nil {
		return nil, err
	}
	page, err := s.View(ctx, path)
	if err != nil {
		return nil, err
	}
	shot, err := page.SaveScreenshot(dir)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "screenshots: %s: %d figures rendered, %s\n", filepath.Base(path), page.RenderedFigures, shot)
	return page.Problems(want), nil
}
