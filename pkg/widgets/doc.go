// Package widgets makes a notebook figure interactive: sliders and selectors (GoNB's front-end
// communication, gonbui/comms) redraw it while a learner moves them. A cell is a few lines:
//
//	var beta = widgets.Slider("beta", "β", 2, 0.25, 8, 0.25)
//
//	%%
//	lesson.Check(widgets.Show(func() (*plots.Figure, error) { return drawFor(beta.Value()) }, beta))
//
// The figure is always an ordinary figure bundle (plots.Figure: PNG and SVG), redrawn in place,
// so the saved notebook, static HTML and untrusted views show the last one drawn. Where no
// widget front-end runs — headless execution (lesson.HeadlessEnv), or a page whose JavaScript
// never answers — the cell draws the figure once, for the value of the cell flag (`%% --beta=4`)
// or the default, and ends. With a front-end the controls stay live until the learner presses
// Done, interrupts the kernel, or leaves them untouched for the idle time (--widget_idle), so
// "Run All" never waits on a widget for longer than that.
package widgets
