package seq2seq

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/gomlx/compute"

	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
	"github.com/dllessons/dllessons/pkg/models/torchpeer"
	"github.com/dllessons/dllessons/pkg/perf"
)

// BenchLen is the source and target length of the timed batches: the PyTorch peer's
// default (--src-len 16 --tgt-len 16).
const BenchLen = 16

// TimeStep times the train step of the model at a batch size on real words padded to
// 16 phones and 16 characters: warmup steps (compilation) then the median of steps steps.
func TimeStep(backend compute.Backend, data *datasets.P2GData, attention bool, batch, warmup, steps int) (trainer.StepTiming, error) {
	opts := DefaultOptions(attention)
	opts.BatchSize = batch
	t, err := NewTrainer(backend, data, opts)
	if err != nil {
		return trainer.StepTiming{}, err
	}
	var short []int // words that fit the timed lengths
	for i, ex := range data.Train.Examples {
		if len(ex.Phones) <= BenchLen && len([]rune(ex.Spelling)) < BenchLen && len(short) < batch {
			short = append(short, i)
		}
	}
	b := data.Batch(data.Train, short, batch, BenchLen, BenchLen)
	times := make([]time.Duration, 0, steps)
	for i := range warmup + steps {
		start := time.Now()
		if _, err := t.Step(b); err != nil {
			return trainer.StepTiming{}, err
		}
		if i >= warmup {
			times = append(times, time.Since(start))
		}
	}
	slices.Sort(times)
	return trainer.StepTiming{Median: times[len(times)/2], Min: times[0]}, nil
}

// TimeGreedyDecoding returns the words per second of greedy decoding of the test split by the
// trainer's model (after one untimed pass that compiles the graphs) and the seconds it took.
func TimeGreedyDecoding(t *Trainer) (wordsPerSecond, seconds float64, err error) {
	if _, _, err := t.Decoder.Greedy(t.Data, t.Data.Test, false); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if _, _, err := t.Decoder.Greedy(t.Data, t.Data.Test, false); err != nil {
		return 0, 0, err
	}
	seconds = time.Since(start).Seconds()
	return float64(t.Data.Test.Len()) / seconds, seconds, nil
}

// TimeTorchStep runs the PyTorch peer's course seq2seq (task s2s or s2s-attn) at batch with
// each thread count and returns the fastest median.
func TimeTorchStep(attention bool, batch, steps int, threads ...int) (trainer.StepTiming, error) {
	task := "s2s"
	if attention {
		task = "s2s-attn"
	}
	return trainer.FastestTorchPeer(threads, "--task", task, "--batch", strconv.Itoa(batch), "--steps", strconv.Itoa(steps),
		"--src-len", strconv.Itoa(BenchLen), "--tgt-len", strconv.Itoa(BenchLen))
}

// Bench is one benchmark run: GoMLX against the PyTorch peer in the same process tree.
type Bench struct {
	Batch                int
	GoMLX, Torch         trainer.StepTiming
	Ratio                float64 // GoMLX median / PyTorch median
	MinRatio             float64 // GoMLX fastest step / PyTorch fastest step (less sensitive to a busy machine)
	GreedyWordsPerSecond float64
	GreedySeconds        float64
	TestWords            int
	// FLOPs of one timed train step (TrainStepFLOPs) and the machine's measured fp32 peak, for
	// both sides' arithmetic rate.
	FLOPs float64
	Peak  perf.Peak
}

func (r Bench) String() string {
	goRate, torchRate := r.FLOPs/r.GoMLX.Median.Seconds()/1e9, r.FLOPs/r.Torch.Median.Seconds()/1e9
	return fmt.Sprintf("attention train step, batch %d, %d+%d steps: GoMLX %.1f ms, PyTorch %.1f ms (%s) → ratio %.2f× (target ≤ 1.5×); "+
		"fastest steps %.1f vs %.1f ms → %.2f×\n"+
		"arithmetic: %.2f GFLOP per step; GoMLX %.1f GFLOP/s = %.1f%% of peak, PyTorch %.1f GFLOP/s = %.1f%% of peak (machine peak %s)\n"+
		"greedy decoding of the %d test words: %.2f s, %.0f words/s (target < 2 s)",
		r.Batch, BenchLen, BenchLen, millis(r.GoMLX.Median), millis(r.Torch.Median), r.Torch.Peer(), r.Ratio,
		millis(r.GoMLX.Min), millis(r.Torch.Min), r.MinRatio,
		r.FLOPs/1e9, goRate, 100*r.Peak.Share(goRate), torchRate, 100*r.Peak.Share(torchRate), r.Peak,
		r.TestWords, r.GreedySeconds, r.GreedyWordsPerSecond)
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// RunBench times the attention model's train step against PyTorch (1 and 2 threads, the
// faster count) in two interleaved rounds, keeping each side's better median so that a burst of
// load from other programs hurts neither side alone; then greedy decoding of the test split by a
// briefly trained model (so words end as they would with a trained one rather than running to
// max_len).
func RunBench(backend compute.Backend, data *datasets.P2GData, batch int) (Bench, error) {
	r := Bench{Batch: batch, TestWords: data.Test.Len()}
	if _, err := torchpeer.Check(); err != nil { // before any GoMLX work
		return r, err
	}
	r.Peak = perf.MeasurePeak(20)
	var err error
	r.Torch, r.GoMLX, err = trainer.BestOfRounds(2,
		func() (trainer.StepTiming, error) { return TimeTorchStep(true, batch, 20, 1, 2) },
		func() (trainer.StepTiming, error) { return TimeStep(backend, data, true, batch, 3, 20) })
	if err != nil {
		return r, err
	}
	r.Ratio = float64(r.GoMLX.Median) / float64(r.Torch.Median)
	r.MinRatio = float64(r.GoMLX.Min) / float64(r.Torch.Min)
	opts := DefaultOptions(true)
	opts.Epochs, opts.MaxSteps = 1, 60
	t, err := NewTrainer(backend, data, opts)
	if err != nil {
		return r, err
	}
	r.FLOPs = TrainStepFLOPs(t.Model.Config, batch, BenchLen, BenchLen)
	if err := t.Train(); err != nil {
		return r, err
	}
	r.GreedyWordsPerSecond, r.GreedySeconds, err = TimeGreedyDecoding(t)
	return r, err
}
