//go:build !(amd64 && goexperiment.simd)

package perf

func fmaKernel() string { return "scalar" }

func fmaFlopsPerIteration() int { return scalarFlopsPerIteration }

func fmaLoop(n int) float64 { return scalarLoop(n) }
