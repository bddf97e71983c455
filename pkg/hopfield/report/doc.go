// Package report shows the results of pkg/hopfield: every table and figure of the two Hopfield
// lessons and of the CLI's `dllessons hopfield`.
//
// One convention throughout: pkg/hopfield computes and returns plain result values (a
// HessianCheck, a []Retrieval, a Stacked, a Descent2D, …); this package turns a result into
//
//	XTable(result) *lesson.Table            shown with Show(), printed with String()
//	XFigure(result) (*plots.Figure, error)  shown with Show(), saved with Save(path)
//
// and computes nothing but formatting. A notebook cell reads
//
//	sweep := lesson.Must(hopfield.RetrievalSweep(b, X, betas, opt))
//	report.RetrievalTable(sweep).Show()
//	lesson.Must(report.RetrievalFigure(sweep)).Show()
//
// Tables renders a whole hopfield.Experiments (what the CLI prints).
package report
