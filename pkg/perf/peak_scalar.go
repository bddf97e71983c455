package perf

// scalarFlopsPerIteration: scalarLoop's 4 independent chains of a multiply and an add.
const scalarFlopsPerIteration = 2 * 4

// scalarLoop is fmaLoop without vector instructions (other architectures, or a build without
// GOEXPERIMENT=simd): acc = acc·1 + 1 on four chains, returning their sum.
func scalarLoop(n int) float64 {
	var a0, a1, a2, a3 float32
	for range n {
		a0, a1, a2, a3 = a0*1+1, a1*1+1, a2*1+1, a3*1+1
	}
	return float64(a0) + float64(a1) + float64(a2) + float64(a3)
}
