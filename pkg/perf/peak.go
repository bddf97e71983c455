package perf

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Peak is the measured fp32 arithmetic rate of the machine.
type Peak struct {
	GFLOPS  float64 // billions of floating-point operations per second, all workers together
	Workers int     // goroutines that ran the loop, one per GOMAXPROCS
	Kernel  string  // the instructions used, e.g. "AVX-512 FMA (16 lanes)"
}

func (p Peak) String() string {
	return fmt.Sprintf("%.1f GFLOP/s fp32 (%s, %d workers)", p.GFLOPS, p.Kernel, p.Workers)
}

// Share is the fraction of the peak that gflops reaches.
func (p Peak) Share(gflops float64) float64 {
	if p.GFLOPS <= 0 {
		return 0
	}
	return gflops / p.GFLOPS
}

// fmaIterations is the loop length of one timed call: long enough (tens of milliseconds) to
// hide the start of the goroutines, short enough to stay exact (each accumulator counts up by 1
// per iteration, exact in float32 below 2²⁴).
const fmaIterations = 1 << 22

// MeasurePeak runs the FMA loop on GOMAXPROCS goroutines at once, rounds times, and keeps the
// fastest round: on a shared machine the best round is the closest to the hardware's limit.
func MeasurePeak(rounds int) Peak {
	workers := runtime.GOMAXPROCS(0)
	best := 0.0
	for range max(rounds, 1) {
		var wg sync.WaitGroup
		start := time.Now()
		for range workers {
			wg.Go(func() {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				fmaLoop(fmaIterations)
			})
		}
		wg.Wait()
		flops := float64(workers) * float64(fmaFlopsPerIteration()) * fmaIterations
		best = max(best, flops/time.Since(start).Seconds()/1e9)
	}
	return Peak{GFLOPS: best, Workers: workers, Kernel: fmaKernel()}
}
