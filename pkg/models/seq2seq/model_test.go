package seq2seq

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/metrics"
	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

func TestNucleusSetIsTheSmallestTopSetReachingP(t *testing.T) {
	probs := []float64{0.05, 0.4, 0.3, 0.15, 0.1}
	logProbs := make([]float32, len(probs))
	for i, p := range probs {
		logProbs[i] = float32(math.Log(p))
	}
	cases := []struct {
		p    float64
		want []int
	}{{0.3, []int{1}}, {0.5, []int{1, 2}}, {0.7, []int{1, 2}}, {0.8, []int{1, 2, 3}}, {1, []int{1, 2, 3, 4, 0}}}
	for _, c := range cases {
		ids, renorm := NucleusSet(logProbs, c.p)
		if !reflect.DeepEqual(ids, c.want) {
			t.Errorf("p=%g: nucleus %v, want %v", c.p, ids, c.want)
		}
		sum := 0.0
		for _, r := range renorm {
			sum += r
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("p=%g: renormalised probabilities sum to %g", c.p, sum)
		}
	}
}

// TestNucleusSampleFrequencies draws many tokens with a fixed seed: tokens outside the nucleus
// never appear and the others appear with their renormalised probabilities.
func TestNucleusSampleFrequencies(t *testing.T) {
	probs := []float64{0.02, 0.35, 0.25, 0.2, 0.1, 0.08}
	logProbs := make([]float32, len(probs))
	for i, p := range probs {
		logProbs[i] = float32(math.Log(p))
	}
	const topP, draws = 0.75, 200000
	nucleus := map[int]float64{1: 0.35 / 0.8, 2: 0.25 / 0.8, 3: 0.2 / 0.8} // 0.35+0.25+0.2 = 0.8 ≥ 0.75
	rng := rand.New(rand.NewPCG(42, 1))
	counts := make([]int, len(probs))
	for range draws {
		counts[NucleusSample(logProbs, topP, rng.Float64())]++
	}
	for id, n := range counts {
		want, inside := nucleus[id]
		if !inside {
			if n != 0 {
				t.Errorf("token %d is outside the nucleus but was drawn %d times", id, n)
			}
			continue
		}
		got := float64(n) / draws
		sigma := math.Sqrt(want * (1 - want) / draws)
		if math.Abs(got-want) > 5*sigma {
			t.Errorf("token %d: frequency %.4f, want %.4f ± %.4f", id, got, want, 5*sigma)
		}
	}
}

// tinyP2G is a data set of a few words, the same in all three splits.
func tinyP2G(t *testing.T) *datasets.P2GData {
	t.Helper()
	lines := "k æ t\tcat\nd ɔ ɡ\tdog\nf ɪ ʃ\tfish\nb ɝ d\tbird\nk ɹ uː d ɪ t e ɪ\tcrudités\nǃ x o\tǃxó\n"
	dir := t.TempDir()
	for _, f := range datasets.P2GSplitFiles {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(lines), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := datasets.LoadP2G(dir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func tinyOptions(attention bool) Options {
	opts := DefaultOptions(attention)
	opts.Hidden, opts.BatchSize, opts.Dropout, opts.LearningRate, opts.Epochs = 32, 8, 0, 0.01, 0
	return opts
}

// TestSeq2SeqMemorisesATinySet trains both models on six words (with an accented letter and a
// click) until greedy decoding reproduces them exactly.
func TestSeq2SeqMemorisesATinySet(t *testing.T) {
	data := tinyP2G(t)
	for _, attention := range []bool{false, true} {
		tr, err := NewTrainer(backend.MustDefault(), data, tinyOptions(attention))
		if err != nil {
			t.Fatal(err)
		}
		b := data.Batch(data.Train, datasets.Range(data.Train.Len()), 8, 0, 0)
		var words []string
		for step := 1; step <= 300; step++ {
			if _, err := tr.Step(b); err != nil {
				t.Fatal(err)
			}
			if step%50 == 0 {
				if words, _, err = tr.Decoder.Greedy(data, data.Train, false); err != nil {
					t.Fatal(err)
				}
				if metrics.CER(words, data.Train.Spellings()) == 0 {
					break
				}
			}
		}
		if cer := metrics.CER(words, data.Train.Spellings()); cer != 0 {
			t.Errorf("%s: CER %.3f after training on 6 words: %q", tr.Model.Config.Name(), cer, words)
		}
		// Beam search of width 1 is greedy decoding.
		beam1, err := tr.Decoder.Beam(data, data.Train, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(beam1, words) {
			t.Errorf("%s: beam width 1 gave %q, greedy %q", tr.Model.Config.Name(), beam1, words)
		}
		// A wide beam finds the memorised words too, and near-greedy nucleus samples as well.
		beam3, err := tr.Decoder.Beam(data, data.Train, 3)
		if err != nil {
			t.Fatal(err)
		}
		samples, err := tr.Decoder.Nucleus(data, data.Train, 0.5, 3, 1)
		if err != nil {
			t.Fatal(err)
		}
		if metrics.WER(beam3, data.Train.Spellings()) != 0 || metrics.WERAtK(samples, data.Train.Spellings()) != 0 {
			t.Errorf("%s: beam %q, nucleus samples %q", tr.Model.Config.Name(), beam3, samples)
		}
	}
}

// TestSeq2SeqResumeMatchesUninterruptedRun trains three epochs in one go, and the same run
// stopped after one epoch (and again after two) and resumed in a new trainer each time, as a new
// process would: every epoch's metrics and the final weights, Adam moments and RNG state must be
// identical. Three epochs matter: the graphs compiled in the resumed process's first epoch are
// reused in its second, which is where a stale RNG state would show.
func TestSeq2SeqResumeMatchesUninterruptedRun(t *testing.T) {
	data := tinyP2G(t)
	for _, attention := range []bool{false, true} {
		opts := tinyOptions(attention)
		opts.Dropout, opts.BatchSize, opts.MaxSteps = 0.3, 2, 0 // dropout: the RNG state must resume too; 3 steps an epoch reuse a graph
		whole := trainSeq2SeqEpochs(t, data, opts, t.TempDir(), 3)
		dir := t.TempDir()
		trainSeq2SeqEpochs(t, data, opts, dir, 1)
		trainSeq2SeqEpochs(t, data, opts, dir, 2)
		resumed := trainSeq2SeqEpochs(t, data, opts, dir, 3)
		compareSeq2SeqRuns(t, whole, resumed)
	}
}

// trainSeq2SeqEpochs trains (or resumes from dir) up to epochs epochs in a new trainer.
func trainSeq2SeqEpochs(t *testing.T, data *datasets.P2GData, opts Options, dir string, epochs int) *Trainer {
	t.Helper()
	opts.CheckpointDir, opts.Epochs = dir, epochs
	tr, err := NewTrainer(backend.MustDefault(), data, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(); err != nil {
		t.Fatal(err)
	}
	return tr
}

// compareSeq2SeqRuns fails unless both runs have the same epoch metrics (timings aside) and
// the same values in every variable of the store (weights, best weights, Adam state, RNG).
func compareSeq2SeqRuns(t *testing.T, want, got *Trainer) {
	t.Helper()
	name := want.Model.Config.Name()
	if len(want.History) != len(got.History) {
		t.Fatalf("%s: %d epochs resumed, %d uninterrupted", name, len(got.History), len(want.History))
	}
	for i, w := range want.History {
		g := got.History[i]
		w.Seconds, g.Seconds = 0, 0
		if w != g {
			t.Errorf("%s epoch %d: resumed %+v, uninterrupted %+v", name, i+1, g, w)
		}
	}
	if want.BestEpoch != got.BestEpoch {
		t.Errorf("%s: best epoch %d resumed, %d uninterrupted", name, got.BestEpoch, want.BestEpoch)
	}
	for v := range want.Model.Store.IterVariables() {
		other := got.Model.Store.GetVariable(v.Path())
		if other == nil || !trainer.EqualTensors(lesson.Must(v.Value()), lesson.Must(other.Value())) {
			t.Errorf("%s: variable %s differs after resuming", name, v.Path())
		}
	}
}

func TestLoadSeq2SeqRefusesOtherVocabularies(t *testing.T) {
	data := tinyP2G(t)
	tr, err := NewTrainer(backend.MustDefault(), data, tinyOptions(false))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "model")
	if err := tr.ExportBest(dir, "{}"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(dir, data); err != nil {
		t.Fatalf("loading the exported model: %v", err)
	}
	// A model lacking a parameter (an older layout) is refused, not completed at random.
	tr.Model.Trainable, tr.best = tr.Model.Trainable[1:], tr.best[1:]
	if err := tr.ExportBest(dir, "{}"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(dir, data); err == nil || !strings.Contains(err.Error(), "no variable") {
		t.Errorf("loading a model without %s: error %v", tr.Model.Config.params()[0].name, err)
	}
	other, err := datasets.BuiltinP2G()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(dir, other); err == nil || !strings.Contains(err.Error(), "other vocabularies") {
		t.Errorf("loading with other data: error %v", err)
	}
}

// TestSeq2SeqHasPyTorchsParameters: the course model's nn.Embedding, nn.LSTM (with both b_ih
// and b_hh) and nn.Linear layers, counted by hand, and embeddings whose PAD row starts at zero.
func TestSeq2SeqHasPyTorchsParameters(t *testing.T) {
	const h, src, tgt = 128, 40, 60
	lstm := func(in, n, directions int) int { return directions * (4*n*in + 4*n*n + 2*4*n) }
	want := src*h + tgt*h + lstm(h, h/2, 2) + lstm(h, h, 1) + tgt // embeddings, LSTMs, generator bias
	want += h*h + h*h + h + (2*h*h + h)                           // W_h, W_s, v, W_out with bias
	m, err := New(model.NewStore(), Config{Attention: true, Hidden: h, SrcVocab: src, TgtVocab: tgt}, 42)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.NumParams(); got != want {
		t.Errorf("%d parameters, PyTorch's model has %d", got, want)
	}
	for _, v := range m.Trainable {
		if !strings.HasSuffix(v.Name(), "_emb") {
			continue
		}
		flat, _ := tensors.CopyFlatData[float32](v.MustValue())
		if slices.ContainsFunc(flat[:h], func(x float32) bool { return x != 0 }) || flat[h] == 0 {
			t.Errorf("%s: PAD row %v…, next row starts %g", v.Name(), flat[:3], flat[h])
		}
	}
}

// TestSeq2SeqDivergenceIsReportedClearly trains with an absurd learning rate: the loss becomes
// NaN, infinite or huge, and TrainEpoch says so instead of training on.
func TestSeq2SeqDivergenceIsReportedClearly(t *testing.T) {
	data := tinyP2G(t)
	opts := tinyOptions(false)
	opts.LearningRate, opts.Epochs, opts.BatchSize = 1e30, 20, 2
	tr, err := NewTrainer(backend.MustDefault(), data, opts)
	if err != nil {
		t.Fatal(err)
	}
	err = tr.Train()
	if !errors.Is(err, trainer.ErrDiverged) || !strings.Contains(err.Error(), "loss is") {
		t.Fatalf("want a divergence error naming the loss, got %v", err)
	}
	t.Log(err)
}

// TestNucleusSweepPicksLowestWERAtK: p = 0.01 keeps only the most likely character (it always
// has more than 1% of the mass here), so it scores exactly as greedy decoding, for every sample;
// and the sweep's best p has the lowest WER@k.
func TestNucleusSweepPicksLowestWERAtK(t *testing.T) {
	data := tinyP2G(t)
	tr, err := NewTrainer(backend.MustDefault(), data, tinyOptions(true))
	if err != nil {
		t.Fatal(err)
	}
	b := data.Batch(data.Train, datasets.Range(data.Train.Len()), 8, 0, 0)
	for range 40 { // partly trained: sampling at p = 1 still errs
		if _, err := tr.Step(b); err != nil {
			t.Fatal(err)
		}
	}
	points, best, err := NucleusSweep(tr.Decoder, data, data.Valid, "valid", []float64{1, 0.01}, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	greedy, _, err := tr.Decoder.Greedy(data, data.Valid, false)
	if err != nil {
		t.Fatal(err)
	}
	gold := data.Valid.Spellings()
	if p := points[1]; p.CER != metrics.CER(greedy, gold) || p.WER != metrics.WER(greedy, gold) || p.WERAtK != p.WER {
		t.Errorf("p = 0.01 should score as greedy (CER %g, WER %g): %+v", metrics.CER(greedy, gold), metrics.WER(greedy, gold), p)
	}
	for _, p := range points {
		if bestAtK := points[slices.IndexFunc(points, func(q NucleusPoint) bool { return q.TopP == best })].WERAtK; p.WERAtK < bestAtK {
			t.Errorf("best p %g has WER@k %g, but p %g has %g", best, bestAtK, p.TopP, p.WERAtK)
		}
	}
	if _, _, err := NucleusSweep(tr.Decoder, data, data.Valid, "valid", nil, 2, 1); err == nil {
		t.Error("an empty sweep was accepted")
	}
}
