package seq2seq

import (
	"testing"

	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

// TestBenchmarksFailWithoutThePeer: without a usable PyTorch peer the comparison fails, loudly.
func TestBenchmarksFailWithoutThePeer(t *testing.T) {
	trainer.CheckBenchmarksFailWithoutThePeer(t, "BenchmarkSeq2SeqVsPyTorch", "BenchmarkSeq2SeqPeakRSSVsPyTorch")
}
