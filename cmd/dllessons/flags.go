package main

// flags.go: every flag is checked before any work starts, so a bad value costs one line and no
// training time.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// parseFlags parses args into fs and refuses positional arguments: every input of these
// commands is a flag, and an ignored path would silently run on the default data.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := parseFlagsAndNames(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: every input is a flag (e.g. --data %s); see %s -h", fs.Arg(0), fs.Arg(0), fs.Name())
	}
	return nil
}

// parseFlagsAndNames parses args into fs, positional arguments allowed. A bad value is one
// line (the flag package would add the whole usage); -h prints the usage.
func parseFlagsAndNames(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(os.Stderr)
		fmt.Fprintf(os.Stderr, "usage: dllessons %s [flags]\n", fs.Name())
		fs.PrintDefaults()
		return err
	}
	if err != nil {
		return fmt.Errorf("%w (see dllessons %s -h)", err, fs.Name())
	}
	return nil
}

// flagProblems joins the problems found (nil if none) into one error.
func flagProblems(problems ...string) error {
	var found []string
	for _, p := range problems {
		if p != "" {
			found = append(found, p)
		}
	}
	if len(found) == 0 {
		return nil
	}
	return errors.New(strings.Join(found, "; "))
}

// finitePositive: a finite number > 0 (a learning rate).
func finitePositive(name string, v float64) string {
	if v > 0 && !math.IsInf(v, 0) {
		return ""
	}
	return fmt.Sprintf("--%s %v: must be a finite number > 0", name, v)
}

// probability: 0 < v ≤ 1.
func probability(name string, v float64) string {
	if v > 0 && v <= 1 {
		return ""
	}
	return fmt.Sprintf("--%s %v: must be in (0, 1]", name, v)
}

// atLeast: an integer ≥ least.
func atLeast(name string, v, least int) string {
	if v >= least {
		return ""
	}
	return fmt.Sprintf("--%s %d: must be at least %d", name, v, least)
}

// positiveDuration: a duration > 0.
func positiveDuration(name string, d time.Duration) string {
	if d > 0 {
		return ""
	}
	return fmt.Sprintf("--%s %v: must be longer than 0 (e.g. 20m)", name, d)
}

// writableDir creates dir if needed and checks a file can be created in it, so a read-only
// --out fails now, in one line, rather than after training.
func writableDir(name, dir string) string {
	if strings.TrimSpace(dir) == "" {
		return fmt.Sprintf("--%s is empty: name a folder", name)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Sprintf("--%s %s: cannot create the folder: %s", name, dir, fsReason(err))
	}
	probe, err := os.CreateTemp(dir, ".dllessons-write-test-*")
	if err != nil {
		return fmt.Sprintf("--%s %s: cannot write there: %s", name, dir, fsReason(err))
	}
	probe.Close()
	_ = os.Remove(probe.Name())
	return ""
}

// fsReason says why a file operation failed, in words (permission problems by name).
func fsReason(err error) string {
	var pe *os.PathError
	reason := err.Error()
	if errors.As(err, &pe) {
		reason = filepath.Clean(pe.Path) + ": " + pe.Err.Error()
	}
	if errors.Is(err, os.ErrPermission) {
		return reason + " (a permission problem: choose another --out or make it writable)"
	}
	return reason
}
