package plots_test

import (
	"fmt"

	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/plots"
)

// Lines builds a gonum plot in the lessons' style; PlotFigure draws it once as SVG and PNG (at
// twice the pixel density). In a notebook cell Show displays it; Save writes either file.
func ExamplePlotFigure() {
	loss := plots.Series{Name: "training loss", X: []float64{1, 2, 3, 4}, Y: []float64{1.01, 0.52, 0.33, 0.24}}
	p := lesson.Must(plots.Lines("Training loss per epoch", "epoch", "loss", loss))
	fig := lesson.Must(plots.PlotFigure(p))
	fmt.Printf("%q: %d×%d CSS pixels, SVG and PNG: %v\n", fig.Name, fig.Width, fig.Height, len(fig.SVG) > 0 && len(fig.PNG) > 0)
	// Output: "Training loss per epoch": 576×384 CSS pixels, SVG and PNG: true
}
