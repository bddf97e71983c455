package editions

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/dllessons/dllessons/pkg/notebooks"
)

// resultLine matches the first line of a checker's result (see package exercises).
var resultLine = regexp.MustCompile(`(?m)^([✓✗○]) Exercise (\d+\.\d+)`)

// summaryLine matches the summary of a lesson's exercises.
var summaryLine = regexp.MustCompile(`(?m)^Exercises of lesson (\d+): (\d+) of (\d+) pass`)

// Verify lists what is wrong with an executed notebook of the edition: in the teacher edition
// every check must print ✓ and the summary must count all as passing; in the student edition
// every check must print "not yet" (○) and none may pass or fail. A cell that calls a checker
// must print its result.
func Verify(name string, data []byte, ed Edition) []string {
	nb, err := notebooks.Parse(data)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", name, err)}
	}
	want := map[Edition]string{Teacher: "✓", Student: "○"}[ed]
	var problems []string
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		where := fmt.Sprintf("%s: cell %d", name, i+1)
		text := outputText(c)
		src := string(c.Source)
		if strings.Contains(src, "exercises.Check") && !strings.Contains(src, "exercises.Summary") {
			if !resultLine.MatchString(text) {
				problems = append(problems, where+": calls a checker but printed no result")
			}
		}
		for _, m := range resultLine.FindAllStringSubmatch(text, -1) {
			if m[1] != want {
				problems = append(problems, fmt.Sprintf("%s: exercise %s printed %s in the %s edition, want %s", where, m[2], m[1], ed, want))
			}
		}
		if strings.Contains(src, "exercises.Summary") {
			m := summaryLine.FindStringSubmatch(text)
			switch {
			case m == nil:
				problems = append(problems, where+": the summary of the exercises is missing")
			case ed == Teacher && m[2] != m[3]:
				problems = append(problems, fmt.Sprintf("%s: %s of %s exercises pass in the teacher edition", where, m[2], m[3]))
			case ed == Student && m[2] != "0":
				problems = append(problems, fmt.Sprintf("%s: %s exercises pass in the student edition, whose stubs are unwritten", where, m[2]))
			}
		}
	}
	return problems
}

func outputText(c notebooks.Cell) string {
	var b strings.Builder
	for _, o := range c.Outputs {
		b.WriteString(string(o.Text))
		b.WriteString(string(o.Data["text/plain"]))
	}
	return b.String()
}
