package cnn

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/gomlx/compute"

	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

// TimeStep measures the variant's train step at a batch size on backend: warmup steps
// (compilation) then the median of steps timed steps, on random images.
func TimeStep(backend compute.Backend, variant Variant, batch, warmup, steps int) (trainer.StepTiming, error) {
	t, err := NewTrainer(backend, Options{Variant: variant, LearningRate: 0.01, Epochs: 1, BatchSize: batch, Seed: 1})
	if err != nil {
		return trainer.StepTiming{}, err
	}
	pixels := make([]float32, batch*datasets.ImageSize*datasets.ImageSize*datasets.ImageChannels)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range pixels {
		pixels[i] = rng.Float32()
	}
	labels := make([]int32, batch)
	for i := range labels {
		labels[i] = int32(i % NumClasses)
	}
	times := make([]time.Duration, 0, steps)
	for i := range warmup + steps {
		start := time.Now()
		if _, err := t.Step(pixels, labels, uint64(i)); err != nil {
			return trainer.StepTiming{}, err
		}
		if i >= warmup {
			times = append(times, time.Since(start))
		}
	}
	slices.Sort(times)
	return trainer.StepTiming{Median: times[len(times)/2], Min: times[0]}, nil
}

// TimeTorchStep runs the PyTorch peer for the variant and batch with each thread count and
// returns the fastest median.
func TimeTorchStep(variant Variant, batch, steps int, threads ...int) (trainer.StepTiming, error) {
	return trainer.FastestTorchPeer(threads, "--task", variant.Name(), "--batch", strconv.Itoa(batch), "--steps", strconv.Itoa(steps))
}
