package source

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"html"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// ModulePath is the module whose files are shown.
const ModulePath = "github.com/dllessons/dllessons"

// Snippet is one declaration's source.
type Snippet struct {
	File string // path relative to the module root, e.g. pkg/hopfield/reference.go
	Name string // as asked for: "Update" or "Net.Update"
	Kind string // "func", "method", "type", "var" or "const"
	Code string // doc comment and declaration, as written in the file
}

// Caption is the line shown above the code: its file and declaration.
func (s Snippet) Caption() string {
	return fmt.Sprintf("%s · %s %s", s.File, s.Kind, s.Name)
}

// Markdown renders the snippet as a caption and a fenced Go block, which JupyterLab, Notebook,
// nbconvert's HTML and code hosts all highlight, in trusted and untrusted notebooks alike.
func (s Snippet) Markdown() string {
	return fmt.Sprintf("`%s`\n\n```go\n%s\n```\n", s.Caption(), s.Code)
}

// Text renders the snippet as plain text: its caption, a blank line and the code.
func (s Snippet) Text() string {
	return fmt.Sprintf("%s\n\n%s\n", s.Caption(), s.Code)
}

// Find returns the declaration called name in the package directory pkgDir (relative to the
// module root, e.g. "pkg/hopfield"). A method is named "Type.Method"; a pointer receiver is
// found the same way.
func Find(pkgDir, name string) (Snippet, error) {
	root, err := Root()
	if err != nil {
		return Snippet{}, err
	}
	return FindIn(root, pkgDir, name)
}

// FindIn is Find with an explicit module root.
func FindIn(root, pkgDir, name string) (Snippet, error) {
	dir := filepath.Join(root, filepath.FromSlash(pkgDir))
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		return Snippet{}, fmt.Errorf("source: no Go files in %s (is %q a package folder of the module?)", dir, pkgDir)
	}
	recv, fn, isMethod := strings.Cut(name, ".")
	if !isMethod {
		recv, fn = "", name
	}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return Snippet{}, err
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, path, src, parser.ParseComments)
		if err != nil {
			return Snippet{}, fmt.Errorf("source: %w", err)
		}
		node, kind := lookup(file, recv, fn)
		if node == nil {
			continue
		}
		rel := filepath.ToSlash(filepath.Join(pkgDir, filepath.Base(path)))
		return Snippet{File: rel, Name: name, Kind: kind, Code: extract(fset, src, node)}, nil
	}
	return Snippet{}, fmt.Errorf("source: no declaration %q in %s: was it renamed? update the lesson that shows it", name, pkgDir)
}

// lookup finds the top-level declaration fn (a method of recv when recv is not empty) and
// returns it with the node whose position starts its doc comment.
func lookup(file *ast.File, recv, fn string) (ast.Node, string) {
	for _, decl := range file.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if d.Name.Name != fn || (recv == "") != (d.Recv == nil) {
				continue
			}
			if recv == "" {
				return d, "func"
			}
			if receiverName(d.Recv.List[0].Type) == recv {
				return d, "method"
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				if recv != "" || !declares(spec, fn) {
					continue
				}
				if len(d.Specs) == 1 {
					return d, d.Tok.String()
				}
				return spec, d.Tok.String()
			}
		}
	}
	return nil, ""
}

func declares(spec ast.Spec, name string) bool {
	switch s := spec.(type) {
	case *ast.TypeSpec:
		return s.Name.Name == name
	case *ast.ValueSpec:
		for _, n := range s.Names {
			if n.Name == name {
				return true
			}
		}
	}
	return false
}

func receiverName(expr ast.Expr) string {
	switch t := expr.(type) {
	case *ast.StarExpr:
		return receiverName(t.X)
	case *ast.IndexExpr: // generic receiver T[A]
		return receiverName(t.X)
	case *ast.IndexListExpr:
		return receiverName(t.X)
	case *ast.Ident:
		return t.Name
	}
	return ""
}

// extract returns the node's text with its doc comment, exactly as in the file.
func extract(fset *token.FileSet, src []byte, node ast.Node) string {
	start := node.Pos()
	if doc := docOf(node); doc != nil {
		start = doc.Pos()
	}
	from, to := fset.Position(start).Offset, fset.Position(node.End()).Offset
	return string(bytes.TrimRight(src[from:to], "\n"))
}

func docOf(node ast.Node) *ast.CommentGroup {
	switch d := node.(type) {
	case *ast.FuncDecl:
		return d.Doc
	case *ast.GenDecl:
		return d.Doc
	case *ast.TypeSpec:
		return d.Doc
	case *ast.ValueSpec:
		return d.Doc
	}
	return nil
}

// Root finds the module's root folder: DLLESSONS_ROOT if set, else the folder this package was
// compiled from (notebooks build against the working copy), else the nearest folder above the
// notebook's ($GONB_DIR) or the working directory that holds the module's go.mod.
func Root() (string, error) {
	compiledFrom := ""
	if _, file, _, ok := runtime.Caller(0); ok {
		compiledFrom = filepath.Dir(filepath.Dir(filepath.Dir(file))) // pkg/source/source.go → module root
	}
	wd, _ := os.Getwd()
	return findRoot(os.Getenv("DLLESSONS_ROOT"), compiledFrom, os.Getenv("GONB_DIR"), wd)
}

// findRoot returns the first of the folders given, or of the parents of the last two, that is
// the module's root. Empty arguments are skipped.
func findRoot(explicit, compiledFrom, notebookDir, wd string) (string, error) {
	candidates := []string{explicit, compiledFrom}
	for _, start := range []string{notebookDir, wd} {
		if start == "" {
			continue
		}
		for dir := filepath.Clean(start); ; dir = filepath.Dir(dir) {
			candidates = append(candidates, dir)
			if dir == filepath.Dir(dir) {
				break
			}
		}
	}
	for _, dir := range candidates {
		if dir != "" && isModuleRoot(dir) {
			return filepath.Clean(dir), nil
		}
	}
	return "", fmt.Errorf("source: cannot find the %s sources: set DLLESSONS_ROOT to the folder with its go.mod", ModulePath)
}

func isModuleRoot(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	return err == nil && bytes.HasPrefix(bytes.TrimSpace(data), []byte("module "+ModulePath+"\n"))
}

// Show displays the named declarations of pkgDir one after the other: as Markdown in a
// notebook, as text elsewhere. A name that cannot be found is shown as one clear line.
func Show(pkgDir string, names ...string) {
	var shown []Snippet
	for _, name := range names {
		s, err := Find(pkgDir, name)
		if err != nil {
			fmt.Println(err)
			continue
		}
		shown = append(shown, s)
	}
	if len(shown) == 0 {
		return
	}
	if !gonbui.IsNotebook {
		fmt.Print(joined(shown, Snippet.Markdown))
		return
	}
	display(showBundle(shown))
}

// showBundle is Show's output: Markdown (highlighted code), with the plain text beside it for
// classic Notebook, which drops Markdown outputs of a notebook it does not trust (any notebook
// opened as stored) and shows the next kind it knows.
func showBundle(snippets []Snippet) map[protocol.MIMEType]any {
	return map[protocol.MIMEType]any{
		protocol.MIMETextMarkdown: joined(snippets, Snippet.Markdown),
		protocol.MIMETextPlain:    joined(snippets, Snippet.Text),
	}
}

func joined(snippets []Snippet, render func(Snippet) string) string {
	var b strings.Builder
	for i, s := range snippets {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(render(s))
	}
	return b.String()
}

func display(bundle map[protocol.MIMEType]any) {
	gonbui.SendData(&protocol.DisplayData{Data: bundle})
	gonbui.Sync()
}

// SideBySide displays two declarations next to each other (pkgA's nameA left, pkgB's nameB
// right) so that they can be compared line by line. The two columns are an HTML table of plain
// <pre> blocks inside the Markdown output: renderers do not parse Markdown inside HTML cells (so
// these blocks are not highlighted). The plain text of both, one after the other, is sent beside
// it for classic Notebook as stored: sent as HTML, its sanitiser would strip the table's styles and
// right-align and wrap the code.
func SideBySide(pkgA, nameA, pkgB, nameB string) {
	a, errA := Find(pkgA, nameA)
	b, errB := Find(pkgB, nameB)
	if err := errors.Join(errA, errB); err != nil {
		fmt.Println(err)
		return
	}
	if !gonbui.IsNotebook {
		fmt.Print(a.Markdown(), b.Markdown())
		return
	}
	display(sideBySideBundle(a, b))
}

func sideBySideBundle(a, b Snippet) map[protocol.MIMEType]any {
	return map[protocol.MIMEType]any{
		protocol.MIMETextMarkdown: sideBySideHTML(a, b),
		protocol.MIMETextPlain:    joined([]Snippet{a, b}, Snippet.Text),
	}
}

func sideBySideHTML(snippets ...Snippet) string {
	var b strings.Builder
	b.WriteString("<table><tr>")
	for _, s := range snippets {
		fmt.Fprintf(&b, `<td style="vertical-align: top; text-align: left"><code>%s</code><pre><code class="language-go">%s</code></pre></td>`,
			html.EscapeString(s.Caption()), html.EscapeString(s.Code))
	}
	b.WriteString("</tr></table>\n")
	return b.String()
}
