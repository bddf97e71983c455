package main

import (
	"fmt"

	"github.com/dllessons/dllessons/pkg/notebooks"
)

func init() {
	register("setup", "set-up steps run by scripts/setup.sh (setup kernel: put the build settings in GoNB's kernel spec)", runSetup)
}

func runSetup(args []string) error {
	if len(args) != 1 || args[0] != "kernel" {
		return fmt.Errorf("usage: dllessons setup kernel")
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
