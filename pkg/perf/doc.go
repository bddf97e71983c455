// Package perf measures what the benchmarks compare against: the machine's fp32 peak, from a
// small fused-multiply-add loop run on every core at once.
package perf
