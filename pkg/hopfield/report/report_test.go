package report

import (
	"strings"
	"testing"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/hopfield"
	"github.com/dllessons/dllessons/pkg/plots"
)

// TestTablesShowTheResults: each table prints the numbers of the result it is given, in the
// lessons' formats.
func TestTablesShowTheResults(t *testing.T) {
	e := hopfield.Experiments{
		Hessians:   hopfield.HessianCheck{Instances: 7, BetaMin: 0.0123, BetaMax: 87.6, MaxFiniteDiffError: 3.2e-9},
		Surrogate:  hopfield.SurrogateCheck{Instances: 7, Probes: 20, MaxTouchGap: 1.5e-16},
		Descent:    hopfield.DescentCheck{Instances: 7, Converged: 6, MeanSteps: 12.34, MaxSteps: 40},
		Retrieval:  []hopfield.Retrieval{{Beta: 0.5, Exact: 0.25, Nearest: 0.75, DistanceToMean: 1.2345, MeanSteps: 3}},
		Attention:  []hopfield.AttentionComparison{{D: 2, N: 3, Batch: 1, MaxAbsDiff: 1e-8}, {D: 8, N: 16, Batch: 4, MaxAbsDiff: 4.5e-7}},
		Projection: hopfield.ProjectionEffect{D: 16, N: 32, Batch: 8, VsIdentityUpdate: 2.5, VsProjectedHopfield: 3e-7},
		Stacked:    hopfield.Stacked{Betas: []float64{0.125}, Distances: [][]float64{{5, 1, 0.5}}},
	}
	tables := Tables(e)
	if len(tables) != 7 {
		t.Fatalf("%d tables, want 7", len(tables))
	}
	text := ""
	for _, table := range tables {
		text += table.String()
	}
	for _, want := range []string{
		"Hessians on 7 random (X, q, β), β ∈ [0.0123, 87.6]", "3.20e-09",
		"CCCP surrogate on 7 random (X, q_t, β), 20 probes each", "1.50e-16",
		"6 / 7", "12.3 / 40",
		"25%", "75%", "1.234",
		"largest difference 4.50e-07",
		"Random W_K, W_V (d = 16, N = 32, 8 queries)", "3.00e-07",
		"0.125  5       1               0.5         2",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("tables lack %q:\n%s", want, text)
		}
	}
	g := GradientTable([]hopfield.GradientCheck{{N: 3, D: 2, Beta: 1.5, E2Closed: 1e-8, EAutodiff: 2.5e-7}})
	if len(g.Rows) != 1 || strings.Join(g.Rows[0], " ") != "3 2 1.5 1.0e-08 0.0e+00 0.0e+00 2.5e-07" {
		t.Errorf("gradient table rows %q", g.Rows)
	}
}

// TestFiguresRender: every figure draws from its result.
func TestFiguresRender(t *testing.T) {
	b, err := backend.New("go")
	if err != nil {
		t.Fatal(err)
	}
	demo, err := hopfield.RunDemo2D(b, 2, 12)
	if err != nil {
		t.Fatal(err)
	}
	stacked := hopfield.Stacked{Betas: []float64{0.1, 1}, Distances: [][]float64{{3, 2, 1}, {3, 0}}}
	retrieval := []hopfield.Retrieval{{Beta: 0.01}, {Beta: 1, Exact: 0.5, Nearest: 1}, {Beta: 10, Exact: 1, Nearest: 1}}
	figures := map[string]func() (*plots.Figure, error){
		"landscape":    func() (*plots.Figure, error) { return LandscapeFigure(demo) },
		"energy trace": func() (*plots.Figure, error) { return EnergyTraceFigure(demo) },
		"retrieval":    func() (*plots.Figure, error) { return RetrievalFigure(retrieval) },
		"stacked":      func() (*plots.Figure, error) { return StackedFigure(stacked) },
	}
	for name, draw := range figures {
		if f, err := draw(); err != nil {
			t.Errorf("%s: %v", name, err)
		} else if len(f.SVG) == 0 || len(f.PNG) == 0 {
			t.Errorf("%s: an empty figure", name)
		}
	}
	if f, _ := LandscapeFigure(demo); f.Name != "Energy landscape and CCCP trajectories, β = 2" {
		t.Errorf("landscape figure named %q", f.Name)
	}
}
