package main

import (
	"flag"
	"fmt"
	"path/filepath"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/hopfield"
	"github.com/dllessons/dllessons/pkg/hopfield/report"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/plots"
	"github.com/gomlx/compute"
)

func init() {
	register("hopfield", "Hessian/CCCP checks, retrieval vs β and the attention equivalence; JSON + figures", runHopfield)
}

func runHopfield(args []string) error {
	fs := flag.NewFlagSet("hopfield", flag.ContinueOnError)
	backendName := fs.String("backend", "", "go (default) or xla; see README")
	seed := fs.Uint64("seed", 42, "random seed")
	instances := fs.Int("instances", 500, "random (X, q, β) instances for the Hessian and descent checks")
	out := fs.String("out", "results/hopfield", "folder for JSON results and figures")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := flagProblems(atLeast("instances", *instances, 1)); err != nil {
		return err
	}
	if err := flagProblems(writableDir("out", *out)); err != nil {
		return err
	}
	b, err := backend.New(*backendName)
	if err != nil {
		return err
	}
	fmt.Println("backend:", backend.Describe(b))
	experiments, err := hopfield.RunExperiments(b, *seed, *instances)
	if err != nil {
		return err
	}
	for _, t := range report.Tables(experiments) {
		fmt.Println(t.String())
	}
	path := filepath.Join(*out, "hopfield.json")
	if err := lesson.WriteJSON(path, experiments); err != nil {
		return err
	}
	fmt.Println("wrote", path)
	return saveHopfieldFigures(b, experiments, *out)
}

// saveHopfieldFigures writes the lessons' figures: the 2-D demo at β = 2 and 0.3, the energy
// along CCCP, retrieval against β and the stacked updates.
func saveHopfieldFigures(b compute.Backend, e hopfield.Experiments, out string) error {
	sharp, err := hopfield.RunDemo2D(b, 2, 80)
	if err != nil {
		return err
	}
	merged, err := hopfield.RunDemo2D(b, 0.3, 80)
	if err != nil {
		return err
	}
	figures := []struct {
		file string
		draw func() (*plots.Figure, error)
	}{
		{"landscape.svg", func() (*plots.Figure, error) { return report.LandscapeFigure(sharp) }},
		{"landscape_small_beta.svg", func() (*plots.Figure, error) { return report.LandscapeFigure(merged) }},
		{"energy_trace.svg", func() (*plots.Figure, error) { return report.EnergyTraceFigure(sharp) }},
		{"retrieval.svg", func() (*plots.Figure, error) { return report.RetrievalFigure(e.Retrieval) }},
		{"stacked_updates.svg", func() (*plots.Figure, error) { return report.StackedFigure(e.Stacked) }},
	}
	for _, f := range figures {
		fig, err := f.draw()
		if err != nil {
			return err
		}
		path := filepath.Join(out, f.file)
		if err := fig.Save(path); err != nil {
			return err
		}
		fmt.Println("wrote", path)
	}
	return nil
}
