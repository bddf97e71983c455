package report_test

import (
	"fmt"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/hopfield"
	"github.com/dllessons/dllessons/pkg/hopfield/report"
	"github.com/dllessons/dllessons/pkg/lesson"
)

// pkg/hopfield computes a result; report turns it into a table. In a notebook cell Show
// displays the table as HTML; String is the same table as text.
func ExampleRetrievalTable() {
	b := lesson.Must(backend.New("go"))
	X, opt := hopfield.RetrievalProblem(42)
	sweep := lesson.Must(hopfield.RetrievalSweep(b, X, []float64{0.01, 0.1, 1}, opt))
	fmt.Print(report.RetrievalTable(sweep).String())
	// Output:
	// Retrieval of corrupted patterns
	// β     exact  nearest  distance to mean  mean steps
	// ----  -----  -------  ----------------  ----------
	// 0.01  0%     6%       0.048             5.4
	// 0.1   0%     100%     7.463             8.8
	// 1     100%   100%     7.768             2.0
}

// A figure is drawn from a result the same way; Show displays it in a notebook, Save writes it.
func ExampleLandscapeFigure() {
	b := lesson.Must(backend.New("go"))
	demo := lesson.Must(hopfield.RunDemo2D(b, 2, 40)) // energy on a 40×40 grid, six CCCP paths
	fig := lesson.Must(report.LandscapeFigure(demo))
	fmt.Println(fig.Name)
	// Output: Energy landscape and CCCP trajectories, β = 2
}
