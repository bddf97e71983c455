package exercises

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// NotYet is what a stub panics with until the learner writes the function:
//
//	func Softmax(beta float64, z []float64) []float64 {
//		panic(exercises.NotYet) // TODO: your code here
//	}
var NotYet = notYet{}

type notYet struct{}

func (notYet) Error() string { return "not written yet" }

// TimeLimit bounds one call of a learner's function.
var TimeLimit = 2 * time.Second

// Status is the outcome of one check.
type Status int

const (
	Pass       Status = iota // every input gave the reference's answer
	Fail                     // some input did not
	NotStarted               // the function is still the stub
)

// Marks are the first characters of a result line, one per status.
var Marks = map[Status]string{Pass: "✓", Fail: "✗", NotStarted: "○"}

// Result is the outcome of one exercise's check.
type Result struct {
	ID     string // "1.2"
	Title  string // "softmax with β"
	Status Status
	Detail string // what passed, or the first failure with expected, got and hint
}

// String is the result as the learner reads it; its first line starts with the mark and
// "Exercise ID".
func (r Result) String() string {
	return fmt.Sprintf("%s Exercise %s (%s): %s", Marks[r.Status], r.ID, r.Title, r.Detail)
}

// Show prints the result in the cell's output.
func (r Result) Show() {
	fmt.Println(r.String())
	if gonbui.IsNotebook {
		gonbui.Sync()
	}
}

// Summary prints which of a lesson's exercises pass: call every checker again in the lesson's
// last cell (cheap: they are small), so the summary reflects the functions as they are now.
func Summary(lesson int, results ...Result) {
	passed := 0
	for _, r := range results {
		if r.Status == Pass {
			passed++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Exercises of lesson %d: %d of %d pass\n", lesson, passed, len(results))
	for _, r := range results {
		state := map[Status]string{Pass: "passes", Fail: "does not pass yet", NotStarted: "not yet written"}[r.Status]
		fmt.Fprintf(&b, "  %s %s %s: %s\n", Marks[r.Status], r.ID, r.Title, state)
	}
	fmt.Print(b.String())
	if gonbui.IsNotebook {
		gonbui.Sync()
	}
}

// outcome is how one call of a learner's function ended.
type outcome int

const (
	returned outcome = iota
	panicked
	stub
	timedOut
)

// call runs f with a recover and a time limit. A call that does not end in time is left
// running in its goroutine: the cell's program ends soon after anyway.
func call[T any](f func() T) (got T, how outcome, msg string) {
	type answer struct {
		v   T
		how outcome
		msg string
	}
	done := make(chan answer, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				if _, ok := p.(notYet); ok {
					done <- answer{how: stub}
					return
				}
				done <- answer{how: panicked, msg: fmt.Sprint(p)}
			}
		}()
		done <- answer{v: f(), how: returned}
	}()
	timer := time.NewTimer(TimeLimit)
	defer timer.Stop()
	select {
	case a := <-done:
		return a.v, a.how, a.msg
	case <-timer.C:
		return got, timedOut, ""
	}
}

// trial is one input of a check: a description of it, the reference's answer, and the call of
// the learner's function on (a copy of) it.
type trial[T any] struct {
	input string
	want  T
	run   func() T
}

// checker compares a learner's answers with the reference's.
type checker[T any] struct {
	id, title, hint string
	same            func(want, got T) bool // equal up to rounding
	show            func(T) string
	bad             func(T) string // non-empty when the answer is malformed (NaN, wrong length)
}

// run checks the trials in order and reports the first failure.
func (c checker[T]) run(trials []trial[T], passNote string) Result {
	r := Result{ID: c.id, Title: c.title}
	for _, t := range trials {
		got, how, msg := call(t.run)
		fail := ""
		switch how {
		case stub:
			r.Status = NotStarted
			r.Detail = "not yet — write the function above, run its cell, then run this cell again."
			return r
		case panicked:
			fail = "your function panicked: " + oneLine(msg)
		case timedOut:
			fail = fmt.Sprintf("your function did not finish within %v (an endless loop?)", TimeLimit)
		default:
			if c.bad != nil {
				fail = c.bad(got)
			}
			if fail == "" && !c.same(t.want, got) {
				fail = "wrong answer"
			}
		}
		if fail != "" {
			r.Status = Fail
			var b strings.Builder
			fmt.Fprintf(&b, "%s.\n    input:    %s\n    expected: %s\n", fail, t.input, c.show(t.want))
			if how == returned {
				fmt.Fprintf(&b, "    got:      %s\n", c.show(got))
			}
			fmt.Fprintf(&b, "    hint:     %s", c.hint)
			r.Detail = b.String()
			return r
		}
	}
	r.Status = Pass
	r.Detail = fmt.Sprintf("right on all %d inputs%s.", len(trials), passNote)
	return r
}

func oneLine(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\n", " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// Tolerance is the relative (and, near zero, absolute) error allowed between float answers.
const Tolerance = 1e-6

func near(want, got float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(want-got) <= Tolerance*math.Max(1, math.Abs(want))
}

func closeVec(want, got []float64) bool {
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if !near(want[i], got[i]) {
			return false
		}
	}
	return true
}

func closeMat(want, got [][]float64) bool {
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if !closeVec(want[i], got[i]) {
			return false
		}
	}
	return true
}

func badFloat(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprintf("your function returned %v", v)
	}
	return ""
}

func badVec(v []float64) string {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Sprintf("your function returned %v at index %d", x, i)
		}
	}
	return ""
}

func badMat(m [][]float64) string {
	for i, row := range m {
		if s := badVec(row); s != "" {
			return fmt.Sprintf("%s of row %d", s, i)
		}
	}
	return ""
}

func showFloat(v float64) string { return fmt.Sprintf("%.6g", v) }

func showVec(v []float64) string {
	if v == nil {
		return "nil"
	}
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf("%.6g", x)
	}
	if len(parts) > 8 {
		parts = append(parts[:8], fmt.Sprintf("… (%d values)", len(v)))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func showMat(m [][]float64) string {
	if m == nil {
		return "nil"
	}
	rows := make([]string, 0, len(m))
	for i, r := range m {
		if i == 4 {
			rows = append(rows, fmt.Sprintf("… (%d rows)", len(m)))
			break
		}
		rows = append(rows, showVec(r))
	}
	return "[" + strings.Join(rows, " ") + "]"
}

// copyVec and copyMat hand the learner copies, so an answer that writes into its input cannot
// change the reference's view of it.
func copyVec(v []float64) []float64 { return append([]float64(nil), v...) }

func copyMat(m [][]float64) [][]float64 {
	out := make([][]float64, len(m))
	for i, r := range m {
		out[i] = copyVec(r)
	}
	return out
}
