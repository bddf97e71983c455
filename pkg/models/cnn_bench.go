package models

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gomlx/compute"

	"github.com/dllessons/dllessons/pkg/datasets"
)

// TorchPeerScript is the PyTorch reference used for speed comparisons: ../shared/peers beside
// the module root (where the course's shared folder sits), or $DLLESSONS_TORCH_PEER.
var TorchPeerScript = torchPeerScript()

func torchPeerScript() string {
	if p := os.Getenv("DLLESSONS_TORCH_PEER"); p != "" {
		return p
	}
	return filepath.Join(datasets.ModuleRoot(), "..", "shared", "peers", "torch_reference.py")
}

// TorchPython is the interpreter with Debian's python3-torch.
var TorchPython = "/usr/bin/python3"

// StepTiming is the median and minimum time of a train step.
type StepTiming struct {
	Median, Min time.Duration
	Threads     int // PyTorch only: the thread count that gave this timing
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

// fastestTorchPeer runs the PyTorch peer with args once per thread count and returns the
// timing with the lowest median.
func fastestTorchPeer(threads []int, args ...string) (StepTiming, error) {
	best := StepTiming{}
	for _, th := range threads {
		cmd := exec.Command(TorchPython, append([]string{TorchPeerScript, "--threads", strconv.Itoa(th)}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return StepTiming{}, fmt.Errorf("PyTorch peer %s: %w: %s", TorchPeerScript, err, strings.TrimSpace(stderr.String()))
		}
		timing, err := parseTorchResult(out)
		if err != nil {
			return StepTiming{}, err
		}
		timing.Threads = th
		if best.Median == 0 || timing.Median < best.Median {
			best = timing
		}
	}
	return best, nil
}

// parseTorchResult reads median_ms and min_ms from the peer's RESULT line.
func parseTorchResult(out []byte) (StepTiming, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "RESULT") {
			continue
		}
		var t StepTiming
		for _, field := range strings.Fields(line) {
			k, v, _ := strings.Cut(field, "=")
			ms, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			switch k {
			case "median_ms":
				t.Median = time.Duration(ms * float64(time.Millisecond))
			case "min_ms":
				t.Min = time.Duration(ms * float64(time.Millisecond))
			}
		}
		if t.Median > 0 {
			return t, nil
		}
	}
	return StepTiming{}, fmt.Errorf("PyTorch peer printed no RESULT line with median_ms: %q", out)
}

// TorchPeerAvailable reports whether the peer script and interpreter exist.
func TorchPeerAvailable() error {
	for _, p := range []string{TorchPython, TorchPeerScript} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("PyTorch peer: %w", err)
		}
	}
	return nil
}
