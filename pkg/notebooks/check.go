package notebooks

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/png"
	"regexp"
	"strconv"
	"strings"
)

// Notebook is the part of the nbformat-4 document the checks need.
type Notebook struct {
	Cells    []Cell         `json:"cells"`
	Metadata map[string]any `json:"metadata"`
}

// Cell is one notebook cell.
type Cell struct {
	CellType       string   `json:"cell_type"`
	Source         Text     `json:"source"`
	ExecutionCount *int     `json:"execution_count"`
	Outputs        []Output `json:"outputs"`
}

// Output is one output of a code cell.
type Output struct {
	OutputType string          `json:"output_type"`
	Name       string          `json:"name"`
	Text       Text            `json:"text"`
	Ename      string          `json:"ename"`
	Evalue     string          `json:"evalue"`
	Data       map[string]Text `json:"data"`
}

// Text is nbformat's multi-line string: a string or a list of strings.
type Text string

// UnmarshalJSON accepts both forms.
func (t *Text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = Text(s)
		return nil
	}
	var parts []string
	if err := json.Unmarshal(b, &parts); err != nil {
		// Non-text MIME data (e.g. JSON payloads) is not inspected.
		*t = ""
		return nil
	}
	*t = Text(strings.Join(parts, ""))
	return nil
}

// Parse decodes a notebook document.
func Parse(data []byte) (*Notebook, error) {
	var nb Notebook
	if err := json.Unmarshal(data, &nb); err != nil {
		return nil, fmt.Errorf("not an nbformat-4 notebook: %w", err)
	}
	return &nb, nil
}

// hiddenFailure matches what GoNB prints on stderr when a cell's program failed
// although the cell is marked as executed successfully.
var hiddenFailure = regexp.MustCompile(`(?m)(^panic: |^goroutine \d+ \[running\]|exit status \d+|^fatal error: )`)

// Problems lists every sign of failure in an executed notebook: error outputs, hidden panics
// and failed builds in any text output, and code cells that were not executed.
func (nb *Notebook) Problems() []string {
	var problems []string
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		where := fmt.Sprintf("cell %d (%s)", i+1, firstLine(string(c.Source)))
		if c.ExecutionCount == nil && strings.TrimSpace(string(c.Source)) != "" {
			problems = append(problems, where+": not executed")
		}
		for _, o := range c.Outputs {
			if o.OutputType == "error" {
				problems = append(problems, fmt.Sprintf("%s: error output %s: %s", where, o.Ename, errorMessage(o.Evalue)))
				continue
			}
			for _, text := range o.texts() {
				if m := hiddenFailure.FindString(text); m != "" {
					problems = append(problems, fmt.Sprintf("%s: %q in its %s output", where, strings.TrimSpace(m), o.kind()))
					break
				}
			}
		}
	}
	return problems
}

func (o Output) texts() []string {
	texts := []string{string(o.Text)}
	if t, ok := o.Data["text/plain"]; ok {
		texts = append(texts, string(t))
	}
	if t, ok := o.Data["text/html"]; ok {
		texts = append(texts, string(t))
	}
	return texts
}

func (o Output) kind() string {
	if o.Name != "" {
		return o.Name
	}
	return o.OutputType
}

// Figures counts the figure bundles: outputs carrying image/png beside image/svg+xml and no
// text/html, which every frontend shows whether it trusts the notebook or not.
func (nb *Notebook) Figures() int {
	n := 0
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o.isFigureBundle() {
				n++
			}
		}
	}
	return n
}

func (o Output) isFigureBundle() bool {
	_, html := o.Data["text/html"]
	return o.Data["image/png"] != "" && o.Data["image/svg+xml"] != "" && !html
}

// minPNGDensity is how many PNG pixels a figure needs per CSS pixel of its SVG to stay sharp.
const minPNGDensity = 2

// FigureProblems lists the figure outputs some frontend would not show, or would show blurred:
// an image inside text/html (JupyterLab strips <svg> from an untrusted notebook's HTML, and
// prefers that HTML to any image beside it), an SVG without a PNG beside it (JupyterLab shows
// an untrusted SVG as its alt text only), a PNG without its SVG, or a PNG with fewer than
// minPNGDensity pixels per CSS pixel of the SVG.
func (nb *Notebook) FigureProblems() []string {
	var problems []string
	for i, c := range nb.Cells {
		for j, o := range c.Outputs {
			where := fmt.Sprintf("cell %d (%s), output %d", i+1, firstLine(string(c.Source)), j+1)
			if p := o.figureProblem(); p != "" {
				problems = append(problems, where+": "+p)
			}
		}
	}
	return problems
}

func (o Output) figureProblem() string {
	html, hasHTML := o.Data["text/html"]
	png, svg := string(o.Data["image/png"]), string(o.Data["image/svg+xml"])
	switch {
	case hasHTML && (strings.Contains(string(html), "<svg") || strings.Contains(string(html), "<img")):
		return "a figure inside text/html, which JupyterLab strips when the notebook is untrusted: show it with plots.Figure.Show (image/png + image/svg+xml)"
	case hasHTML && (png != "" || svg != ""):
		return "an image beside text/html: JupyterLab shows the (sanitized) HTML instead of the image"
	case svg != "" && png == "":
		return "an SVG without a PNG beside it: JupyterLab shows an untrusted SVG as its alt text only"
	case png != "" && svg == "":
		return "a PNG without its SVG beside it: plots.Figure.Show sends both"
	case png == "":
		return ""
	}
	pngWidth, err := pngWidth(png)
	if err != nil {
		return "its image/png does not decode: " + err.Error()
	}
	svgWidth, ok := svgPixelWidth(svg)
	if !ok {
		return "its SVG states no width in px or pt"
	}
	if float64(pngWidth) < minPNGDensity*svgWidth-1 {
		return fmt.Sprintf("its PNG is %d pixels wide for an SVG %.0f pixels wide: want at least %d× for sharp text", pngWidth, svgWidth, minPNGDensity)
	}
	return ""
}

// pngWidth reads the pixel width from a base64-encoded PNG's header.
func pngWidth(b64 string) (int, error) {
	data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		return 0, err
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	return cfg.Width, nil
}

// svgWidthAttr matches the width of an <svg> element: a number and px, pt or no unit (px).
var svgWidthAttr = regexp.MustCompile(`<svg\b[^>]*?\swidth="([0-9.]+)(px|pt)?"`)

// svgPixelWidth is an SVG's width in CSS pixels (a point is 4/3 pixel).
func svgPixelWidth(svg string) (float64, bool) {
	m := svgWidthAttr.FindStringSubmatch(svg)
	if m == nil {
		return 0, false
	}
	w, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	if m[2] == "pt" {
		w *= 4.0 / 3
	}
	return w, true
}

// ExpectedFigures is how many figures the lesson shows when it has run, as its metadata
// states: "dllessons": {"figures": N}. The runner, the browser test and the hygiene test
// compare it with what was rendered, so a figure lost on the way cannot go unnoticed.
func (nb *Notebook) ExpectedFigures() (int, error) {
	meta, _ := nb.Metadata["dllessons"].(map[string]any)
	n, ok := meta["figures"].(float64)
	if !ok || n < 0 || n != float64(int(n)) {
		return 0, fmt.Errorf(`the notebook's metadata does not say how many figures it shows: add "dllessons": {"figures": N} to its top-level metadata`)
	}
	return int(n), nil
}

// Title is the text of the first Markdown heading, or "" if there is none.
func (nb *Notebook) Title() string {
	for _, c := range nb.Cells {
		if c.CellType != "markdown" {
			continue
		}
		for _, line := range strings.Split(string(c.Source), "\n") {
			if strings.HasPrefix(line, "#") {
				return strings.TrimSpace(strings.TrimLeft(line, "#"))
			}
		}
	}
	return ""
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}
