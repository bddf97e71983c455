package browsertest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWidgetRedrawsTheFigure runs lesson 1's β slider cell (with its imports) in both frontends,
// as a learner would: it moves the slider from β = 1 to 6, checks that the figure beside it was
// redrawn, presses Done, and checks that the cell then ended with the figure for β = 6 kept as
// an ordinary figure bundle and the slider panel replaced by a line naming the value. The
// cell flag --widget_idle keeps the controls open for the test whatever the machine's speed. In
// classic Notebook, GoNB's first connection to the page opens late, as on a busy machine.
func TestWidgetRedrawsTheFigure(t *testing.T) {
	inEachFrontend(t, func(t *testing.T, s *Session, root, dir string) {
		sources := lessonCells(t, filepath.Join(root, "notebooks", "01_hopfield_energy_cccp.ipynb"), "5a603cc8", "w1-beta-slider")
		sources[1] = strings.Replace(sources[1], "\n%%\n", "\n%% --widget_idle=5m\n", 1)
		path := writeNotebook(t, filepath.Join(dir, "widget.ipynb"), 1, "", append([]string{setupCell(root)}, sources...)...)
		shots := filepath.Join(root, "out", "quick", "screenshots", s.frontend.String(), "fixtures")
		var move *WidgetMove
		var interact Interaction
		if s.frontend == Notebook6 {
			// One frontend also meets a busy machine's late connection (see DelayFirstGoNBConnection);
			// the page script is the same in both, so one of them is enough.
			interact.Prepare = func(tab context.Context) error { return DelayFirstGoNBConnection(tab, 4*time.Second) }
		}
		interact.During = func(tab context.Context) error {
			var err error
			if move, err = s.MoveWidget(tab, "beta", "6"); err != nil {
				return err
			}
			return s.CloseWidget(tab)
		}
		page, err := s.RunInteracting(context.Background(), path, 10*time.Minute, interact)
		if move != nil && move.Screenshot != nil {
			if err := os.MkdirAll(shots, 0o755); err == nil {
				_ = os.WriteFile(filepath.Join(shots, "widget-moved.png"), move.Screenshot, 0o644)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("figure before the move: %s; after: %s", move.Before, move.After)
		if _, err := page.SaveScreenshot(shots, "-closed"); err != nil {
			t.Error(err)
		}
		if p := page.Problems(1); len(p) > 0 {
			t.Errorf("problems after closing the widget: %q", p)
		}
		if p := page.Notebook.FigureProblems(); len(p) > 0 {
			t.Errorf("figure outputs a frontend would not show: %q", p)
		}
		var figure, summary string
		for _, o := range page.Notebook.Cells[len(page.Notebook.Cells)-1].Outputs {
			if o.Data["image/png"] != "" {
				figure = string(o.Data["text/plain"])
			} else if text := string(o.Data["text/plain"]) + string(o.Text); strings.Contains(text, "Figure drawn for") {
				summary = text
			}
		}
		if !strings.Contains(figure, "β = 6") {
			t.Errorf("the cell kept the figure %q, want the one for β = 6", figure)
		}
		if !strings.Contains(summary, "β = 6") || !strings.Contains(summary, "controls have closed") {
			t.Errorf("the slider panel was not replaced by the closing line: %q", summary)
		}
	})
}

// lessonCells returns the sources of the lesson's cells with these ids, in that order.
func lessonCells(t *testing.T, path string, ids ...string) []string {
	t.Helper()
	var doc struct {
		Cells []struct {
			ID     string `json:"id"`
			Source any    `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(readNotebook(t, path).data, &doc); err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, id := range ids {
		found := false
		for _, c := range doc.Cells {
			if c.ID == id {
				sources, found = append(sources, nbText(c.Source)), true
			}
		}
		if !found {
			t.Fatalf("%s has no cell %q", filepath.Base(path), id)
		}
	}
	return sources
}
