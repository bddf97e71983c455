//go:build !linux

package notebooks

import (
	"os"
	"syscall"
)

// endProcesses kills root (elsewhere than Linux the kernel's session is not searched).
func endProcesses(root int, _ ...int) {
	if p, err := os.FindProcess(root); err == nil {
		_ = p.Kill()
	}
}

func newProcessGroup() *syscall.SysProcAttr { return nil }

// Descendants is not implemented elsewhere than Linux.
func Descendants(int) []int { return nil }

// Alive says whether pid exists.
func Alive(pid int) bool {
	p, err := os.FindProcess(pid)
	return err == nil && p.Signal(syscall.Signal(0)) == nil
}
