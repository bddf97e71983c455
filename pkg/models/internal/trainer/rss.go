//go:build linux

package trainer

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// PeakRSSMetric is the benchmark metric a child reports its peak resident memory under.
const PeakRSSMetric = "peakRSS-kB"

// ReportPeakRSS adds this process's peak resident set size to the benchmark's metrics: the
// VmHWM of /proc/self/status, the high-water mark of this process image only. (ru_maxrss would
// not do: Linux carries it across exec, and a child started by a big Go test process inherits
// the parent's peak — os/exec's child shares the parent's memory until it execs.)
func ReportPeakRSS(b *testing.B) {
	kB, err := peakRSS()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(kB), PeakRSSMetric)
}

func peakRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/self/status")
}

var peakRSSLine = regexp.MustCompile(`([0-9.e+]+) ` + PeakRSSMetric)

// ChildPeakRSS runs benchmarks of the calling test binary (the -test.bench pattern, for
// benchtime) in a child process and returns the largest peak resident set size they reported
// with ReportPeakRSS, in kB: a process of its own, so the figure is that workload's.
func ChildPeakRSS(pattern, benchtime string) (int64, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench="+pattern, "-test.benchtime="+benchtime)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("peak RSS child (%s): %v: %s", pattern, err, lastLines(string(out)))
	}
	var peak int64
	for _, m := range peakRSSLine.FindAllStringSubmatch(string(out), -1) {
		v, err := strconv.ParseFloat(m[1], 64)
		if err == nil && int64(v) > peak {
			peak = int64(v)
		}
	}
	if peak <= 0 {
		return 0, fmt.Errorf("peak RSS child (%s) reported no %s: %s", pattern, PeakRSSMetric, lastLines(string(out)))
	}
	return peak, nil
}

func lastLines(s string) string {
	if len(s) > 400 {
		s = "…" + s[len(s)-400:]
	}
	return s
}
