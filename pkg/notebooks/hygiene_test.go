package notebooks_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dllessons/dllessons/pkg/browsertest"
	"github.com/dllessons/dllessons/pkg/notebooks"
)

// maxOutputBytes bounds one stored output, so the lessons stay readable on a code host.
const maxOutputBytes = 1 << 20

// machinePath matches absolute paths that tie an output to the machine that produced it.
var machinePath = regexp.MustCompile(`(?:^|[^\w.~-])(/(?:home|root|work|tmp|Users|usr/local|opt|var/folders|private/var)/[^\s"'<>]*)`)

// TestCommittedLessonsHygiene checks the lessons as committed: they are stored executed, with
// their outputs, from a real run (`make lessons`), so they read well on a code host.
func TestCommittedLessonsHygiene(t *testing.T) {
	paths, err := notebooks.Select(filepath.Join("..", "..", "notebooks"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range hygieneProblems(data) {
			t.Errorf("%s: %s", filepath.Base(path), p)
		}
	}
}

// TestLessonsBeginWithTheSetupCell ties the lessons' first code cell to LessonSetupCell, the
// same cell as the one the kernel tests and benchmarks run (SetupCell), so that a change to one
// (a GoNB flag that makes cells faster, say) cannot leave the lessons behind.
func TestLessonsBeginWithTheSetupCell(t *testing.T) {
	paths, err := notebooks.Select(filepath.Join("..", "..", "notebooks"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		nb, err := notebooks.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		if got := firstCodeCell(nb); got != notebooks.LessonSetupCell {
			t.Errorf("%s: the first code cell is\n%s\nwant notebooks.LessonSetupCell:\n%s", filepath.Base(path), got, notebooks.LessonSetupCell)
		}
	}
}

func firstCodeCell(nb *notebooks.Notebook) string {
	for _, c := range nb.Cells {
		if c.CellType == "code" {
			return string(c.Source)
		}
	}
	return ""
}

// TestHygieneProblemsFindsEachKind feeds the check a notebook with every kind of problem.
func TestHygieneProblemsFindsEachKind(t *testing.T) {
	big := strings.Repeat("x", maxOutputBytes)
	doc := fmt.Sprintf(`{"metadata":{"dllessons":{"figures":1}},"cells":[
	 {"cell_type":"code","source":"%%%%\nrun()","execution_count":1,"outputs":[
	  {"output_type":"stream","name":"stderr","text":"open /home/ana/dllessons/data.npz: no such file\n"},
	  {"output_type":"stream","name":"stdout","text":%q}]},
	 {"cell_type":"code","source":"%%%%\nfail()","execution_count":2,"outputs":[
	  {"output_type":"error","ename":"ERROR","evalue":"undefined: fail","traceback":[]}]},
	 {"cell_type":"code","source":"%%%%\nlater()","execution_count":null,"outputs":[]},
	 {"cell_type":"markdown","source":"`+"```\\n"+`dllessons cnn train --all --data intel_landscapes.v2.npz     # the report's four runs`+"\\n```"+`"},
	 {"cell_type":"code","source":"%%%%\nold()","execution_count":3,"outputs":[
	  {"output_type":"display_data","data":{"text/html":"<div><svg width=\"10\"></svg></div>"}},
	  {"output_type":"display_data","data":{"text/markdown":"`+"```go\\nfunc f() {}\\n```"+`"}}]}]}`, big)
	problems := strings.Join(hygieneProblems([]byte(doc)), "\n")
	for _, want := range []string{"/home/ana/dllessons/data.npz:", "larger than 1 MB", "error output", "not executed", "0 figures stored, want 1", "figure inside text/html", "text/markdown alone", "a code line of 85 characters"} {
		if !strings.Contains(problems, want) {
			t.Errorf("problems do not mention %q:\n%s", want, problems)
		}
	}

	clean := fmt.Sprintf(`{"metadata":{"dllessons":{"figures":1}},"cells":[{"cell_type":"code","source":"%%%%\nshow()","execution_count":1,"outputs":[
	  {"output_type":"display_data","data":{"image/png":%q,"image/svg+xml":"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1px\"></svg>","text/plain":"Figure: f"}},
	  {"output_type":"display_data","data":{"text/markdown":"**f**","text/plain":"f"}},
	  {"output_type":"stream","name":"stdout","text":"see https://example.com/home/ and a/tmp/b\n"}]}]}`, onePixelPNG)
	if p := hygieneProblems([]byte(clean)); len(p) > 0 {
		t.Errorf("a clean notebook was reported: %q", p)
	}
}

// onePixelPNG is a 2×1 PNG, base64-encoded: the image of a 1-pixel-wide SVG at 2× density.
const onePixelPNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAAAAADRSSBWAAAAC0lEQVR4nGNgYAAAAAMAAbitOmMAAAAASUVORK5CYII="

// hygieneProblems lists why a committed notebook is not fit to read: any problem an executed
// notebook can have (error outputs, hidden panics, cells not executed), stored figures other
// than its metadata says, figures some frontend would not show (see FigureProblems: each must
// be an image/png at 2× density beside its image/svg+xml, without text/html), absolute paths of
// a machine in its outputs, and outputs over 1 MB.
func hygieneProblems(data []byte) []string {
	nb, err := notebooks.Parse(data)
	if err != nil {
		return []string{err.Error()}
	}
	problems := append(nb.Problems(), nb.FigureProblems()...)
	if want, err := browsertest.ExpectedFigures(nb); err != nil {
		problems = append(problems, err.Error())
	} else if got := nb.Figures(); got != want {
		problems = append(problems, fmt.Sprintf("%d figures stored, want %d (dllessons.figures in its metadata)", got, want))
	}
	problems = append(problems, untrustedBlanks(nb)...)
	problems = append(problems, wideProseCode(nb)...)
	var raw struct {
		Cells []struct {
			Outputs []json.RawMessage `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return append(problems, err.Error())
	}
	for i, cell := range raw.Cells {
		for j, output := range cell.Outputs {
			where := fmt.Sprintf("cell %d, output %d", i+1, j+1)
			if len(output) > maxOutputBytes {
				problems = append(problems, fmt.Sprintf("%s: %d bytes, larger than 1 MB", where, len(output)))
			}
			if m := machinePath.FindSubmatch(decodedText(output)); m != nil {
				problems = append(problems, fmt.Sprintf("%s: absolute path of the machine that ran it: %.80s", where, m[1]))
			}
		}
	}
	return problems
}

// untrustedBlanks lists the outputs classic Notebook would show empty in a stored lesson: it
// drops Markdown from a notebook it does not trust and shows the bundle's next kind it can
// sanitise, so a Markdown output needs its plain text (or HTML) beside it.
func untrustedBlanks(nb *notebooks.Notebook) []string {
	var problems []string
	for i, cell := range nb.Cells {
		for j, o := range cell.Outputs {
			_, md := o.Data["text/markdown"]
			_, plain := o.Data["text/plain"]
			_, html := o.Data["text/html"]
			if md && !plain && !html {
				problems = append(problems, fmt.Sprintf("cell %d, output %d: text/markdown alone (classic Notebook shows it empty until the notebook is trusted; send text/plain beside it)", i+1, j+1))
			}
		}
	}
	return problems
}

// maxProseCodeWidth is the widest line of a code block in a Markdown cell that JupyterLab shows
// unwrapped in a 1280-pixel window (it wraps those blocks, mid-word, at about 84 characters).
const maxProseCodeWidth = 80

// wideProseCode lists the lines of Markdown code blocks (the commands a lesson tells learners to
// type) too wide to read unwrapped.
func wideProseCode(nb *notebooks.Notebook) []string {
	var problems []string
	for i, cell := range nb.Cells {
		if cell.CellType != "markdown" {
			continue
		}
		inBlock := false
		for _, line := range strings.Split(string(cell.Source), "\n") {
			if strings.HasPrefix(line, "```") {
				inBlock = !inBlock
			} else if n := utf8.RuneCountInString(line); inBlock && n > maxProseCodeWidth {
				problems = append(problems, fmt.Sprintf("cell %d: a code line of %d characters (over %d, so JupyterLab wraps it mid-word; put its comment on the line above): %.40s…", i+1, n, maxProseCodeWidth, line))
			}
		}
	}
	return problems
}

// decodedText is the output's JSON with its strings unescaped, so that paths split by JSON
// escapes (e.g. "\/home") are still found.
func decodedText(output json.RawMessage) []byte {
	var v any
	if err := json.Unmarshal(output, &v); err != nil {
		return output
	}
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			b.WriteString(x)
			b.WriteByte('\n')
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return []byte(b.String())
}
