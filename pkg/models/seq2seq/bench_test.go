package seq2seq

import (
	"testing"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

// BenchmarkSeq2SeqVsPyTorch prints, in one run, the attention model's train-step time at batch
// 64 against the PyTorch peer (its best of 1 and 2 threads) as a ratio, and the greedy decoding
// speed on the 1,000 test words. Run with:
//
//	GOEXPERIMENT=simd go test ./pkg/models/seq2seq -run '^$' -bench Seq2SeqVsPyTorch -benchtime 1x
func BenchmarkSeq2SeqVsPyTorch(b *testing.B) {
	trainer.RequireTorchPeer(b)
	data, err := datasets.LoadP2G("")
	if err != nil {
		b.Fatal(err)
	}
	for range b.N {
		r, err := RunBench(backend.MustDefault(), data, 64)
		if err != nil {
			b.Fatal(err)
		}
		b.Log("\n" + r.String())
		b.ReportMetric(r.Ratio, "x-pytorch")
		b.ReportMetric(float64(r.GoMLX.Median.Milliseconds()), "ms/step")
		b.ReportMetric(r.GreedyWordsPerSecond, "words/s")
	}
}

// BenchmarkSeq2SeqTrainStep times the attention model's train step alone (for profiling).
func BenchmarkSeq2SeqTrainStep(b *testing.B) {
	data, err := datasets.LoadP2G("")
	if err != nil {
		b.Fatal(err)
	}
	timing, err := TimeStep(backend.MustDefault(), data, true, 64, 3, max(b.N, 5))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(timing.Median.Microseconds())/1000, "ms/step")
	b.ReportMetric(float64(timing.Min.Microseconds())/1000, "min-ms/step")
	trainer.ReportPeakRSS(b)
}
