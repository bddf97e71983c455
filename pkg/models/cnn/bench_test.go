package cnn

import (
	"fmt"
	"testing"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

// BenchmarkCNNTrainStepVsPyTorch times a train step of both variants at batch 8 and 64 and
// the PyTorch peer (best of 1 and 2 threads) in the same run, and reports the ratio
// Go/PyTorch (metric "x-torch": lower is better, 1 = as fast as PyTorch).
//
//	GOEXPERIMENT=simd go test ./pkg/models/cnn -run '^$' -bench CNNTrainStepVsPyTorch -benchtime 1x
func BenchmarkCNNTrainStepVsPyTorch(b *testing.B) {
	trainer.RequireTorchPeer(b)
	be := backend.MustDefault()
	for _, variant := range []Variant{{false}, {true}} {
		for _, batch := range []int{8, 64} {
			b.Run(fmt.Sprintf("%s/batch=%d", variant.Name(), batch), func(b *testing.B) {
				steps := max(10, 160/batch)
				var goT, torchT trainer.StepTiming
				for b.Loop() {
					var err error
					if goT, err = TimeStep(be, variant, batch, 3, steps); err != nil {
						b.Fatal(err)
					}
					if torchT, err = TimeTorchStep(variant, batch, steps, 1, 2); err != nil {
						b.Fatal(err)
					}
				}
				ratio := goT.Median.Seconds() / torchT.Median.Seconds()
				b.ReportMetric(goT.Median.Seconds()*1000, "go-ms/step")
				b.ReportMetric(torchT.Median.Seconds()*1000, "torch-ms/step")
				b.ReportMetric(ratio, "x-torch")
				fmt.Printf("%-7s batch %-3d  Go %7.1f ms (min %6.1f)  PyTorch %7.1f ms (%s)  ratio %.2f×\n",
					variant.Name(), batch, ms(goT.Median), ms(goT.Min), ms(torchT.Median), torchT.Peer(), ratio)
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
				if _, err := t.Step(pixels, labels); err != nil { // compile
					b.Fatal(err)
				}
				for b.Loop() {
					if _, err := t.Step(pixels, labels); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
