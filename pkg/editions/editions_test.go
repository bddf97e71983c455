package editions

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const lessonDoc = `{"cells": [
 {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
  "source": ["!*go mod edit -replace=\"m=$(cd \"${GONB_DIR}/..\" && pwd)\""]},
 {"cell_type": "code", "metadata": {}, "execution_count": 2, "outputs": [{"output_type": "stream", "name": "stdout", "text": ["secret"]}],
  "source": ["func Twice(x int) int {\n", "\t// BEGIN SOLUTION\n", "\treturn 2 * x\n", "\t// END SOLUTION\n", "}"]},
 {"cell_type": "code", "metadata": {}, "execution_count": 3, "outputs": [{"output_type": "stream", "name": "stdout", "text": ["✓ Exercise 1.1 (twice): right"]}],
  "source": "%%\nexercises.CheckTwice(Twice).Show()"},
 {"cell_type": "code", "metadata": {}, "execution_count": 4, "outputs": [{"output_type": "stream", "name": "stdout", "text": ["a table"]}],
  "source": "%%\nshowTable()"},
 {"cell_type": "markdown", "metadata": {},
  "source": "Prove it.\n\n<!-- BEGIN SOLUTION -->\n*Solution.* Because <b>so</b>.\n<!-- END SOLUTION -->\n"}
], "metadata": {"dllessons": {"figures": 0}}, "nbformat": 4, "nbformat_minor": 5}`

type doc struct {
	Cells []struct {
		Source         []string          `json:"source"`
		Outputs        []json.RawMessage `json:"outputs"`
		ExecutionCount *int              `json:"execution_count"`
	} `json:"cells"`
}

func transformed(t *testing.T, ed Edition, moduleDir string) (doc, string) {
	t.Helper()
	out, err := Transform("lesson.ipynb", []byte(lessonDoc), ed, moduleDir)
	if err != nil {
		t.Fatal(err)
	}
	var d doc
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatal(err)
	}
	return d, string(out)
}

func TestStudentEditionStubsSolutions(t *testing.T) {
	d, raw := transformed(t, Student, "..")
	if got := strings.Join(d.Cells[1].Source, ""); got != "func Twice(x int) int {\n\t"+CodeStub+"\n}" {
		t.Errorf("code solution not replaced by an indented stub:\n%s", got)
	}
	if got := strings.Join(d.Cells[4].Source, ""); strings.Contains(got, "Because") || !strings.Contains(got, ProsePrompt) || !strings.HasPrefix(got, "Prove it.") {
		t.Errorf("prose solution not replaced:\n%s", got)
	}
	for _, i := range []int{1, 2} {
		if len(d.Cells[i].Outputs) != 0 || d.Cells[i].ExecutionCount != nil {
			t.Errorf("cell %d keeps outputs that would reveal or misreport the answer", i+1)
		}
	}
	if len(d.Cells[3].Outputs) != 1 {
		t.Error("an unrelated cell lost its outputs")
	}
	if strings.Contains(raw, "SOLUTION") || strings.Contains(raw, `\u003c`) {
		t.Errorf("markers left, or HTML escaped:\n%s", raw)
	}
}

func TestTeacherEditionKeepsSolutionsAndFindsTheModule(t *testing.T) {
	d, _ := transformed(t, Teacher, "../../..")
	if got := strings.Join(d.Cells[1].Source, ""); !strings.Contains(got, "return 2 * x") {
		t.Errorf("teacher edition lost the solution:\n%s", got)
	}
	if got := strings.Join(d.Cells[4].Source, ""); !strings.Contains(got, "<b>so</b>") {
		t.Errorf("teacher edition lost the worked solution:\n%s", got)
	}
	if len(d.Cells[1].Outputs) != 1 {
		t.Error("teacher edition cleared outputs")
	}
	if got := strings.Join(d.Cells[0].Source, ""); !strings.Contains(got, `"${GONB_DIR}/../../.."`) {
		t.Errorf("module path not rewritten for the output folder: %s", got)
	}
}

func TestUnbalancedMarkersNameCellAndLine(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`"func f() {\n// BEGIN SOLUTION\nreturn\n}"`, `cell 1: line 2: "// BEGIN SOLUTION" is never closed`},
		{`"x\n// END SOLUTION"`, `cell 1: line 2: "// END SOLUTION" without`},
		{`"// BEGIN SOLUTION\n// BEGIN SOLUTION"`, `line 2: "// BEGIN SOLUTION" inside the solution opened on line 1`},
	} {
		nb := `{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null, "source": ` + c.src + `}]}`
		_, err := Transform("l.ipynb", []byte(nb), Student, "..")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "l.ipynb: ") {
			t.Errorf("error %v, want one with %q", err, c.want)
		}
	}
}

func TestVerifyEditions(t *testing.T) {
	cell := func(src, out string) string {
		b, _ := json.Marshal(map[string]any{"cell_type": "code", "execution_count": 1, "source": src,
			"outputs": []any{map[string]any{"output_type": "stream", "name": "stdout", "text": out}}})
		return string(b)
	}
	nb := func(cells ...string) []byte {
		return []byte(`{"cells": [` + strings.Join(cells, ",") + `], "metadata": {}}`)
	}
	check, summary := "%%\nexercises.CheckX(X).Show()", "%%\nexercises.Summary(1, exercises.CheckX(X))"
	good := nb(cell(check, "✓ Exercise 1.1 (x): right\n"), cell(summary, "Exercises of lesson 1: 1 of 1 pass\n  ✓ 1.1 x: passes\n"))
	if p := Verify("l", good, Teacher); len(p) != 0 {
		t.Errorf("a passing teacher edition was reported: %q", p)
	}
	joined := strings.Join(Verify("l", good, Student), "\n")
	for _, want := range []string{"exercise 1.1 printed ✓ in the student edition, want ○", "1 exercises pass in the student edition"} {
		if !strings.Contains(joined, want) {
			t.Errorf("student check of a solved notebook does not say %q:\n%s", want, joined)
		}
	}
	bad := nb(cell(check, "✗ Exercise 1.1 (x): wrong\n"), cell("%%\nexercises.CheckY(Y).Show()", ""),
		cell(summary, "Exercises of lesson 1: 0 of 1 pass\n"))
	joined = strings.Join(Verify("l", bad, Teacher), "\n")
	for _, want := range []string{"l: cell 1: exercise 1.1 printed ✗ in the teacher edition", "l: cell 2: calls a checker but printed no result", "0 of 1 exercises pass in the teacher edition"} {
		if !strings.Contains(joined, want) {
			t.Errorf("teacher check does not say %q:\n%s", want, joined)
		}
	}
}

// lessonExercises are how many self-checking exercises each lesson must have (issue 13: four
// or more in lessons 1–4).
var lessonExercises = map[string]int{"01_hopfield_energy_cccp": 4, "02_hopfield_attention": 4, "03_cnn_batchnorm": 4, "04_seq2seq_p2g": 4}

var checkCall = regexp.MustCompile(`^%%\s*\nexercises\.(Check\w+)\(\w+\)\.Show\(\)\s*$`)

// TestCommittedLessonsHaveBothEditions transforms the committed lessons: both editions must
// build, the student one without a solution left, and each lesson must have its exercises, each
// with a solution, a check cell and a place in the summary of the lesson's last cell.
func TestCommittedLessonsHaveBothEditions(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "notebooks", "*.ipynb"))
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".ipynb")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Transform(name, data, Teacher, ".."); err != nil {
			t.Error(err)
		}
		out, err := Transform(name, data, Student, "..")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), "BEGIN SOLUTION") {
			t.Errorf("%s: the student edition still holds a solution", name)
		}
		var d doc
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatal(err)
		}
		var checks []string
		solutions := strings.Count(string(data), BeginCode)
		for _, c := range d.Cells {
			if m := checkCall.FindStringSubmatch(strings.Join(c.Source, "")); m != nil {
				checks = append(checks, m[1])
			}
		}
		want := lessonExercises[name]
		if len(checks) < want || solutions < len(checks) {
			t.Errorf("%s: %d checks and %d solutions, want at least %d of each", name, len(checks), solutions, want)
		}
		if len(checks) == 0 {
			continue
		}
		last := strings.Join(d.Cells[len(d.Cells)-1].Source, "")
		if !strings.Contains(last, "exercises.Summary(") {
			t.Errorf("%s: the last cell does not summarise the exercises", name)
		}
		for _, c := range checks {
			if !strings.Contains(last, "exercises."+c+"(") {
				t.Errorf("%s: the summary leaves out %s", name, c)
			}
		}
	}
}
