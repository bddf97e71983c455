//go:build !linux

package trainer

import "errors"

// ChildPeakRSS is measured on Linux only (ru_maxrss in kB).
func ChildPeakRSS(pattern, benchtime string) (int64, error) {
	return 0, errors.New("peak RSS is measured on Linux only")
}
