package cnn

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
	"github.com/dllessons/dllessons/pkg/models/torchpeer"
	"github.com/dllessons/dllessons/pkg/perf"
)

// BenchmarkCNNTrainStepVsPyTorch times a train step of both variants at batch 8 and 64 and
// the PyTorch peer (best of 1 and 2 threads) in the same run, in two interleaved rounds of
// medians of 20 or more steps, and reports the ratio
// Go/PyTorch (metric "x-torch": lower is better, 1 = as fast as PyTorch). Each row also gives
// both sides' arithmetic rate (TrainStepFLOPs over the median step) and its share of the
// machine's fp32 peak, measured first by an FMA loop on every core (pkg/perf).
//
//	GOEXPERIMENT=simd go test ./pkg/models/cnn -run '^$' -bench CNNTrainStepVsPyTorch -benchtime 1x
func BenchmarkCNNTrainStepVsPyTorch(b *testing.B) {
	trainer.RequireTorchPeer(b)
	peak := perf.MeasurePeak(20)
	fmt.Printf("machine peak: %s\n", peak)
	be := backend.MustDefault()
	for _, variant := range []Variant{{false}, {true}} {
		for _, batch := range []int{8, 64} {
			b.Run(fmt.Sprintf("%s/batch=%d", variant.Name(), batch), func(b *testing.B) {
				steps := max(20, 320/batch)
				var goT, torchT trainer.StepTiming
				for b.Loop() {
					var err error
					torchT, goT, err = trainer.BestOfRounds(2,
						func() (trainer.StepTiming, error) { return TimeTorchStep(variant, batch, steps, 1, 2) },
						func() (trainer.StepTiming, error) { return TimeStep(be, variant, batch, 3, steps) })
					if err != nil {
						b.Fatal(err)
					}
				}
				ratio := goT.Median.Seconds() / torchT.Median.Seconds()
				flops := TrainStepFLOPs(variant, batch)
				goRate, torchRate := flops/goT.Median.Seconds()/1e9, flops/torchT.Median.Seconds()/1e9
				b.ReportMetric(goT.Median.Seconds()*1000, "go-ms/step")
				b.ReportMetric(torchT.Median.Seconds()*1000, "torch-ms/step")
				b.ReportMetric(goRate, "go-GFLOP/s")
				b.ReportMetric(torchRate, "torch-GFLOP/s")
				b.ReportMetric(ratio, "x-torch")
				fmt.Printf("%-7s batch %-3d %5.2f GFLOP  Go %7.1f ms (min %6.1f) %5.1f GFLOP/s = %4.1f%% of peak  "+
					"PyTorch %7.1f ms (min %6.1f) %5.1f GFLOP/s = %4.1f%% of peak (%s)  ratio %.2f× (fastest steps %.2f×)\n",
					variant.Name(), batch, flops/1e9, ms(goT.Median), ms(goT.Min), goRate, 100*peak.Share(goRate),
					ms(torchT.Median), ms(torchT.Min), torchRate, 100*peak.Share(torchRate), torchT.Peer(), ratio,
					goT.Min.Seconds()/torchT.Min.Seconds())
			})
		}
	}
}

func ms(d interface{ Seconds() float64 }) float64 { return d.Seconds() * 1000 }

// BenchmarkCNNTrainStep times the train step alone (for profiling: -cpuprofile).
func BenchmarkCNNTrainStep(b *testing.B) {
	be := backend.MustDefault()
	for _, variant := range []Variant{{false}, {true}} {
		for _, batch := range []int{8, 64} {
			b.Run(fmt.Sprintf("%s/batch=%d", variant.Name(), batch), func(b *testing.B) {
				t, err := NewTrainer(be, Options{Variant: variant, LearningRate: 0.01, Epochs: 1, BatchSize: batch, Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
				pixels := make([]float32, batch*48*48*3)
				labels := make([]int32, batch)
				if _, err := t.Step(pixels, labels, 0); err != nil { // compile
					b.Fatal(err)
				}
				for step := uint64(1); b.Loop(); step++ {
					if _, err := t.Step(pixels, labels, step); err != nil {
						b.Fatal(err)
					}
				}
				trainer.ReportPeakRSS(b)
			})
		}
	}
}

// BenchmarkCNNPeakRSSVsPyTorch prints the peak resident memory of a process that builds the CNN
// (no batch norm, the larger one) and runs its batch-64 train step, beside the PyTorch peer's
// for the same: each measured as its own process (VmHWM).
func BenchmarkCNNPeakRSSVsPyTorch(b *testing.B) {
	trainer.RequireTorchPeer(b)
	const steps = 10
	for b.Loop() {
		goKB, err := trainer.ChildPeakRSS("^BenchmarkCNNTrainStep$/^cnn$/^batch=64$", strconv.Itoa(steps)+"x")
		if err != nil {
			b.Fatal(err)
		}
		peer, err := torchpeer.Run(2, "--task", "cnn", "--batch", "64", "--steps", strconv.Itoa(steps))
		if err != nil {
			b.Fatal(err)
		}
		if peer.PeakRSSkB <= 0 {
			b.Fatal("the PyTorch peer reported no peak RSS")
		}
		ratio := float64(goKB) / float64(peer.PeakRSSkB)
		b.ReportMetric(float64(goKB)/1024, "go-MB")
		b.ReportMetric(float64(peer.PeakRSSkB)/1024, "torch-MB")
		fmt.Printf("peak RSS, cnn batch 64 (model, compilation, %d train steps): Go %.0f MB, PyTorch %.0f MB (2 threads)  ratio %.2f×\n",
			steps, float64(goKB)/1024, float64(peer.PeakRSSkB)/1024, ratio)
	}
}
