package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/notebooks"
)

func init() {
	register("notebooks", "run [NAME...]: execute the lesson notebooks headless into out/ (HTML too)", runNotebooks)
}

func runNotebooks(args []string) error {
	usage := "usage: dllessons notebooks run [-quick] [-dir notebooks] [-out out] [-cell-timeout 1h] [NAME...]"
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprintln(os.Stderr, usage)
		return flag.ErrHelp
	}
	if len(args) == 0 || args[0] != "run" {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("notebooks run", flag.ContinueOnError)
	dir := fs.String("dir", "notebooks", "folder with the lessons")
	out := fs.String("out", "out", "output folder: executed notebooks in OUT/notebooks, HTML in OUT/html")
	quick := fs.Bool("quick", lesson.Quick(), "tiny budgets (sets "+lesson.QuickEnv+"=1 for the kernel)")
	timeout := fs.Duration("cell-timeout", time.Hour, "time limit for one cell")
	if err := parseFlagsAndNames(fs, args[1:]); err != nil {
		return err
	}
	if err := flagProblems(positiveDuration("cell-timeout", *timeout)); err != nil {
		return err
	}
	opts := notebooks.Options{Dir: *dir, OutDir: *out, Names: fs.Args(), CellTimeout: *timeout}
	if *quick {
		opts.Env = append(opts.Env, lesson.QuickEnv+"=1")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); stop() }() // Ctrl-C ends the kernels; a second one ends dllessons at once
	results, err := notebooks.Run(ctx, opts)
	passed := 0
	for _, r := range results {
		fmt.Printf("%-32s %-6v %2d figures %8s  %s\n", r.Name, okWord(r.OK()), r.Figures, r.Duration.Round(time.Second), r.HTML)
		if r.OK() {
			passed++
		}
	}
	if len(results) > 0 {
		fmt.Printf("notebooks: %d passed, %d failed\n", passed, len(results)-passed)
	}
	return err
}

func okWord(ok bool) string {
	if ok {
		return "ok"
	}
	return "FAILED"
}
