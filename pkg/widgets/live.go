package widgets

import (
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/janpfeifer/gonb/gonbui"

	"github.com/dllessons/dllessons/pkg/plots"
)

// Metric is one figure of a Curves: its title and its y-axis title.
type Metric struct{ Title, Axis string }

// Curves are training curves redrawn while training runs: one figure per metric, one series
// per run, drawn again in place each time an epoch is added. The figures are ordinary figure
// bundles, so the saved notebook keeps the final curves. Outside a notebook nothing is drawn.
type Curves struct {
	id      string
	xLabel  string
	metrics []Metric
	runs    []string
	points  map[string][]plots.Series // run → one series per metric
}

// NewCurves is an empty set of curves with x-axis title xLabel (e.g. "epoch").
func NewCurves(xLabel string, metrics ...Metric) *Curves {
	return &Curves{id: "dllessons_curves_" + gonbui.UniqueId(), xLabel: xLabel, metrics: metrics, points: map[string][]plots.Series{}}
}

// Add records the run's values of every metric at x and redraws the figures. A value that is
// not finite (a diverged loss) is left out of its curve.
func (c *Curves) Add(run string, x float64, values ...float64) error {
	c.record(run, x, values...)
	return c.Draw()
}

// Recorder is Add for one run, for a trainer's per-epoch callback: training goes on when a
// drawing fails, and the failure is reported on stderr.
func (c *Curves) Recorder(run string) func(x float64, values ...float64) {
	return func(x float64, values ...float64) {
		if err := c.Add(run, x, values...); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
}

func (c *Curves) record(run string, x float64, values ...float64) {
	if !slices.Contains(c.runs, run) {
		c.runs = append(c.runs, run)
		c.points[run] = make([]plots.Series, len(c.metrics))
	}
	for i, v := range values[:min(len(values), len(c.metrics))] {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		s := &c.points[run][i]
		s.Name, s.X, s.Y = run, append(s.X, x), append(s.Y, v)
	}
}

// Figures draws the current curves.
func (c *Curves) Figures() ([]*plots.Figure, error) {
	figs := make([]*plots.Figure, len(c.metrics))
	for i, m := range c.metrics {
		var series []plots.Series
		for _, run := range c.runs {
			if s := c.points[run][i]; len(s.X) > 0 {
				series = append(series, s)
			}
		}
		p, err := plots.Lines(m.Title, c.xLabel, m.Axis, series...)
		if err != nil {
			return nil, err
		}
		if figs[i], err = plots.PlotFigure(p); err != nil {
			return nil, err
		}
	}
	return figs, nil
}

// Draw shows the current curves in the notebook, replacing the previous drawing.
func (c *Curves) Draw() error {
	if !gonbui.IsNotebook || len(c.runs) == 0 {
		return nil
	}
	figs, err := c.Figures()
	if err != nil {
		return fmt.Errorf("widgets: training curves: %w", err)
	}
	for i, f := range figs {
		f.ShowAs(fmt.Sprintf("%s_%d", c.id, i))
	}
	return nil
}
