package lesson

import (
	"fmt"
	"html"
	"os"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
)

// QuickEnv is the one switch for tiny budgets: tests and CI set DLLESSONS_QUICK=1 to execute
// every notebook fast; `make lessons` leaves it unset and runs the default budgets.
const QuickEnv = "DLLESSONS_QUICK"

// HeadlessEnv is set (to 1) by the notebook runner for its kernels: no browser shows their cells,
// so interactive cells draw their figure once and end instead of waiting for a widget front-end.
const HeadlessEnv = "DLLESSONS_HEADLESS"

// Headless reports whether the notebook runs without a browser (see HeadlessEnv).
func Headless() bool { return os.Getenv(HeadlessEnv) != "" }

// Quick reports whether lessons should run with tiny budgets.
func Quick() bool {
	v := strings.ToLower(os.Getenv(QuickEnv))
	return v != "" && v != "0" && v != "false" && v != "no"
}

// Pick returns quick in quick mode and normal otherwise: `epochs := lesson.Pick(20, 1)`.
func Pick[T any](normal, quick T) T {
	if Quick() {
		return quick
	}
	return normal
}

// InNotebook reports whether the code runs inside a GoNB cell.
func InNotebook() bool { return gonbui.IsNotebook }

// Table is a small results table rendered as aligned text or as an HTML table.
type Table struct {
	Title   string
	Headers []string
	Rows    [][]string
}

// AddRow appends a row; values are formatted with fmt's %v (floats with %.4g).
func (t *Table) AddRow(values ...any) {
	row := make([]string, len(values))
	for i, v := range values {
		switch x := v.(type) {
		case float64:
			row[i] = fmt.Sprintf("%.4g", x)
		case float32:
			row[i] = fmt.Sprintf("%.4g", x)
		default:
			row[i] = fmt.Sprint(v)
		}
	}
	t.Rows = append(t.Rows, row)
}

// String renders the table as aligned plain text.
func (t *Table) String() string {
	widths := make([]int, len(t.Headers))
	for i, h := range t.Headers {
		widths[i] = len([]rune(h))
	}
	for _, r := range t.Rows {
		for i, c := range r {
			if i < len(widths) && len([]rune(c)) > widths[i] {
				widths[i] = len([]rune(c))
			}
		}
	}
	var b strings.Builder
	if t.Title != "" {
		b.WriteString(t.Title + "\n")
	}
	line := func(cells []string) {
		var l strings.Builder
		for i, c := range cells {
			if i < len(widths) {
				fmt.Fprintf(&l, "%-*s  ", widths[i], c)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n") // no padding after the last column
	}
	line(t.Headers)
	seps := make([]string, len(widths))
	for i, w := range widths {
		seps[i] = strings.Repeat("-", w)
	}
	line(seps)
	for _, r := range t.Rows {
		line(r)
	}
	return b.String()
}

// HTML renders the table as an HTML table (escaped).
func (t *Table) HTML() string {
	var b strings.Builder
	b.WriteString(`<table class="dllessons">`)
	if t.Title != "" {
		fmt.Fprintf(&b, "<caption>%s</caption>", html.EscapeString(t.Title))
	}
	b.WriteString("<thead><tr>")
	for _, h := range t.Headers {
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(h))
	}
	b.WriteString("</tr></thead><tbody>")
	for _, r := range t.Rows {
		b.WriteString("<tr>")
		for _, c := range r {
			fmt.Fprintf(&b, "<td>%s</td>", html.EscapeString(c))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	return b.String()
}

// Show displays the table: as HTML in a notebook, as text on stdout elsewhere.
func (t *Table) Show() {
	if InNotebook() {
		gonbui.DisplayHTML(t.HTML())
		gonbui.Sync() // displays are asynchronous: make sure this one arrived before the cell ends
		return
	}
	fmt.Print(t.String())
}
