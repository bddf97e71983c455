package widgets

import (
	"flag"
	"io"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dllessons/dllessons/pkg/plots"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

func testFlags() *flag.FlagSet {
	fs := flag.NewFlagSet("cell", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func TestCellFlagsSetTheControls(t *testing.T) {
	fs := testFlags()
	beta := newSlider(fs, "beta", "β", 2, 0.25, 8, 0.25)
	run := newSelect(fs, "run", "run", []string{"cnn η=0.01", "cnn-bn η=0.1"}, "cnn η=0.01")
	if err := fs.Parse([]string{"--beta=4", "--run=cnn-bn η=0.1"}); err != nil {
		t.Fatal(err)
	}
	if beta.Value() != 4 || run.Value() != "cnn-bn η=0.1" || run.Index() != 1 {
		t.Fatalf("got β %g, run %q (%d)", beta.Value(), run.Value(), run.Index())
	}
	w := &widget{controls: []Control{beta, run}}
	if s := w.summary(false); !strings.Contains(s, "β = 4, run = cnn-bn η=0.1") || !strings.Contains(s, "`%% --beta=4 --run=\"cnn-bn η=0.1\"`") {
		t.Errorf("summary: %s", s)
	}
	if err := fs.Parse([]string{"--beta=four"}); err == nil || !strings.Contains(err.Error(), "--beta=\"four\" is not a number") {
		t.Errorf("bad number: %v", err)
	}
	if err := fs.Parse([]string{"--run=rnn"}); err == nil || !strings.Contains(err.Error(), "none of the options") {
		t.Errorf("unknown option: %v", err)
	}
	if err := fs.Parse([]string{"--beta=9"}); err == nil || !strings.Contains(err.Error(), "outside the slider's range 0.25…8") {
		t.Errorf("out of range: %v", err)
	}
}

func TestControlsHTML(t *testing.T) {
	fs := testFlags()
	beta := newSlider(fs, "beta", "β <x>", 2, 0.25, 8, 0.25)
	got := beta.html("id1")
	for _, want := range []string{`type="range"`, `data-control="beta"`, `min="0.25"`, `max="8"`, `step="0.25"`, `value="2"`, "β &lt;x&gt;", `data-shows="beta">2</b>`} {
		if !strings.Contains(got, want) {
			t.Errorf("slider HTML lacks %s: %s", want, got)
		}
	}
	run := newSelect(fs, "run", "run", []string{"a", "b&c"}, "b&c")
	got = run.html("id2")
	if !strings.Contains(got, `<option value="b&amp;c" selected>b&amp;c</option>`) || !strings.Contains(got, `<option value="a">a</option>`) {
		t.Errorf("select HTML: %s", got)
	}
}

// fixture is a widget over one slider whose redraws are counted.
func fixture(t *testing.T) (*widget, *Float, *int) {
	t.Helper()
	beta := newSlider(testFlags(), "beta", "β", 2, 0.25, 8, 0.25)
	redraws := 0
	w := &widget{id: "w", controls: []Control{beta}}
	return w, beta, &redraws
}

func TestServeRedrawsOnMovesUntilDone(t *testing.T) {
	w, beta, redraws := fixture(t)
	messages := make(chan string, 8)
	messages <- "#ready"
	messages <- "beta=3"
	messages <- "beta=5.5"
	var seen []float64
	redraw := func() error { *redraws++; seen = append(seen, beta.Value()); return nil }
	go func() {
		// "#done" only once the moves have been drawn, so the test does not depend on timing.
		for {
			if len(messages) == 0 {
				messages <- "#done"
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	if !w.serve(messages, make(chan os.Signal), redraw, func() {}) {
		t.Fatal("serve says the page never answered")
	}
	if beta.Value() != 5.5 || *redraws == 0 || seen[len(seen)-1] != 5.5 {
		t.Fatalf("β %g after %d redraws %v, want the last move 5.5 drawn", beta.Value(), *redraws, seen)
	}
	if s := w.summary(true); !strings.Contains(s, "β = 5.5") || !strings.Contains(s, "`%% --beta=5.5`") {
		t.Errorf("summary: %s", s)
	}
}

func TestServeRejectsBadMovesAndKeepsTheValue(t *testing.T) {
	w, beta, redraws := fixture(t)
	messages := make(chan string, 4)
	messages <- "beta=100"
	messages <- "gamma=1"
	messages <- "#done"
	w.serve(messages, make(chan os.Signal), func() error { *redraws++; return nil }, func() {})
	if beta.Value() != 2 || *redraws != 0 {
		t.Fatalf("β %g after %d redraws: a bad move was taken", beta.Value(), *redraws)
	}
	if !strings.Contains(w.status, "outside the slider's range") || !strings.Contains(w.status, `"gamma=1", which names no control`) {
		t.Errorf("status line: %q", w.status)
	}
}

func TestServeEndsWithoutAnAnswerOrOnInterrupt(t *testing.T) {
	w, _, _ := fixture(t)
	defer func(d time.Duration) { answerTimeout = d }(answerTimeout)
	answerTimeout = 50 * time.Millisecond
	if w.serve(make(chan string), make(chan os.Signal), func() error { return nil }, func() {}) {
		t.Error("a page that never answered counted as answered")
	}
	interrupt := make(chan os.Signal, 1)
	interrupt <- os.Interrupt
	answerTimeout = time.Hour
	if w.serve(make(chan string), interrupt, func() error { return nil }, func() {}) {
		t.Error("answered without a message")
	}
}

func TestShowOutsideANotebookDrawsOnceAndStates(t *testing.T) {
	beta := newSlider(testFlags(), "beta", "β", 2, 0.25, 8, 0.25)
	var drawn []float64
	err := Show(func() (*plots.Figure, error) {
		drawn = append(drawn, beta.Value())
		return lessonFigure(t), nil
	}, beta)
	if err != nil || len(drawn) != 1 || drawn[0] != 2 {
		t.Fatalf("err %v, drawn %v", err, drawn)
	}
	beta.value = 0
	if err := Show(func() (*plots.Figure, error) { t.Fatal("drew an invalid value"); return nil, nil }, beta); err == nil {
		t.Error("no error for a value outside the range")
	}
}

func TestShowAllNeedsTheSameNumberOfFigures(t *testing.T) {
	n := 1
	fig := lessonFigure(t)
	w := &widget{id: "w", draw: func() ([]*plots.Figure, error) {
		figs := make([]*plots.Figure, n)
		for i := range figs {
			figs[i] = fig
		}
		return figs, nil
	}}
	if err := w.redraw(); err != nil {
		t.Fatal(err)
	}
	n = 2
	if err := w.redraw(); err == nil || !strings.Contains(err.Error(), "returned 2 figures, first 1") {
		t.Errorf("got %v", err)
	}
}

func lessonFigure(t *testing.T) *plots.Figure {
	t.Helper()
	f, err := plots.Render("test", vg.Length(100), vg.Length(50), func(draw.Canvas) {})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestCurvesKeepEveryRunAndSkipNonFiniteValues(t *testing.T) {
	c := NewCurves("epoch", Metric{"Training loss", "loss"}, Metric{"Validation accuracy", "%"})
	for epoch, loss := range []float64{1, 0.5, math.NaN()} {
		if err := c.Add("cnn η=0.1", float64(epoch+1), loss, 50+float64(epoch)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Add("cnn-bn η=0.1", 1, 0.8, 60); err != nil {
		t.Fatal(err)
	}
	if got := c.points["cnn η=0.1"]; len(got[0].X) != 2 || len(got[1].X) != 3 {
		t.Fatalf("loss has %d points (want 2: NaN left out), accuracy %d (want 3)", len(got[0].X), len(got[1].X))
	}
	figs, err := c.Figures()
	if err != nil || len(figs) != 2 {
		t.Fatalf("%d figures, %v", len(figs), err)
	}
	for _, f := range figs {
		if !strings.Contains(string(f.SVG), "cnn-bn η=0.1") || !strings.Contains(string(f.SVG), "cnn η=0.1") {
			t.Errorf("figure %q lacks a run in its legend", f.Name)
		}
	}
}
