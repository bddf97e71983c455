package browsertest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dllessons/dllessons/pkg/notebooks"
)

// Chromium is Debian's Chromium, installed by scripts/setup.sh.
const Chromium = "/usr/bin/chromium"

// loadTimeout bounds loading a notebook page and starting its kernel.
const loadTimeout = 2 * time.Minute

// windowHeight is the browser window's height while a notebook is open; screenshots grow it.
const windowHeight = 900

// maxShotHeight bounds a screenshot (whose window grows to the notebook's height).
const maxShotHeight = 30000

// Options configure a Session.
type Options struct {
	Root     string   // folder the Jupyter server serves; every notebook opened must be inside it
	Env      []string // extra KEY=VALUE for the server, so for its kernels (e.g. DLLESSONS_QUICK=1)
	Frontend Frontend // Notebook6 (the zero value) or JupyterLab
	LabDir   string   // JupyterLab's launcher and build; Root/jupyterlab when empty
	Chromium string   // browser executable; Chromium when empty
	Width    int      // page width in pixels; 1280 when 0
}

// Session is one Jupyter server and one headless browser; notebooks are opened one at a time.
type Session struct {
	frontend     Frontend
	width        int
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
	srv, err := startServer(ctx, opts)
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
		chromedp.WindowSize(opts.Width, windowHeight),
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
	return &Session{frontend: opts.Frontend, width: opts.Width, server: srv, browser: browser, profile: profile,
		closeBrowser: func() { closeBrowser(); closeAllocator() }}, nil
}

// Close stops the browser, the server and its kernels, and removes their temporary folders.
func (s *Session) Close() {
	s.closeBrowser()
	s.server.stop()
	os.RemoveAll(s.profile)
}

// Page is what one notebook showed in the browser, as stored or after running all its cells.
type Page struct {
	Path               string
	Frontend           Frontend
	State              string              // "stored" (as opened) or "run" (after Run All)
	Notebook           *notebooks.Notebook // the page's notebook model: cells and outputs as shown
	Trusted            bool                // the page treats all its code cells' outputs as trusted
	RenderedFigures    int                 // output areas showing a laid-out <svg> or a loaded <img>
	MathTypeset        int                 // formulas MathJax typeset in the rendered Markdown
	MathErrors         int                 // formulas MathJax could not typeset
	RawMath            []string            // TeX left as text in the rendered Markdown (first few)
	UnrenderedMarkdown int                 // Markdown cells showing their source
	OutputText         string              // the text a learner sees in the output areas
	Screenshot         []byte              // full page, PNG
	Duration           time.Duration       // from opening the page to this state
}

// Run opens the notebook, clears its stored outputs, runs all cells as a learner does
// (Run All), waits until every cell has finished and the kernel is idle, and returns the page's
// state and screenshot. timeout bounds the whole run of the notebook.
func (s *Session) Run(ctx context.Context, path string, timeout time.Duration) (*Page, error) {
	_, ran, err := s.open(ctx, path, timeout, false, true, Interaction{})
	return ran, err
}

// Interaction is what a test does on a page around Run All.
type Interaction struct {
	Prepare func(tab context.Context) error // after the page loaded, before Run All (e.g. a fault)
	During  func(tab context.Context) error // while the cells run: to drive a widget as a learner would
}

// RunInteracting is Run with the interaction's steps called on the page: Prepare before Run All,
// During after Run All started and before waiting for the cells to finish.
func (s *Session) RunInteracting(ctx context.Context, path string, timeout time.Duration, interact Interaction) (*Page, error) {
	_, ran, err := s.open(ctx, path, timeout, false, true, interact)
	return ran, err
}

// View opens the notebook as stored (untrusted) without running it, and returns the page's
// state and screenshot.
func (s *Session) View(ctx context.Context, path string) (*Page, error) {
	stored, _, err := s.open(ctx, path, loadTimeout+time.Minute, true, false, Interaction{})
	return stored, err
}

// ViewThenRun is View and then Run in the same page: the notebook as stored, then after Run All.
func (s *Session) ViewThenRun(ctx context.Context, path string, timeout time.Duration) (stored, ran *Page, err error) {
	return s.open(ctx, path, timeout, true, true, Interaction{})
}

func (s *Session) open(ctx context.Context, path string, timeout time.Duration, view, run bool, interact Interaction) (stored, ran *Page, err error) {
	start := time.Now()
	rel, err := s.server.relative(path)
	if err != nil {
		return nil, nil, err
	}
	js := s.frontend.impl()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tab, closeTab := chromedp.NewContext(s.browser)
	defer closeTab()
	stop := context.AfterFunc(ctx, closeTab) // the timeout also ends pending browser calls
	defer stop()
	defer s.server.shutdownKernels()

	url := js.pageURL(s.server, rel)
	if err := chromedp.Do(tab, chromedp.Navigate(url)); err != nil {
		return nil, nil, fmt.Errorf("opening %s: %w", url, err)
	}
	loading, loaded := context.WithTimeout(ctx, loadTimeout)
	defer loaded()
	if err := waitFor(loading, tab, js.ready(rel), 1, "the notebook to load and its kernel to be ready"); err != nil {
		return nil, nil, fmt.Errorf("%s in %s: %w\n%s", rel, s.frontend, err, tail(s.server.log.String(), 1500))
	}
	if off, err := chromedp.Run(tab, chromedp.Evaluate[bool](js.noAutosave(rel), chromedp.EvalAwaitPromise)); err != nil || !off {
		return nil, nil, fmt.Errorf("switching autosave off in %s (off: %v): %v", s.frontend, off, err)
	}
	if view {
		if stored, err = s.inspect(ctx, tab, rel, path, "stored", start); err != nil {
			return nil, nil, err
		}
	}
	if run {
		if interact.Prepare != nil {
			if err := interact.Prepare(tab); err != nil {
				return stored, nil, err
			}
		}
		if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](js.runAll(rel), chromedp.EvalAwaitPromise)); err != nil {
			return stored, nil, fmt.Errorf("starting Run All: %w", err)
		}
		if interact.During != nil {
			if err := interact.During(tab); err != nil {
				return stored, nil, err
			}
		}
		if err := waitFor(ctx, tab, js.finished(rel), 3, "every cell to finish and the kernel to be idle"); err != nil {
			return stored, nil, err
		}
		if ran, err = s.inspect(ctx, tab, rel, path, "run", start); err != nil {
			return stored, nil, err
		}
	}
	_ = chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](`window.onbeforeunload = null`))
	return stored, ran, nil
}

// inspect waits for images and MathJax, reads the page's state and takes its screenshot.
func (s *Session) inspect(ctx, tab context.Context, rel, path, state string, start time.Time) (*Page, error) {
	js := s.frontend.impl()
	if err := waitFor(ctx, tab, jsSettled, 2, "the images to load and MathJax to finish typesetting"); err != nil {
		return nil, err
	}
	got, err := chromedp.Run(tab, chromedp.Evaluate[pageState](js.inspect(rel)))
	if err != nil {
		return nil, fmt.Errorf("reading the page: %w", err)
	}
	nb, err := notebooks.Parse([]byte(got.Notebook))
	if err != nil {
		return nil, fmt.Errorf("the page's notebook model: %w", err)
	}
	page := &Page{Path: path, Frontend: s.frontend, State: state, Notebook: nb, Trusted: got.Trusted,
		RenderedFigures: got.Figures, MathTypeset: got.MathTypeset, MathErrors: got.MathErrors,
		RawMath: got.RawMath, UnrenderedMarkdown: got.UnrenderedMarkdown, OutputText: got.OutputText}
	if page.Screenshot, err = s.screenshot(tab, rel); err != nil {
		return nil, err
	}
	page.Duration = time.Since(start)
	return page, nil
}

// jsSettled: every image has loaded (or failed), and MathJax 2 (both frontends load it) has
// started and has nothing queued, or the page has no rendered Markdown that would need it.
const jsSettled = `Array.from(document.images).every(i => i.complete) &&
	(!document.querySelector('.text_cell_render, .jp-RenderedMarkdown') ||
		!!(window.MathJax && MathJax.isReady && MathJax.Hub && MathJax.Hub.queue &&
			MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running))`

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

// screenshot is the whole notebook as a PNG: the page gets a window as high as its notebook for
// it, and its usual height back afterwards.
func (s *Session) screenshot(tab context.Context, rel string) ([]byte, error) {
	height, err := chromedp.Run(tab, chromedp.Evaluate[int](s.frontend.impl().fullHeight(rel)))
	if err != nil {
		return nil, fmt.Errorf("laying the page out for a screenshot: %w", err)
	}
	if height > 0 {
		if err := chromedp.Do(tab, chromedp.EmulateViewport(int64(s.width), int64(min(height, maxShotHeight))),
			chromedp.Sleep(time.Second)); err != nil { // the application lays itself out again
			return nil, err
		}
		defer chromedp.Do(tab, chromedp.EmulateReset())
	}
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		return nil, fmt.Errorf("full-page screenshot: %w", err)
	}
	return png, nil
}

// Problems lists what is wrong with the page for a lesson that should show expectedFigures
// figures: every problem of the notebook model (error outputs, hidden panics, cells not
// executed), a rendered figure count other than expected, math that was not typeset, and code
// shown with pkg/source that the page does not show.
func (p *Page) Problems(expectedFigures int) []string {
	problems := p.Notebook.Problems()
	if p.RenderedFigures != expectedFigures {
		why := ""
		if !p.Trusted {
			why = "; the page does not trust the notebook, as for a learner who opens it as stored: a figure must be an image/png beside its image/svg+xml, with no text/html in that output"
		}
		problems = append(problems, fmt.Sprintf("%d figures rendered in the page, want %d (dllessons.figures in the notebook's metadata; %d figure outputs in its cells%s)",
			p.RenderedFigures, expectedFigures, p.Notebook.Figures(), why))
	}
	if len(p.RawMath) > 0 {
		problems = append(problems, fmt.Sprintf("TeX shown as text in the rendered Markdown, not typeset: %q", p.RawMath))
	}
	if p.MathErrors > 0 {
		problems = append(problems, fmt.Sprintf("MathJax could not typeset %d formulas", p.MathErrors))
	}
	if p.MathTypeset == 0 && markdownMath(p.Notebook) {
		problems = append(problems, "no formula typeset, although the Markdown has math")
	}
	if p.UnrenderedMarkdown > 0 {
		problems = append(problems, fmt.Sprintf("%d Markdown cells show their source instead of the rendered text", p.UnrenderedMarkdown))
	}
	if hidden := p.hiddenCode(); len(hidden) > 0 {
		problems = append(problems, fmt.Sprintf("%d code displays are in the notebook's outputs but not on the page (a frontend dropped their output kind): %q",
			len(hidden), hidden[:min(len(hidden), 3)]))
	}
	return problems
}

// sourceCaption is the caption line of a pkg/source display (source.Snippet.Caption), in its
// plain-text or Markdown form: "pkg/hopfield/energy.go · func Energy".
var sourceCaption = regexp.MustCompile("(?m)^`?(pkg/[^\\s`]+\\.go · (?:func|method|type|var|const) [^\\s`]+)`?$")

// hiddenCode lists the captions of pkg/source displays in the page's outputs whose text the
// output areas do not show.
func (p *Page) hiddenCode() []string {
	shown := strings.Join(strings.Fields(p.OutputText), " ")
	var hidden []string
	seen := map[string]bool{}
	for _, c := range p.Notebook.Cells {
		for _, o := range c.Outputs {
			for _, text := range o.Data {
				for _, m := range sourceCaption.FindAllStringSubmatch(string(text), -1) {
					if caption := m[1]; !seen[caption] && !strings.Contains(shown, caption) {
						seen[caption] = true
						hidden = append(hidden, caption)
					}
				}
			}
		}
	}
	return hidden
}

// ExpectedFigures reads how many figures the notebook shows when it has run: its metadata
// must say so as "dllessons": {"figures": N}, so that a lesson that loses a figure fails.
func ExpectedFigures(nb *notebooks.Notebook) (int, error) { return nb.ExpectedFigures() }

// SaveScreenshot writes the page's screenshot as dir/NAME.png (NAME: the notebook's file name
// without .ipynb, then suffix) and returns its path.
func (p *Page) SaveScreenshot(dir, suffix string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, strings.TrimSuffix(filepath.Base(p.Path), ".ipynb")+suffix+".png")
	return path, os.WriteFile(path, p.Screenshot, 0o644)
}

// Screenshots opens each notebook as stored and untrusted (e.g. the executed lessons of `make
// lessons`), saves its full-page screenshot in dir, and checks the page like Run's callers do
// (no problems, the figures its metadata promises, math typeset). It goes through all notebooks, logging one
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
	shot, err := page.SaveScreenshot(dir, "")
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "screenshots: %s: %d figures rendered, %s\n", filepath.Base(path), page.RenderedFigures, shot)
	return page.Problems(want), nil
}
