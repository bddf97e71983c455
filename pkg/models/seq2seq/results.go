package seq2seq

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
	"gonum.org/v1/gonum/stat"

	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/metrics"
	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

// DecodingKind is a way of producing spellings from a trained model.
type DecodingKind string

const (
	Greedy  DecodingKind = "greedy"  // the likeliest character at each step
	Nucleus DecodingKind = "nucleus" // k samples from the top-p nucleus
	Beam    DecodingKind = "beam"    // beam search
)

// DecodingKinds are the three, in the order the lesson and the command report them.
var DecodingKinds = []DecodingKind{Greedy, Nucleus, Beam}

// Decoding is a way of producing spellings from a trained model, with its settings.
type Decoding struct {
	Kind DecodingKind
	TopP float64 // nucleus
	K    int     // nucleus: samples per word (WER@k); beam: width
	Seed uint64  // nucleus: run r samples with seed Seed+r
	// Runs (nucleus) is how many independent sampling runs are averaged: one run's WER moves by
	// about ±0.01 with the seed alone, which is a third of the report's tolerance.
	Runs int
}

// Decodings are the three ways the command and the lesson decode the test words: greedy, the
// nucleus sampling described by nucleus (its Kind is set here), and beam search of beamWidth.
func Decodings(nucleus Decoding, beamWidth int) []Decoding {
	nucleus.Kind = Nucleus
	return []Decoding{{Kind: Greedy}, nucleus, {Kind: Beam, K: beamWidth}}
}

// Result is one test evaluation, the JSON record of results/seq2seq/.
type Result struct {
	Model      Variant      `json:"model"`
	Decoding   DecodingKind `json:"decoding"`
	TestCER    float64      `json:"test_cer"`
	TestWER    float64      `json:"test_wer"`
	TestWERAtK *float64     `json:"test_wer_at_k,omitempty"`
	K          int          `json:"k,omitempty"`
	TopP       float64      `json:"top_p,omitempty"`
	// SamplingRuns (nucleus) are the runs whose CER, WER and WER@k the test_ fields average;
	// the examples are those of the first run.
	SamplingRuns []SamplingRun    `json:"sampling_runs,omitempty"`
	BeamWidth    int              `json:"beam_width,omitempty"`
	Seed         uint64           `json:"seed"`
	Epochs       int              `json:"epochs"`
	BestEpoch    int              `json:"best_epoch"`
	History      []Epoch          `json:"history"`
	Examples     []Example        `json:"examples"`
	Data         string           `json:"data"`
	DataKind     datasets.P2GKind `json:"data_kind"`
	Params       int              `json:"params"`
	Backend      string           `json:"backend"`
	Command      string           `json:"command"`
	// Seconds is the wall time of the training (all epochs, including resumed ones) plus this test.
	Seconds       float64 `json:"seconds"`
	DecodeSeconds float64 `json:"decode_seconds"`
}

// SamplingRun is one nucleus-sampling pass over the test words.
type SamplingRun struct {
	Seed   uint64  `json:"seed"`
	CER    float64 `json:"cer"`
	WER    float64 `json:"wer"`
	WERAtK float64 `json:"wer_at_k"`
}

// Example is one test word: gold, phones and what was produced (distinct samples for
// nucleus sampling).
type Example struct {
	Phones    string   `json:"phones"`
	Gold      string   `json:"gold"`
	Predicted []string `json:"predicted"`
}

// Evaluate decodes the test split with dec and scores it. For nucleus sampling CER and WER are
// those of each word's first sample and WER@k uses all k, averaged over how.Runs runs.
func Evaluate(dec *Decoder, data *datasets.P2GData, how Decoding, examples int) (*Result, error) {
	start := time.Now()
	gold := data.Test.Spellings()
	res := &Result{Model: dec.m.Config.Variant(), Decoding: how.Kind, Data: data.Source, DataKind: data.Kind,
		Params: dec.m.NumParams()}
	var samples [][]string
	switch how.Kind {
	case Greedy, Beam:
		var words []string
		var err error
		if how.Kind == Greedy {
			words, _, err = dec.Greedy(data, data.Test, false)
		} else {
			res.BeamWidth = how.K
			words, err = dec.Beam(data, data.Test, how.K)
		}
		if err != nil {
			return nil, err
		}
		samples = make([][]string, len(words))
		for i, w := range words {
			samples[i] = []string{w}
		}
		res.TestCER, res.TestWER = metrics.CER(words, gold), metrics.WER(words, gold)
	case Nucleus:
		var err error
		if samples, err = evaluateNucleus(dec, data, how, res); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown decoding %q: use greedy, nucleus or beam", how.Kind)
	}
	res.DecodeSeconds = time.Since(start).Seconds()
	for i := range min(examples, len(gold)) {
		ex := data.Test.Examples[i]
		res.Examples = append(res.Examples, Example{Phones: strings.Join(ex.Phones, " "), Gold: ex.Spelling,
			Predicted: distinct(samples[i])})
	}
	return res, nil
}

// evaluateNucleus samples the test words in max(how.Runs, 1) runs, records each in res and sets
// res's test scores to their means; it returns the first run's samples.
func evaluateNucleus(dec *Decoder, data *datasets.P2GData, how Decoding, res *Result) ([][]string, error) {
	gold := data.Test.Spellings()
	var first [][]string
	var atK float64
	for r := range max(how.Runs, 1) {
		samples, err := dec.Nucleus(data, data.Test, how.TopP, how.K, how.Seed+uint64(r))
		if err != nil {
			return nil, err
		}
		if r == 0 {
			first = samples
		}
		run := SamplingRun{Seed: how.Seed + uint64(r)}
		run.CER, run.WER, run.WERAtK = scoreSamples(samples, gold)
		res.SamplingRuns = append(res.SamplingRuns, run)
		res.TestCER += run.CER
		res.TestWER += run.WER
		atK += run.WERAtK
	}
	n := float64(len(res.SamplingRuns))
	res.TestCER, res.TestWER, atK = res.TestCER/n, res.TestWER/n, atK/n
	res.TestWERAtK, res.K, res.TopP = &atK, how.K, how.TopP
	return first, nil
}

// SamplingSpread is the standard deviation of CER, WER and WER@k over the sampling runs (zero
// for fewer than two runs).
func (r *Result) SamplingSpread() (cer, wer, werAtK float64) {
	pick := func(f func(SamplingRun) float64) []float64 {
		out := make([]float64, len(r.SamplingRuns))
		for i, run := range r.SamplingRuns {
			out[i] = f(run)
		}
		return out
	}
	if len(r.SamplingRuns) < 2 {
		return 0, 0, 0
	}
	return stat.StdDev(pick(func(s SamplingRun) float64 { return s.CER }), nil),
		stat.StdDev(pick(func(s SamplingRun) float64 { return s.WER }), nil),
		stat.StdDev(pick(func(s SamplingRun) float64 { return s.WERAtK }), nil)
}

func distinct(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// scoreSamples scores k samples per word: CER and WER of each word's first sample (what a
// sampling decoder answers) and WER@k of all of them.
func scoreSamples(samples [][]string, gold []string) (cer, wer, werAtK float64) {
	first := make([]string, len(samples))
	for i, s := range samples {
		first[i] = s[0]
	}
	return metrics.CER(first, gold), metrics.WER(first, gold), metrics.WERAtK(samples, gold)
}

// Model-file parameters: what Load needs to rebuild the model and check the data.
const (
	paramAttention = "/seq2seq_attention"
	paramHidden    = "/seq2seq_hidden"
	paramPhones    = "/seq2seq_phones"
	paramChars     = "/seq2seq_chars"
	paramRecord    = "/seq2seq_record" // training history and settings, JSON
)

// ExportBest writes the best validation weights (only the model's variables) to dir, with the
// vocabularies and the training record, for `dllessons seq2seq test` and the lesson.
func (t *Trainer) ExportBest(dir string, record string) error {
	store := model.NewStore()
	for i, v := range t.Model.Trainable {
		value, err := t.best[i].MustValue().LocalClone()
		if err != nil {
			return err
		}
		if _, err := store.CreateVariable(seq2seqScope+v.Name(), value); err != nil {
			return err
		}
	}
	store.SetParam(paramAttention, t.Options.Attention)
	store.SetParam(paramHidden, t.Options.Hidden)
	store.SetParam(paramPhones, strings.Join(t.Data.Phones.Tokens, " "))
	store.SetParam(paramChars, strings.Join(t.Data.Chars.Tokens, "\x1f"))
	store.SetParam(paramRecord, record)
	store.SetParam("/"+trainer.DataParam, t.Data.Fingerprint())
	// Written beside the previous export and then replacing it: a kill leaves one or the other.
	return trainer.SaveStore(store, dir, "seq2seq model")
}

// Load reads a model written by ExportBest; data must have the same vocabularies.
// It returns the model and the training record stored with it.
func Load(dir string, data *datasets.P2GData) (*Model, string, error) {
	if _, err := os.Stat(filepath.Join(dir)); err != nil {
		return nil, "", fmt.Errorf("seq2seq model: %w", err)
	}
	store := model.NewStore()
	ckpt, err := checkpoint.Build(store).Dir(dir).Done()
	if err != nil {
		return nil, "", fmt.Errorf("seq2seq model %q: %w", dir, err)
	}
	get := func(key string) (string, error) {
		v, ok := store.GetParam(key)
		if !ok {
			return "", fmt.Errorf("seq2seq model %q: no %s parameter: not a model written by `dllessons seq2seq train`", dir, key)
		}
		return fmt.Sprint(v), nil
	}
	attention, err := get(paramAttention)
	if err != nil {
		return nil, "", err
	}
	hidden, err := get(paramHidden)
	if err != nil {
		return nil, "", err
	}
	phones, _ := get(paramPhones)
	chars, _ := get(paramChars)
	if phones != strings.Join(data.Phones.Tokens, " ") || chars != strings.Join(data.Chars.Tokens, "\x1f") {
		return nil, "", fmt.Errorf("seq2seq model %q was trained on data with other vocabularies than %s", dir, data.Source)
	}
	var h int
	if _, err := fmt.Sscan(hidden, &h); err != nil {
		return nil, "", fmt.Errorf("seq2seq model %q: hidden size %q: %w", dir, hidden, err)
	}
	cfg := Config{Attention: attention == "true", Hidden: h, SrcVocab: data.Phones.Size(), TgtVocab: data.Chars.Size()}
	if err := checkHasParams(ckpt, cfg); err != nil {
		return nil, "", fmt.Errorf("seq2seq model %q: %w", dir, err)
	}
	m, err := New(store, cfg, 0)
	if err != nil {
		return nil, "", err
	}
	record, _ := get(paramRecord)
	return m, record, nil
}

// checkHasParams reports a parameter of cfg that the checkpoint lacks: the store would otherwise
// initialise it at random and decode garbage without a word.
func checkHasParams(ckpt *checkpoint.Handler, cfg Config) error {
	loaded := ckpt.LoadedVariables()
	has := func(path string) bool {
		for key := range loaded {
			if strings.HasSuffix(key, path) {
				return true
			}
		}
		return false
	}
	for _, p := range cfg.params() {
		if !has(seq2seqScope + p.name) {
			return fmt.Errorf("no variable %q: written by an older layout of the model; train it again", p.name)
		}
	}
	return nil
}

// ProgressReporter shows a seq2seq run's progress live (see lesson.ProgressReporter).
func ProgressReporter(label string) func(Progress) {
	return lesson.ProgressReporter(label)
}

// BackendName is for records.
func BackendName(b compute.Backend) string { return fmt.Sprint(b.Name()) }

// DefaultTopP is the nucleus mass used by the command and the lesson: it gives the lowest
// WER@3 on the course validation split for the attention model (dllessons seq2seq tune-p).
const DefaultTopP = 0.8

// TopPCandidates are the p values `dllessons seq2seq tune-p` tries on the validation split.
var TopPCandidates = []float64{0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95}

// NucleusPoint is nucleus sampling scored on a split at one p: CER and WER of the first sample,
// WER@k of all k.
type NucleusPoint struct {
	TopP    float64 `json:"top_p"`
	CER     float64 `json:"cer"`
	WER     float64 `json:"wer"`
	WERAtK  float64 `json:"wer_at_k"`
	K       int     `json:"k"`
	Seed    uint64  `json:"seed"`
	Split   string  `json:"split"`
	Samples int     `json:"words"`
}

// NucleusSweep scores nucleus sampling at each p on split (the validation split, to choose p
// without looking at the test words) and returns the points and the p with the lowest WER@k.
func NucleusSweep(dec *Decoder, data *datasets.P2GData, split *datasets.P2GSplit, name string, ps []float64, k int, seed uint64) ([]NucleusPoint, float64, error) {
	if len(ps) == 0 {
		return nil, 0, fmt.Errorf("nucleus sweep: no p values")
	}
	gold := split.Spellings()
	var points []NucleusPoint
	best := 0
	for i, p := range ps {
		samples, err := dec.Nucleus(data, split, p, k, seed)
		if err != nil {
			return nil, 0, err
		}
		point := NucleusPoint{TopP: p, K: k, Seed: seed, Split: name, Samples: len(gold)}
		point.CER, point.WER, point.WERAtK = scoreSamples(samples, gold)
		points = append(points, point)
		if points[i].WERAtK < points[best].WERAtK {
			best = i
		}
	}
	return points, ps[best], nil
}

// NucleusSweepRecord is a validation sweep of p, as `dllessons seq2seq tune-p` and the lesson
// write it.
type NucleusSweepRecord struct {
	Model    string         `json:"model"`
	BestTopP float64        `json:"best_top_p"`
	Points   []NucleusPoint `json:"points"`
}

// Table shows the sweep, one row per p, the best one marked.
func (r NucleusSweepRecord) Table(title string) *lesson.Table {
	t := &lesson.Table{Title: title, Headers: []string{"p", "CER", "WER", "WER@k", ""}}
	for _, p := range r.Points {
		mark := ""
		if p.TopP == r.BestTopP {
			mark = "lowest WER@k"
		}
		t.AddRow(p.TopP, p.CER, p.WER, p.WERAtK, mark)
	}
	return t
}
