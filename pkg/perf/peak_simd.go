//go:build amd64 && goexperiment.simd

package perf

import "simd/archsimd"

// accumulators is the number of independent FMA chains: enough to cover the FMA latency on two
// ports (4 cycles × 2) with room to spare, few enough to stay in the 32 vector registers.
const accumulators = 12

func fmaKernel() string {
	switch {
	case archsimd.X86.AVX512():
		return "AVX-512 FMA (16 lanes)"
	case archsimd.X86.FMA():
		return "AVX2 FMA (8 lanes)"
	}
	return "scalar"
}

func fmaFlopsPerIteration() int {
	switch {
	case archsimd.X86.AVX512():
		return 2 * 16 * accumulators
	case archsimd.X86.FMA():
		return 2 * 8 * accumulators
	}
	return scalarFlopsPerIteration
}

// fmaLoop runs n iterations of acc = acc·1 + 1 on every lane of every accumulator and returns
// the sum of all lanes (n · lanes · accumulators: the work cannot be skipped).
func fmaLoop(n int) float64 {
	switch {
	case archsimd.X86.AVX512():
		return fma512(n)
	case archsimd.X86.FMA():
		return fma256(n)
	}
	return scalarLoop(n)
}

func fma512(n int) float64 {
	one := archsimd.BroadcastFloat32x16(1)
	var a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11 archsimd.Float32x16
	for range n {
		a0, a1, a2, a3 = a0.MulAdd(one, one), a1.MulAdd(one, one), a2.MulAdd(one, one), a3.MulAdd(one, one)
		a4, a5, a6, a7 = a4.MulAdd(one, one), a5.MulAdd(one, one), a6.MulAdd(one, one), a7.MulAdd(one, one)
		a8, a9, a10, a11 = a8.MulAdd(one, one), a9.MulAdd(one, one), a10.MulAdd(one, one), a11.MulAdd(one, one)
	}
	var lanes [16]float32
	sum := 0.0
	for _, a := range []archsimd.Float32x16{a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11} {
		a.StoreArray(&lanes)
		for _, v := range lanes {
			sum += float64(v)
		}
	}
	return sum
}

func fma256(n int) float64 {
	one := archsimd.BroadcastFloat32x8(1)
	var a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11 archsimd.Float32x8
	for range n {
		a0, a1, a2, a3 = a0.MulAdd(one, one), a1.MulAdd(one, one), a2.MulAdd(one, one), a3.MulAdd(one, one)
		a4, a5, a6, a7 = a4.MulAdd(one, one), a5.MulAdd(one, one), a6.MulAdd(one, one), a7.MulAdd(one, one)
		a8, a9, a10, a11 = a8.MulAdd(one, one), a9.MulAdd(one, one), a10.MulAdd(one, one), a11.MulAdd(one, one)
	}
	var lanes [8]float32
	sum := 0.0
	for _, a := range []archsimd.Float32x8{a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11} {
		a.StoreArray(&lanes)
		for _, v := range lanes {
			sum += float64(v)
		}
	}
	return sum
}
