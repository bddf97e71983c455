package main

import (
	"flag"
	"fmt"
	"path/filepath"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/hopfield"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/plots"
	"github.com/gomlx/compute"
	"gonum.org/v1/plot"
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
	report, err := hopfield.RunReport(b, *seed, *instances)
	if err != nil {
		return err
	}
	for _, t := range report.Tables() {
		fmt.Println(t.String())
	}
	fmt.Printf("With random W_K, W_V: attention vs identity Hopfield update max |Δ| = %.3g; "+
		"vs Hopfield on K = XW_K read out through V = XW_V: %.2e\n",
		report.Projection.VsIdentityUpdate, report.Projection.VsProjectedHopfield)
	path := filepath.Join(*out, "hopfield.json")
	if err := lesson.WriteJSON(path, report); err != nil {
		return err
	}
	fmt.Println("wrote", path)
	return saveHopfieldFigures(b, report, *out)
}

func saveHopfieldFigures(b compute.Backend, report hopfield.Report, out string) error {
	landscape, trajs, err := hopfield.LandscapeFigure(b, 2, 80)
	if err != nil {
		return err
	}
	merged, _, err := hopfield.LandscapeFigure(b, 0.3, 80)
	if err != nil {
		return err
	}
	trace, err := hopfield.EnergyTraceFigure("Energy along CCCP, β = 2", trajs)
	if err != nil {
		return err
	}
	retrieval, err := hopfield.RetrievalFigure(report.Retrieval)
	if err != nil {
		return err
	}
	stacked, err := report.Stacked.Figure()
	if err != nil {
		return err
	}
	figures := []struct {
		file string
		plot *plot.Plot
	}{{"landscape.svg", landscape}, {"landscape_small_beta.svg", merged}, {"energy_trace.svg", trace},
		{"retrieval.svg", retrieval}, {"stacked_updates.svg", stacked}}
	for _, f := range figures {
		path := filepath.Join(out, f.file)
		if err := plots.Save(f.plot, path); err != nil {
			return err
		}
		fmt.Println("wrote", path)
	}
	return nil
}
