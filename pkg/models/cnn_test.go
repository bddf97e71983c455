package models

import (
	"testing"

	"github.com/gomlx/gomlx/ml/model"

	"github.com/dllessons/dllessons/pkg/backend"
)

func TestCNNParameterCountsMatchTheReport(t *testing.T) {
	for variant, want := range map[CNNVariant]int{{BatchNorm: false}: 5_340_742, {BatchNorm: true}: 755_718} {
		m, err := NewCNN(model.NewStore(), variant, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.NumParams(); got != want {
			t.Errorf("%s: %d parameters, want %d", variant.Name(), got, want)
		}
		sum := 0
		for _, n := range m.LayerParams() {
			sum += n
		}
		if sum != want {
			t.Errorf("%s: per-layer counts add up to %d, want %d", variant.Name(), sum, want)
		}
	}
}

func TestCNNStepRuns(t *testing.T) {
	b := backend.MustDefault()
	for _, bn := range []bool{false, true} {
		tr, err := NewCNNTrainer(b, CNNOptions{Variant: CNNVariant{BatchNorm: bn}, LearningRate: 0.01, Epochs: 1, BatchSize: 8, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		pixels := make([]float32, 8*48*48*3)
		for i := range pixels {
			pixels[i] = float32(i%97) / 97
		}
		labels := []int32{0, 1, 2, 3, 4, 5, 0, 1}
		var losses []float64
		for range 5 {
			l, err := tr.Step(pixels, labels)
			if err != nil {
				t.Fatal(err)
			}
			losses = append(losses, l)
		}
		t.Logf("bn=%v losses %v", bn, losses)
	}
}
