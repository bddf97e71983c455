package browsertest

import (
	"strings"
	"testing"

	"github.com/dllessons/dllessons/pkg/notebooks"
	"github.com/dllessons/dllessons/pkg/source"
)

// TestHiddenCodeNamesTheCodeThePageDoesNotShow: a page whose output areas do not show a
// pkg/source display that its notebook holds (as classic Notebook did with the Markdown-only
// displays of an untrusted notebook) has a problem naming the code; a page that shows it, as
// Markdown or as plain text, has none.
func TestHiddenCodeNamesTheCodeThePageDoesNotShow(t *testing.T) {
	snippet, err := source.Find("pkg/hopfield", "Energy")
	if err != nil {
		t.Fatal(err)
	}
	other, err := source.Find("pkg/hopfield", "Update")
	if err != nil {
		t.Fatal(err)
	}
	nb := &notebooks.Notebook{Metadata: map[string]any{}, Cells: []notebooks.Cell{{
		CellType: "code", ExecutionCount: new(int),
		Outputs: []notebooks.Output{
			{OutputType: "display_data", Data: map[string]notebooks.Text{
				"text/markdown": notebooks.Text(snippet.Markdown()), "text/plain": notebooks.Text(snippet.Text())}},
			{OutputType: "display_data", Data: map[string]notebooks.Text{"text/plain": notebooks.Text(other.Text())}},
		},
	}}}
	for _, tc := range []struct {
		name, shown string
		hidden      []string
	}{
		{"nothing shown", "", []string{snippet.Caption(), other.Caption()}},
		{"markdown rendered", snippet.Caption() + "\n" + snippet.Code + "\n" + other.Text(), nil},
		{"one dropped", strings.ReplaceAll(snippet.Text(), "\n", " \n "), []string{other.Caption()}},
	} {
		page := &Page{Notebook: nb, OutputText: tc.shown}
		if got := page.hiddenCode(); strings.Join(got, "|") != strings.Join(tc.hidden, "|") {
			t.Errorf("%s: hidden code %q, want %q", tc.name, got, tc.hidden)
		}
		problems := strings.Join(page.Problems(0), "\n")
		for _, caption := range tc.hidden {
			if !strings.Contains(problems, caption) {
				t.Errorf("%s: the page's problems do not name %q:\n%s", tc.name, caption, problems)
			}
		}
		if len(tc.hidden) == 0 && strings.Contains(problems, "not on the page") {
			t.Errorf("%s: a problem although all code is shown:\n%s", tc.name, problems)
		}
	}
}
