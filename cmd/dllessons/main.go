package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

// command is one top-level subcommand of dllessons.
type command struct {
	summary string
	run     func(args []string) error
}

var commands = map[string]command{}

// register adds a top-level subcommand; called from init() of each subcommand's file.
func register(name, summary string, run func(args []string) error) {
	if _, dup := commands[name]; dup {
		panic("dllessons: command registered twice: " + name)
	}
	commands[name] = command{summary: summary, run: run}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: dllessons COMMAND [ARGS...]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(os.Stderr, "\nRun 'dllessons COMMAND -h' for a command's flags.")
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	if isHelp(os.Args[1]) {
		usage()
		return
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "dllessons: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err := cmd.run(os.Args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h: the usage is printed
		}
		fmt.Fprintf(os.Stderr, "dllessons %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

// isHelp says whether arg asks for help.
func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// subcommand is one verb of a command with subcommands (cnn train, seq2seq test, …).
type subcommand struct {
	name string
	run  func(args []string) error
}

// runSubcommand runs the subcommand args[0] of command from subs (listed in usage order).
func runSubcommand(command string, subs []subcommand, args []string) error {
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.name
	}
	if len(args) == 0 {
		return fmt.Errorf("usage: dllessons %s %s [flags]  (-h after a subcommand for its flags)", command, strings.Join(names, "|"))
	}
	if isHelp(args[0]) {
		fmt.Fprintf(os.Stderr, "usage: dllessons %s %s [flags]\n\nRun 'dllessons %s SUBCOMMAND -h' for its flags.\n",
			command, strings.Join(names, "|"), command)
		return flag.ErrHelp
	}
	for _, s := range subs {
		if s.name == args[0] {
			return s.run(args[1:])
		}
	}
	return fmt.Errorf("unknown %s subcommand %q: use %s", command, args[0], strings.Join(names, ", "))
}
