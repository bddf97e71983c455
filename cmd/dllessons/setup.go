package main

import (
	"flag"
	"fmt"

	"github.com/dllessons/dllessons/pkg/notebooks"
)

func init() {
	register("setup", "set-up steps run by scripts/setup.sh (setup kernel: put the build settings in GoNB's kernel spec)", runSetup)
}

func runSetup(args []string) error {
	return runSubcommand("setup", []subcommand{{"kernel", setupKernel}}, args)
}

func setupKernel(args []string) error {
	if err := parseFlags(flag.NewFlagSet("setup kernel", flag.ContinueOnError), args); err != nil {
		return err
	}
	path, err := notebooks.KernelSpecPath()
	if err != nil {
		return err
	}
	if err := notebooks.PatchKernelSpec(path, notebooks.KernelEnv()); err != nil {
		return err
	}
	fmt.Println("GoNB kernel environment set in", path)
	return nil
}
