// Package notebooks executes the lesson notebooks headless with the GoNB kernel, writes the
// executed copies and their HTML, and fails on any error they show — including the runtime
// panics that GoNB reports as successful cells (only their stderr tells).
package notebooks

import (
	"encoding/json"
	"fmt"
	"regexp"
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

// Figures counts the rendered figures (SVG or PNG outputs, or <img>/<svg> in HTML outputs).
func (nb *Notebook) Figures() int {
	n := 0
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			switch {
			case o.Data["image/svg+xml"] != "" || o.Data["image/png"] != "":
				n++
			case strings.Contains(string(o.Data["text/html"]), "<svg") || strings.Contains(string(o.Data["text/html"]), "<img"):
				n++
			}
		}
	}
	return n
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
