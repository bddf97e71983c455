package lesson

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/schollz/progressbar/v3"
)

// Progress is where a training run is: the lessons' trainers report it after every step.
type Progress struct {
	Epoch, Epochs int // 1-based
	Step, Steps   int // within the epoch, 1-based
	Loss          float64
}

// ProgressReporter returns a callback that shows training progress live: an HTML line updated in
// place (at most every second) in a notebook, a progress bar in a terminal, and without a
// terminal (a log file, a pipe) a plain line at most every LogProgressEvery: carriage-return
// frames would fill a log.
func ProgressReporter(label string) func(Progress) {
	if InNotebook() {
		return notebookProgress(label)
	}
	if !isTerminal(os.Stdout) {
		return logProgress(os.Stdout, label, LogProgressEvery, time.Now)
	}
	var bar *progressbar.ProgressBar
	return func(p Progress) {
		if bar == nil || p.Step == 1 {
			bar = progressbar.NewOptions(p.Steps, progressbar.OptionSetDescription(fmt.Sprintf("%s epoch %d/%d", label, p.Epoch, p.Epochs)),
				progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond),
				progressbar.OptionClearOnFinish())
		}
		_ = bar.Set(p.Step)
		if p.Step%20 == 0 || p.Step == p.Steps {
			bar.Describe(fmt.Sprintf("%s epoch %d/%d loss %.3f", label, p.Epoch, p.Epochs, p.Loss))
		}
	}
}

// LogProgressEvery is how often progress goes to a log: epochs shorter than this show only the
// commands' own line per epoch.
const LogProgressEvery = 15 * time.Second

// isTerminal says whether f is a terminal (a character device).
func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// logProgress writes "label epoch e/E: step s/S, loss L" to w when every has passed since the
// start or the previous line; now is the clock (tests pass their own).
func logProgress(w io.Writer, label string, every time.Duration, now func() time.Time) func(Progress) {
	last := now()
	return func(p Progress) {
		if t := now(); t.Sub(last) >= every {
			last = t
			fmt.Fprintf(w, "%s epoch %d/%d: step %d/%d, loss %.4f\n", label, p.Epoch, p.Epochs, p.Step, p.Steps, p.Loss)
		}
	}
}

func notebookProgress(label string) func(Progress) {
	id := gonbui.UniqueID()
	gonbui.DisplayHTML(fmt.Sprintf(`<div id="%s">%s: starting…</div>`, id, label))
	var last time.Time
	start := time.Now()
	return func(p Progress) {
		finished := p.Step == p.Steps && p.Epoch == p.Epochs
		if time.Since(last) < time.Second && !finished {
			return
		}
		last = time.Now()
		gonbui.UpdateHTML(id, fmt.Sprintf("%s: epoch %d/%d, step %d/%d, loss %.3f, %s elapsed",
			label, p.Epoch, p.Epochs, p.Step, p.Steps, p.Loss, time.Since(start).Round(time.Second)))
		if finished {
			gonbui.Sync() // displays travel asynchronously: the final line must arrive before the cell ends
		}
	}
}
