package editions

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Edition is which build to write.
type Edition string

const (
	Student Edition = "student"
	Teacher Edition = "teacher"
)

// Markers of solutions in the lessons.
const (
	BeginCode     = "// BEGIN SOLUTION"
	EndCode       = "// END SOLUTION"
	BeginProse    = "<!-- BEGIN SOLUTION -->"
	EndProse      = "<!-- END SOLUTION -->"
	CodeStub      = "panic(exercises.NotYet) // TODO: write the function, then run this cell and the check below"
	ProsePrompt   = "*Your answer here. (The teacher edition of this lesson has a worked solution.)*"
	moduleFromNbs = `"${GONB_DIR}/.."` // how the lessons find the module: the parent of their folder
)

// ParseEdition accepts "student" or "teacher".
func ParseEdition(s string) (Edition, error) {
	switch Edition(s) {
	case Student, Teacher:
		return Edition(s), nil
	}
	return "", fmt.Errorf("unknown edition %q: use student or teacher", s)
}

// Transform returns the notebook document data in the given edition. moduleDir is the module
// root as seen from the folder the notebook will be written to (".." for notebooks/); name is
// used in errors.
func Transform(name string, data []byte, ed Edition, moduleDir string) ([]byte, error) {
	var nb map[string]any
	if err := json.Unmarshal(data, &nb); err != nil {
		return nil, fmt.Errorf("%s: not a notebook: %w", name, err)
	}
	cells, _ := nb["cells"].([]any)
	for i, c := range cells {
		cell, ok := c.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: cell %d is not an object", name, i+1)
		}
		if err := transformCell(cell, ed, moduleDir); err != nil {
			return nil, fmt.Errorf("%s: cell %d: %w", name, i+1, err)
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(nb); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func transformCell(cell map[string]any, ed Edition, moduleDir string) error {
	src, err := sourceOf(cell)
	if err != nil {
		return err
	}
	kind, _ := cell["cell_type"].(string)
	begin, end, stub := BeginCode, EndCode, CodeStub
	if kind == "markdown" {
		begin, end, stub = BeginProse, EndProse, ProsePrompt
	}
	out, solutions, err := replaceSolutions(src, begin, end, stub)
	if err != nil {
		return err
	}
	if ed == Student {
		if solutions > 0 || (kind == "code" && strings.Contains(src, "exercises.")) {
			clearOutputs(cell)
		}
		src = out
	}
	if kind == "code" && moduleDir != ".." {
		src = strings.ReplaceAll(src, moduleFromNbs, `"${GONB_DIR}/`+filepath.ToSlash(moduleDir)+`"`)
	}
	setSource(cell, src)
	return nil
}

// replaceSolutions replaces every block from a begin line to its end line (both included) by
// stub, indented like the begin line, and counts the blocks.
func replaceSolutions(src, begin, end, stub string) (string, int, error) {
	lines := strings.Split(src, "\n")
	var out []string
	blocks, open := 0, -1
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == begin:
			if open >= 0 {
				return "", 0, fmt.Errorf("line %d: %q inside the solution opened on line %d: close it with %q first", i+1, begin, open+1, end)
			}
			open = i
			indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
			out = append(out, indent+stub)
		case trimmed == end:
			if open < 0 {
				return "", 0, fmt.Errorf("line %d: %q without %q before it", i+1, end, begin)
			}
			open = -1
			blocks++
		case open < 0:
			out = append(out, line)
		}
	}
	if open >= 0 {
		return "", 0, fmt.Errorf("line %d: %q is never closed: add %q after the solution", open+1, begin, end)
	}
	return strings.Join(out, "\n"), blocks, nil
}

// sourceOf returns a cell's source, which nbformat stores as a string or a list of lines.
func sourceOf(cell map[string]any) (string, error) {
	switch s := cell["source"].(type) {
	case string:
		return s, nil
	case []any:
		var b strings.Builder
		for _, part := range s {
			str, ok := part.(string)
			if !ok {
				return "", fmt.Errorf("its source holds a %T, not text", part)
			}
			b.WriteString(str)
		}
		return b.String(), nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("its source is a %T, not text", cell["source"])
}

// setSource stores src as a list of lines, as Jupyter writes it.
func setSource(cell map[string]any, src string) {
	lines := strings.SplitAfter(src, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	list := make([]any, len(lines))
	for i, l := range lines {
		list[i] = l
	}
	cell["source"] = list
}

func clearOutputs(cell map[string]any) {
	if _, ok := cell["outputs"]; ok {
		cell["outputs"] = []any{}
		cell["execution_count"] = nil
	}
}

// Build writes every lesson of srcDir in the edition to outDir and returns the paths written.
func Build(srcDir, outDir string, ed Edition) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(srcDir, "*.ipynb"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("no notebooks (*.ipynb) in %s", srcDir)
	}
	sort.Strings(paths)
	moduleDir, err := moduleFrom(srcDir, outDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		out, err := Transform(path, data, ed, moduleDir)
		if err != nil {
			return nil, err
		}
		dst := filepath.Join(outDir, filepath.Base(path))
		if err := os.WriteFile(dst, out, 0o644); err != nil {
			return nil, err
		}
		written = append(written, dst)
	}
	return written, nil
}

// moduleFrom is the module root (the parent of srcDir, as the lessons assume) relative to outDir.
func moduleFrom(srcDir, outDir string) (string, error) {
	src, err := filepath.Abs(srcDir)
	if err != nil {
		return "", err
	}
	root := filepath.Dir(src)
	out, err := filepath.Abs(outDir)
	if err != nil {
		return "", err
	}
	return filepath.Rel(out, root)
}
