package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dllessons/dllessons/pkg/notebooks"
)

// Frontend is the Jupyter web application a Session opens the notebooks in.
type Frontend int

const (
	// Notebook6 is the classic Jupyter Notebook 6.4 (Debian's jupyter-notebook).
	Notebook6 Frontend = iota
	// JupyterLab is JupyterLab 3.6.8 built from npm packages in jupyterlab/ by
	// scripts/jupyterlab-setup.sh, served by Debian's jupyterlab-server and jupyter-server.
	JupyterLab
)

// String names the frontend; it is also the folder of its screenshots.
func (f Frontend) String() string {
	if f == JupyterLab {
		return "jupyterlab"
	}
	return "notebook6"
}

// frontend is what differs between the two web applications: how the server starts, where a
// notebook's page is, and the JavaScript that reads and drives the page. Each script is an
// expression for the notebook at rel (its path inside the served folder).
type frontend interface {
	// serverCommand is the server process, without the options every server gets.
	serverCommand(s *server) (*exec.Cmd, error)
	pageURL(s *server, rel string) string
	ready(rel string) string      // true: notebook loaded, its kernel connected and idle
	noAutosave(rel string) string // switches autosave off; true once it is off (may be a promise)
	runAll(rel string) string     // clears outputs and execution counts, then runs all cells
	finished(rel string) string   // true: no cell queued or running, kernel idle
	inspect(rel string) string    // the pageState of the page, as JSON
	// fullHeight is the height in pixels the window needs to show the whole notebook at once,
	// or 0 when the page can flow it into a full-page screenshot itself (it does so then).
	fullHeight(rel string) string
}

func (f Frontend) impl() frontend {
	if f == JupyterLab {
		return labFrontend{}
	}
	return classicFrontend{}
}

// jsCount is the part of the page inspection both frontends share: the figures a learner can
// see in the output areas (an <img> that loaded with a size, or a laid-out <svg>; an SVG that
// a sanitizer turned into text counts as nothing), the state of the math in the rendered
// Markdown, and the output areas' visible text. root is an expression for the notebook's
// element; outputs and markdown are CSS selectors inside it.
func jsCount(root, outputs, markdown string) string {
	return fmt.Sprintf(`(() => {
		const visible = f => {
			const r = f.getBoundingClientRect();
			const loaded = f.tagName.toLowerCase() !== 'img' || (f.complete && f.naturalWidth > 0 && f.naturalHeight > 0);
			return r.width > 0 && r.height > 0 && loaded;
		};
		const root = %[4]s;
		const areas = Array.from(root.querySelectorAll(%[1]q));
		const md = Array.from(root.querySelectorAll(%[2]q));
		// Prose left after removing typeset math, code and scripts: TeX here was not typeset.
		const prose = md.map(e => {
			const c = e.cloneNode(true);
			c.querySelectorAll('.MathJax, .MathJax_Display, .MathJax_Preview, .MJX_Assistive_MathML, script, code, pre').forEach(x => x.remove());
			return c.textContent;
		}).join('\n');
		const count = sel => md.reduce((n, e) => n + e.querySelectorAll(sel).length, 0);
		return {
			figures: areas.filter(a => Array.from(a.querySelectorAll('svg, img')).some(visible)).length,
			mathTypeset: count('.MathJax, .MathJax_CHTML, .MathJax_SVG'),
			mathErrors: count('.MathJax_Error, merror'),
			rawMath: (prose.match(%[3]s) || []).slice(0, 5),
			outputText: areas.map(a => a.innerText).join('\n'),
		};
	})()`, outputs, markdown, rawTeX, root)
}

// rawTeX finds TeX that MathJax left as text: display-math delimiters, or common commands.
const rawTeX = `/\$\$[^$]{0,40}|\\(frac|mathbf|mathrm|operatorname|begin|end|sum|left|right|top|beta|sigma)\b[^$]{0,30}/g`

// classicFrontend drives the classic Notebook through its global Jupyter object.
type classicFrontend struct{}

func (classicFrontend) serverCommand(s *server) (*exec.Cmd, error) {
	return exec.Command(notebooks.Python, "-m", "notebook", "--no-browser", "--allow-root",
		"--ip=127.0.0.1", fmt.Sprintf("--port=%d", s.port), "--port-retries=0",
		"--NotebookApp.token="+s.token, "--notebook-dir="+s.root,
		"--FileCheckpoints.checkpoint_dir="+filepath.Join(s.tmp, "checkpoints")), nil
}

func (classicFrontend) pageURL(s *server, rel string) string {
	return s.url + "/notebooks/" + escapePath(rel) + "?token=" + s.token
}

func (classicFrontend) ready(string) string {
	return `!!(window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded &&
		Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected() && !Jupyter.notebook.kernel_busy)`
}

func (classicFrontend) noAutosave(string) string {
	return `(Jupyter.notebook.set_autosave_interval(0), Jupyter.notebook.autosave_interval === 0)`
}

// runAll clears stored outputs and execution counts (so a cell that does not run shows as not
// executed), then Cell ▸ Run All.
func (classicFrontend) runAll(string) string {
	return `(() => {
		const nb = Jupyter.notebook;
		nb.get_cells().forEach(c => { if (c.cell_type === 'code') { c.clear_output(); c.set_input_prompt(null); } });
		nb.execute_all_cells();
	})()`
}

func (classicFrontend) finished(string) string {
	return `(() => {
		const nb = Jupyter.notebook;
		return !nb.kernel_busy && nb.get_cells().every(c => c.cell_type !== 'code' || c.input_prompt_number !== '*');
	})()`
}

func (classicFrontend) inspect(string) string {
	return `(() => {
		const nb = Jupyter.notebook;
		return Object.assign(` + jsCount("document", ".output_area .output_subarea", ".text_cell_render") + `, {
			notebook: JSON.stringify(nb.toJSON()),
			trusted: nb.trusted === true,
			unrenderedMarkdown: nb.get_cells().filter(c => c.cell_type === 'markdown' && !c.rendered).length,
		});
	})()`
}

// fullHeight lets the whole notebook flow into the page (the classic Notebook otherwise scrolls
// it inside a window-high #site box) and returns the page's height: the window grows to it for
// the screenshot, since Chromium (156) captures only the window even when asked to go beyond it.
func (classicFrontend) fullHeight(string) string {
	return `(() => {
		const style = document.createElement('style');
		style.textContent = 'html, body { height: auto !important; overflow: visible !important; position: static !important; }' +
			' #site { height: auto !important; overflow: visible !important; }';
		document.head.appendChild(style);
		window.scrollTo(0, 0);
		return Math.ceil(document.documentElement.scrollHeight);
	})()`
}

// labFrontend drives JupyterLab through the application object that jupyterlab/index.js puts
// on window once it has started.
type labFrontend struct{}

// LabDir is the folder with the JupyterLab launcher and its build, relative to the module root.
const LabDir = "jupyterlab"

func (labFrontend) serverCommand(s *server) (*exec.Cmd, error) {
	launcher := filepath.Join(s.labDir, "dllessons_lab.py")
	for _, need := range []string{launcher, filepath.Join(s.labDir, "build", "bundle.js")} {
		if _, err := os.Stat(need); err != nil {
			return nil, fmt.Errorf("JupyterLab is not built (%s missing): run scripts/setup.sh", need)
		}
	}
	// Autosave off in this server's throw-away user settings: the checkout must stay unchanged.
	settings := filepath.Join(s.tmp, "lab-user-settings")
	docmanager := filepath.Join(settings, "@jupyterlab", "docmanager-extension")
	if err := os.MkdirAll(docmanager, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(docmanager, "plugin.jupyterlab-settings"), []byte(`{"autosave": false}`), 0o644); err != nil {
		return nil, err
	}
	return exec.Command(notebooks.Python, launcher, "--ServerApp.open_browser=False",
		"--ServerApp.ip=127.0.0.1", fmt.Sprintf("--ServerApp.port=%d", s.port), "--ServerApp.port_retries=0",
		"--ServerApp.token="+s.token, "--ServerApp.root_dir="+s.root,
		"--DllessonsLab.user_settings_dir="+settings,
		"--DllessonsLab.workspaces_dir="+filepath.Join(s.tmp, "lab-workspaces"),
		"--FileCheckpoints.checkpoint_dir="+filepath.Join(s.tmp, "checkpoints")), nil
}

// pageURL opens the notebook in a new workspace of its own, so that no tab of an earlier page
// is restored beside it (and starts a kernel).
func (labFrontend) pageURL(s *server, rel string) string {
	return s.url + "/lab/workspaces/" + randomToken()[:12] + "/tree/" + escapePath(rel) + "?reset&token=" + s.token
}

// labPanel is a JavaScript prelude that finds the notebook's panel (or null) as `panel`.
func labPanel(rel string) string {
	path, _ := json.Marshal(filepath.ToSlash(rel))
	return `const app = window.jupyterapp;
		const panel = (() => {
			if (!app) return null;
			const it = app.shell.widgets('main');
			for (let w = it.next(); w; w = it.next()) {
				if (w.context && w.context.path === ` + string(path) + ` && w.content && w.content.model) return w;
			}
			return null;
		})();`
}

func (labFrontend) ready(rel string) string {
	return `(() => { ` + labPanel(rel) + `
		if (!panel || !panel.context.isReady) return false;
		const sc = panel.sessionContext;
		return !!(sc.session && sc.session.kernel) && sc.kernelDisplayStatus === 'idle' &&
			panel.content.widgets.length === panel.content.model.cells.length;
	})()`
}

func (labFrontend) noAutosave(string) string {
	return `(async () => {
		const toggle = 'docmanager:toggle-autosave';
		if (window.jupyterapp.commands.isToggled(toggle)) await window.jupyterapp.commands.execute(toggle);
		return !window.jupyterapp.commands.isToggled(toggle);
	})()`
}

// runAll: Edit ▸ Clear All Outputs (which also clears execution counts), then Run ▸ Run All
// Cells, on this notebook made the current one.
func (labFrontend) runAll(rel string) string {
	return `(async () => { ` + labPanel(rel) + `
		app.shell.activateById(panel.id);
		await app.commands.execute('notebook:clear-all-cell-outputs');
		app.commands.execute('notebook:run-all-cells');
	})()`
}

// finished: no code cell shows the [*] of a queued or running cell, and the kernel is idle.
func (labFrontend) finished(rel string) string {
	return `(() => { ` + labPanel(rel) + `
		if (!panel || panel.sessionContext.kernelDisplayStatus !== 'idle') return false;
		return panel.content.widgets.every(w => w.model.type !== 'code' ||
			!(w.node.querySelector('.jp-InputPrompt') || {textContent: ''}).textContent.includes('*'));
	})()`
}

func (labFrontend) inspect(rel string) string {
	return `(() => { ` + labPanel(rel) + `
		const cells = panel.content.widgets;
		return Object.assign(` + jsCount("panel.content.node", ".jp-OutputArea-output", ".jp-MarkdownCell .jp-RenderedMarkdown") + `, {
			notebook: JSON.stringify(panel.content.model.toJSON()),
			trusted: cells.every(w => w.model.type !== 'code' || w.model.trusted),
			unrenderedMarkdown: cells.filter(w => w.model.type === 'markdown' && !w.rendered).length,
		});
	})()`
}

// fullHeight: JupyterLab scrolls the notebook inside its panel, so the window is made as high as
// the notebook's content (plus the menus and status bar around it).
func (labFrontend) fullHeight(rel string) string {
	return `(() => { ` + labPanel(rel) + `
		const nb = panel.content.node;
		nb.scrollTop = 0; // Run All leaves it scrolled to the last cell
		// The last cell's bottom, not scrollHeight: that includes the space JupyterLab adds to
		// scroll past the end, which grows with the window.
		const cells = panel.content.widgets;
		const last = cells.length ? cells[cells.length - 1].node : null;
		const bottom = last ? last.getBoundingClientRect().bottom - nb.getBoundingClientRect().top : 0;
		return Math.ceil(bottom + 40 + (window.innerHeight - nb.clientHeight));
	})()`
}

// pageState is what inspect returns.
type pageState struct {
	Notebook           string   `json:"notebook"`
	Trusted            bool     `json:"trusted"`
	Figures            int      `json:"figures"`
	MathTypeset        int      `json:"mathTypeset"`
	MathErrors         int      `json:"mathErrors"`
	RawMath            []string `json:"rawMath"`
	UnrenderedMarkdown int      `json:"unrenderedMarkdown"`
	OutputText         string   `json:"outputText"`
}

// markdownMath finds math in Markdown sources once code is removed: $$…$$ or $…$.
func markdownMath(nb *notebooks.Notebook) bool {
	for _, c := range nb.Cells {
		if c.CellType != "markdown" {
			continue
		}
		if mathSpan.MatchString(codeSpan.ReplaceAllString(string(c.Source), "")) {
			return true
		}
	}
	return false
}

// trimmed shortens a snippet for a problem line.
func trimmed(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

var (
	codeSpan = regexp.MustCompile("(?s)```.*?```|`[^`\n]*`")
	mathSpan = regexp.MustCompile(`(?s)\$\$.+?\$\$|\$[^\s$][^$]*?\$`)
)
