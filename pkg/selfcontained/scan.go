package selfcontained

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// forbidden are path fragments of the machine the project was written on: the shared reference
// folder and absolute workspace paths (assembled, so that this file does not contain them).
var forbidden = []string{".." + "/shared", "shared" + "/data", "shared" + "/peers", "/" + "work/"}

var (
	// goParentJoin is a ".." component in a Go path join: Go code resolves paths from the module
	// root or the working directory, never by climbing.
	goParentJoin = regexp.MustCompile(`Join\(.*"\.\."`)
	// goParentLiteral is a Go string literal that starts with a parent step.
	goParentLiteral = regexp.MustCompile("[\"`]\\.\\./")
	// goSharedComponent is "shared" as a path component in a Go join.
	goSharedComponent = regexp.MustCompile(`Join\(.*"shared"`)
	// parentRun is a run of parent steps in a script, written as a path or as Python join
	// arguments.
	parentRun = regexp.MustCompile(`(?:\.\./|\.\.$|\.\."|\.\.'|['"]\.\.['"]\s*,\s*)+`)
)

// Problem is one finding: file, line and what is wrong.
type Problem struct {
	File string
	Line int
	What string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.What) }

// ScanFile checks the text of the file at rel (its path relative to the module root, with
// forward slashes). Test files are checked for the forbidden fragments only: they may climb
// from their package folder to the module root. Notebooks are checked in their code cells.
func ScanFile(rel, text string) []Problem {
	if strings.HasSuffix(rel, ".ipynb") {
		return scanNotebook(rel, text)
	}
	depth := strings.Count(rel, "/") // folders between the module root and the file
	isGo := strings.HasSuffix(rel, ".go")
	isTest := strings.HasSuffix(rel, "_test.go")
	var out []Problem
	for i, line := range strings.Split(text, "\n") {
		add := func(what string) { out = append(out, Problem{rel, i + 1, what}) }
		for _, f := range forbidden {
			if strings.Contains(line, f) {
				add(fmt.Sprintf("names %q, outside the module", f))
			}
		}
		switch {
		case isTest:
		case isGo:
			if goParentJoin.MatchString(line) || goParentLiteral.MatchString(line) {
				add(`climbs with ".." (resolve paths from the module root instead)`)
			}
			if goSharedComponent.MatchString(line) {
				add(`joins a "shared" folder`)
			}
		default:
			if up := maxParentSteps(line); up > depth {
				add(fmt.Sprintf("climbs %d folders from a file %d deep: outside the module", up, depth))
			}
		}
	}
	return out
}

// maxParentSteps is the longest run of ".." steps in a line of a script.
func maxParentSteps(line string) int {
	line = strings.ReplaceAll(line, "...", "") // Go package patterns (./...) and ellipses
	most := 0
	for _, run := range parentRun.FindAllString(line, -1) {
		most = max(most, strings.Count(run, ".."))
	}
	return most
}

// scanNotebook checks the code cells of a notebook (in notebooks/, one folder deep) as scripts:
// their shell lines and Go code run with the notebook's folder as working directory.
func scanNotebook(rel, text string) []Problem {
	var nb struct {
		Cells []struct {
			Type   string   `json:"cell_type"`
			Source []string `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal([]byte(text), &nb); err != nil {
		return []Problem{{rel, 0, "not a notebook: " + err.Error()}}
	}
	var out []Problem
	for i, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		for _, p := range ScanFile(filepath.ToSlash(filepath.Dir(rel))+"/cell.sh", strings.Join(c.Source, "")) {
			p.File = fmt.Sprintf("%s cell %d", rel, i)
			out = append(out, p)
		}
	}
	return out
}

// Scanned reports whether a file (relative path) is code or build text that the check covers.
func Scanned(rel string) bool {
	base := filepath.Base(rel)
	switch filepath.Ext(rel) {
	case ".go", ".sh", ".py", ".ipynb":
		return true
	}
	return base == "Makefile" || strings.HasPrefix(base, "Dockerfile")
}
