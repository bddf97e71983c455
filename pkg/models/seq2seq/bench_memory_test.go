package seq2seq

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
	"github.com/dllessons/dllessons/pkg/models/torchpeer"
)

// BenchmarkSeq2SeqPeakRSSVsPyTorch prints the peak resident memory of an epoch's worth of the
// attention model's train steps (the course's training words over batch 64, each batch 16 + 16
// positions) in a process of its own, beside the PyTorch peer's for the same number of steps.
func BenchmarkSeq2SeqPeakRSSVsPyTorch(b *testing.B) {
	trainer.RequireTorchPeer(b)
	data, err := datasets.LoadP2G("")
	if err != nil {
		b.Fatal(err)
	}
	const batch = 64
	steps := (data.Train.Len() + batch - 1) / batch
	for b.Loop() {
		goKB, err := trainer.ChildPeakRSS("^BenchmarkSeq2SeqTrainStep$", strconv.Itoa(steps)+"x")
		if err != nil {
			b.Fatal(err)
		}
		peer, err := torchpeer.Run(1, "--task", "s2s-attn", "--batch", strconv.Itoa(batch), "--steps", strconv.Itoa(steps),
			"--src-len", strconv.Itoa(BenchLen), "--tgt-len", strconv.Itoa(BenchLen))
		if err != nil {
			b.Fatal(err)
		}
		if peer.PeakRSSkB <= 0 {
			b.Fatal("the PyTorch peer reported no peak RSS")
		}
		b.ReportMetric(float64(goKB)/1024, "go-MB")
		b.ReportMetric(float64(peer.PeakRSSkB)/1024, "torch-MB")
		fmt.Printf("peak RSS, seq2seq with attention, an epoch's %d train steps at batch %d: Go %.0f MB, PyTorch %.0f MB (1 thread)  ratio %.2f×\n",
			steps, batch, float64(goKB)/1024, float64(peer.PeakRSSkB)/1024, float64(goKB)/float64(peer.PeakRSSkB))
	}
}
