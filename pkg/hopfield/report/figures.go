package report

import (
	"fmt"
	"math"

	"github.com/dllessons/dllessons/pkg/hopfield"
	"github.com/dllessons/dllessons/pkg/plots"
	"gonum.org/v1/plot"
)

// LandscapeFigure draws the energy of the 2-D demo with its CCCP trajectories on it.
func LandscapeFigure(d hopfield.Descent2D) (*plots.Figure, error) {
	paths := make([][][]float64, len(d.Trajectories))
	for i, t := range d.Trajectories {
		paths[i] = t.States
	}
	return figure(plots.EnergyMap(fmt.Sprintf("Energy landscape and CCCP trajectories, β = %g", d.Beta), d.Landscape, d.Patterns, paths...))
}

// EnergyTraceFigure plots E(q_t) against t for each trajectory of the 2-D demo.
func EnergyTraceFigure(d hopfield.Descent2D) (*plots.Figure, error) {
	series := make([]plots.Series, len(d.Trajectories))
	for i, t := range d.Trajectories {
		series[i] = plots.Series{Name: fmt.Sprintf("query %d", i+1), X: counting(len(t.Energies)), Y: t.Energies}
	}
	return figure(plots.Lines(fmt.Sprintf("Energy along CCCP, β = %g", d.Beta), "CCCP step t", "E(q_t)", series...))
}

// RetrievalFigure plots exact and nearest retrieval rates against log₁₀ β.
func RetrievalFigure(rs []hopfield.Retrieval) (*plots.Figure, error) {
	var exact, nearest plots.Series
	exact.Name, nearest.Name = "fixed point = stored pattern", "closest to its own pattern"
	for _, r := range rs {
		lb := math.Log10(r.Beta)
		exact.X, exact.Y = append(exact.X, lb), append(exact.Y, r.Exact)
		nearest.X, nearest.Y = append(nearest.X, lb), append(nearest.Y, r.Nearest)
	}
	return figure(plots.Lines("Retrieval of corrupted patterns vs β", "log₁₀ β", "share of queries", exact, nearest))
}

// StackedFigure plots the distance to the nearest stored pattern against the number of updates,
// one line per β.
func StackedFigure(s hopfield.Stacked) (*plots.Figure, error) {
	series := make([]plots.Series, len(s.Betas))
	for i, d := range s.Distances {
		series[i] = plots.Series{Name: fmt.Sprintf("β = %.3g", s.Betas[i]), X: counting(len(d)), Y: d}
	}
	return figure(plots.Lines("Distance to the nearest stored pattern after each update", "updates (attention steps)", "distance", series...))
}

// figure renders a gonum plot as the lessons' figure (SVG and PNG at the default size).
func figure(p *plot.Plot, err error) (*plots.Figure, error) {
	if err != nil {
		return nil, err
	}
	return plots.PlotFigure(p)
}

// counting is 0, 1, …, n−1 as x values.
func counting(n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(i)
	}
	return xs
}
