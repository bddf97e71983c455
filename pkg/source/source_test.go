package source

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

func TestFindFunctionMethodAndType(t *testing.T) {
	s, err := Find("pkg/hopfield", "Update")
	if err != nil {
		t.Fatal(err)
	}
	if s.File != "pkg/hopfield/reference.go" || s.Kind != "func" || !strings.HasPrefix(s.Code, "// Update is one CCCP step") ||
		!strings.HasSuffix(s.Code, "}") {
		t.Errorf("Update: %+v", s)
	}
	m, err := Find("pkg/hopfield", "Net.Update")
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != "method" || !strings.Contains(m.Code, "func (h *Net) Update(") || m.File != "pkg/hopfield/net.go" {
		t.Errorf("Net.Update: %+v", m)
	}
	if !strings.Contains(m.Markdown(), "`pkg/hopfield/net.go · method Net.Update`\n\n```go\n") {
		t.Errorf("markdown: %q", m.Markdown())
	}
	ty, err := Find("pkg/hopfield", "Matrix")
	if err != nil || ty.Kind != "type" || !strings.Contains(ty.Code, "type Matrix") {
		t.Errorf("Matrix: %+v, %v", ty, err)
	}
}

func TestFindMissingNamesTheCause(t *testing.T) {
	for _, c := range []struct{ dir, name, want string }{
		{"pkg/hopfield", "NoSuchThing", `no declaration "NoSuchThing" in pkg/hopfield: was it renamed?`},
		{"pkg/hopfield", "Net.NoSuchMethod", `no declaration "Net.NoSuchMethod"`},
		{"pkg/nowhere", "X", "no Go files"},
	} {
		if _, err := Find(c.dir, c.name); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Find(%q, %q) = %v, want an error with %q", c.dir, c.name, err, c.want)
		}
	}
}

// shownCall matches a call of Show or SideBySide in a lesson's code cell.
var shownCall = regexp.MustCompile(`source\.(Show|SideBySide)\(([^)]*)\)`)

// TestLessonSnippetsResolve reads every lesson and resolves every declaration it shows, so a
// renamed or removed function fails here rather than showing an error to the learner.
func TestLessonSnippetsResolve(t *testing.T) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
	shown := 0
	for _, path := range paths {
		for _, call := range snippetCalls(t, path) {
			args := call[1:]
			pairs := [][2]string{}
			switch call[0] {
			case "Show":
				for _, name := range args[1:] {
					pairs = append(pairs, [2]string{args[0], name})
				}
			case "SideBySide":
				if len(args) != 4 {
					t.Errorf("%s: SideBySide needs 4 string arguments, got %q", filepath.Base(path), args)
					continue
				}
				pairs = append(pairs, [2]string{args[0], args[1]}, [2]string{args[2], args[3]})
			}
			for _, p := range pairs {
				if _, err := FindIn(root, p[0], p[1]); err != nil {
					t.Errorf("%s: %v", filepath.Base(path), err)
				}
				shown++
			}
		}
	}
	if shown == 0 {
		t.Fatal("no lesson shows any source: the test would check nothing")
	}
	t.Logf("%d snippets resolved", shown)
}

// snippetCalls returns each source.Show/SideBySide call of a notebook as [func, args...], the
// arguments being Go string literals (anything else is an error: the test must see the names).
func snippetCalls(t *testing.T, path string) [][]string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			CellType string          `json:"cell_type"`
			Source   json.RawMessage `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatal(err)
	}
	var calls [][]string
	for _, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		var parts []string
		if json.Unmarshal(c.Source, &parts) != nil {
			var s string
			_ = json.Unmarshal(c.Source, &s)
			parts = []string{s}
		}
		for _, m := range shownCall.FindAllStringSubmatch(strings.Join(parts, ""), -1) {
			expr, err := parser.ParseExpr("f(" + m[2] + ")")
			if err != nil {
				t.Errorf("%s: cannot parse %q: %v", filepath.Base(path), m[0], err)
				continue
			}
			call := []string{m[1]}
			for _, arg := range expr.(*ast.CallExpr).Args {
				lit, ok := arg.(*ast.BasicLit)
				if !ok {
					t.Errorf("%s: %s: arguments must be string literals", filepath.Base(path), m[0])
					continue
				}
				s, _ := strconv.Unquote(lit.Value)
				call = append(call, s)
			}
			calls = append(calls, call)
		}
	}
	return calls
}

func TestSideBySideEscapesCode(t *testing.T) {
	a := Snippet{File: "pkg/x/a.go", Name: "Less", Kind: "func", Code: "func Less(a, b int) bool { return a < b && b > 0 }"}
	got := sideBySideHTML(a, a)
	if strings.Count(got, "<td") != 2 || !strings.Contains(got, "a &lt; b &amp;&amp; b &gt; 0") || !strings.Contains(got, "pkg/x/a.go · func Less") {
		t.Errorf("side by side: %s", got)
	}
}

// Classic Notebook drops Markdown (and would drop any kind it cannot sanitise) from a notebook
// it does not trust, and shows the next kind of the same output: each display carries the plain
// text of its code too, so a stored lesson never shows an empty output there.
func TestDisplaysCarryThePlainTextOfTheirCode(t *testing.T) {
	a := Snippet{File: "pkg/x/a.go", Name: "A", Kind: "func", Code: "func A() {}"}
	b := Snippet{File: "pkg/x/b.go", Name: "B", Kind: "func", Code: "func B() {}"}
	want := "pkg/x/a.go · func A\n\nfunc A() {}\n\npkg/x/b.go · func B\n\nfunc B() {}\n"
	show := showBundle([]Snippet{a, b})
	if show[protocol.MIMETextPlain] != want {
		t.Errorf("Show's plain text: %q, want %q", show[protocol.MIMETextPlain], want)
	}
	if md, _ := show[protocol.MIMETextMarkdown].(string); !strings.Contains(md, "```go\nfunc A() {}\n```") || !strings.Contains(md, "```go\nfunc B() {}\n```") {
		t.Errorf("Show's Markdown: %q", md)
	}
	side := sideBySideBundle(a, b)
	if side[protocol.MIMETextPlain] != want || side[protocol.MIMETextMarkdown] != sideBySideHTML(a, b) {
		t.Errorf("SideBySide's bundle: %q", side)
	}
}

func TestRootFromANotebookFolderBelowTheModule(t *testing.T) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	edition := filepath.Join(root, "out", "student", "src") // an edition's folder, two levels down
	if got, err := findRoot("", "", edition, t.TempDir()); err != nil || got != root {
		t.Errorf("from the notebook folder: %q, %v; want %q", got, err, root)
	}
	if _, err := findRoot("", "", "", t.TempDir()); err == nil || !strings.Contains(err.Error(), "set DLLESSONS_ROOT") {
		t.Errorf("outside the module: %v, want advice to set DLLESSONS_ROOT", err)
	}
}
