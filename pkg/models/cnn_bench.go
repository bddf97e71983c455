package models

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/gomlx/compute"

	"github.com/dllessons/dllessons/pkg/datasets"
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

// TimeCNNStep measures the variant's train step at a batch size on backend: warmup steps
// (compilation) then the median of steps timed steps, on random images.
func TimeCNNStep(backend compute.Backend, variant CNNVariant, batch, warmup, steps int) (StepTiming, error) {
	t, err := NewCNNTrainer(backend, CNNOptions{Variant: variant, LearningRate: 0.01, Epochs: 1, BatchSize: batch, Seed: 1})
	if err != nil {
		return StepTiming{}, err
	}
	pixels := make([]float32, batch*datasets.ImageSize*datasets.ImageSize*datasets.ImageChannels)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range pixels {
		pixels[i] = rng.Float32()
	}
	labels := make([]int32, batch)
	for i := range labels {
		labels[i] = int32(i % CNNNumClasses)
	}
	times := make([]time.Duration, 0, steps)
	for i := range warmup + steps {
		start := time.Now()
		if _, err := t.Step(pixels, labels); err != nil {
			return StepTiming{}, err
		}
		if i >= warmup {
			times = append(times, time.Since(start))
		}
	}
	slices.Sort(times)
	return StepTiming{Median: times[len(times)/2], Min: times[0]}, nil
}

// TimeTorchStep runs the PyTorch peer for the variant and batch with each thread count and
// returns the fastest median.
func TimeTorchStep(variant CNNVariant, batch, steps int, threads ...int) (StepTiming, error) {
	return fastestTorchPeer(threads, "--task", variant.Name(), "--batch", strconv.Itoa(batch), "--steps", strconv.Itoa(steps))
}

// fastestTorchPeer runs the PyTorch peer with args once per thread count (PyTorch's and its
// BLAS's) and returns the timing with the lowest median.
func fastestTorchPeer(threads []int, args ...string) (StepTiming, error) {
	r, err := torchpeer.Fastest(threads, args...)
	if err != nil {
		return StepTiming{}, err
	}
	return StepTiming{Median: r.Median, Min: r.Min, Threads: r.Threads, BLAS: r.BLAS}, nil
}
