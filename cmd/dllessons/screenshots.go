package main

import (
	"context"
	"flag"
	"os"
	"os/signal"

	"github.com/dllessons/dllessons/pkg/browsertest"
	"github.com/dllessons/dllessons/pkg/notebooks"
)

func init() {
	register("screenshots", "[NAME...]: open the executed lessons in headless Chromium, check them, save full-page screenshots", runScreenshots)
}

func runScreenshots(args []string) error {
	fs := flag.NewFlagSet("screenshots", flag.ContinueOnError)
	dir := fs.String("dir", "out/notebooks", "folder with the executed lessons (inside the current folder)")
	out := fs.String("out", "out/screenshots", "folder for the PNG screenshots")
	if err := parseFlagsAndNames(fs, args); err != nil {
		return err
	}
	paths, err := notebooks.Select(*dir, fs.Args())
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	session, err := browsertest.Start(ctx, browsertest.Options{Root: "."})
	if err != nil {
		return err
	}
	defer session.Close()
	return session.Screenshots(ctx, paths, *out, os.Stdout)
}
