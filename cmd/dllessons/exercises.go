package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dllessons/dllessons/pkg/editions"
)

func init() {
	register("exercises", "student|teacher DIR: write the lessons' student or teacher edition; verify student|teacher DIR: check an executed edition", runExercises)
}

const exercisesUsage = `usage:
  dllessons exercises student [-from notebooks] DIR   write the student edition (solutions replaced by stubs) to DIR
  dllessons exercises teacher [-from notebooks] DIR   write the teacher edition (solutions kept) to DIR
  dllessons exercises verify student|teacher DIR      check executed notebooks in DIR (or DIR/notebooks):
                                                      teacher: every check ✓; student: every check "not yet"`

func runExercises(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", exercisesUsage)
	}
	if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Println(exercisesUsage)
		return flag.ErrHelp // help, not a run: exit status 0 like every other command's -h
	}
	if args[0] == "verify" {
		return verifyEdition(args[1:])
	}
	ed, err := editions.ParseEdition(args[0])
	if err != nil {
		return fmt.Errorf("%v\n%s", err, exercisesUsage)
	}
	fs := flag.NewFlagSet("exercises "+args[0], flag.ContinueOnError)
	from := fs.String("from", "notebooks", "folder with the lessons (one source for both editions)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%s", exercisesUsage)
	}
	written, err := editions.Build(*from, fs.Arg(0), ed)
	if err != nil {
		return err
	}
	fmt.Printf("exercises: wrote the %s edition of %d lessons to %s\n", ed, len(written), fs.Arg(0))
	return nil
}

func verifyEdition(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("%s", exercisesUsage)
	}
	ed, err := editions.ParseEdition(args[0])
	if err != nil {
		return err
	}
	dir := args[1]
	if st, err := os.Stat(filepath.Join(dir, "notebooks")); err == nil && st.IsDir() {
		dir = filepath.Join(dir, "notebooks")
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.ipynb"))
	if err != nil || len(paths) == 0 {
		return fmt.Errorf("no executed notebooks (*.ipynb) in %s: run `dllessons notebooks run` on the edition first", dir)
	}
	var problems []string
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		problems = append(problems, editions.Verify(filepath.Base(path), data, ed)...)
	}
	for _, p := range problems {
		fmt.Println("  " + p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("the %s edition in %s has %d problems", ed, dir, len(problems))
	}
	fmt.Printf("exercises: the %s edition in %s checks out (%d lessons)\n", ed, dir, len(paths))
	return nil
}
