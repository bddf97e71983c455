package lesson

import (
	"fmt"
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
// place (at most every second) in a notebook, a progress bar in a terminal.
func ProgressReporter(label string) func(Progress) {
	if InNotebook() {
		return notebookProgress(label)
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
