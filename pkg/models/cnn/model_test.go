package cnn

import (
	"testing"

	"github.com/gomlx/gomlx/ml/model"
)

func TestCNNParameterCountsMatchTheReport(t *testing.T) {
	for variant, want := range map[Variant]int{{BatchNorm: false}: 5_340_742, {BatchNorm: true}: 755_718} {
		m, err := New(model.NewStore(), variant, 1)
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
