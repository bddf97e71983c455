// Package golden compares what a test computes with a JSON file of the numbers an earlier version
// of the code computed, for refactorings that must not change a bit.
package golden
