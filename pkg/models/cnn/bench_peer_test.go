package cnn

import (
	"testing"

	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

// TestBenchmarksFailWithoutThePeer: without a usable PyTorch peer the comparison fails, loudly.
func TestBenchmarksFailWithoutThePeer(t *testing.T) {
	trainer.CheckBenchmarksFailWithoutThePeer(t, "BenchmarkCNNTrainStepVsPyTorch", "BenchmarkCNNPeakRSSVsPyTorch")
}
