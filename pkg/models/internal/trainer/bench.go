package trainer

import (
	"fmt"
	"time"

	"github.com/dllessons/dllessons/pkg/models/torchpeer"
)

// StepTiming is the median and minimum time of a train step.
type StepTiming struct {
	Median, Min time.Duration
	Threads     int            // PyTorch only: the thread count that gave this timing
	BLAS        torchpeer.BLAS // PyTorch only: the BLAS library the peer used, and its threads
}

// Peer describes the PyTorch side of a timing: its threads and its BLAS.
func (t StepTiming) Peer() string {
	return fmt.Sprintf("torch threads %d, BLAS %s", t.Threads, t.BLAS)
}

// BestOfRounds times both sides rounds times, interleaved (the peer first, then Go), and keeps
// each side's timing with the lowest median: a burst of load from other programs on a shared
// machine then hurts neither side alone.
func BestOfRounds(rounds int, torch, gomlx func() (StepTiming, error)) (bestTorch, bestGo StepTiming, err error) {
	for round := range rounds {
		t, err := torch()
		if err != nil {
			return bestTorch, bestGo, err
		}
		g, err := gomlx()
		if err != nil {
			return bestTorch, bestGo, err
		}
		if round == 0 || t.Median < bestTorch.Median {
			bestTorch = t
		}
		if round == 0 || g.Median < bestGo.Median {
			bestGo = g
		}
	}
	return bestTorch, bestGo, nil
}

// FastestTorchPeer runs the PyTorch peer with args once per thread count (PyTorch's and its
// BLAS's) and returns the timing with the lowest median.
func FastestTorchPeer(threads []int, args ...string) (StepTiming, error) {
	r, err := torchpeer.Fastest(threads, args...)
	if err != nil {
		return StepTiming{}, err
	}
	return StepTiming{Median: r.Median, Min: r.Min, Threads: r.Threads, BLAS: r.BLAS}, nil
}
