//go:build linux

package trainer

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// ChildPeakRSS runs benchmarks of the calling test binary (the -test.bench pattern, for
// benchtime) in a child process and returns the child's peak resident set size in kB, the
// same measure (ru_maxrss) the PyTorch peer reports of itself: a process of its own, so the
// figure is that workload's, not the parent's high-water mark.
func ChildPeakRSS(pattern, benchtime string) (int64, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench="+pattern, "-test.benchtime="+benchtime)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("peak RSS child (%s): %v: %s", pattern, err, lastLines(string(out)))
	}
	usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok || usage.Maxrss <= 0 {
		return 0, fmt.Errorf("peak RSS child (%s): the system reported no peak RSS", pattern)
	}
	return usage.Maxrss, nil // kB on Linux
}

func lastLines(s string) string {
	if len(s) > 400 {
		s = "…" + s[len(s)-400:]
	}
	return s
}
