//go:build !linux

package trainer

import (
	"errors"
	"testing"
)

// PeakRSSMetric is the benchmark metric a child reports its peak resident memory under.
const PeakRSSMetric = "peakRSS-kB"

// ReportPeakRSS is measured on Linux only (VmHWM); elsewhere it reports nothing.
func ReportPeakRSS(b *testing.B) {}

// ChildPeakRSS is measured on Linux only.
func ChildPeakRSS(pattern, benchtime string) (int64, error) {
	return 0, errors.New("peak RSS is measured on Linux only")
}
