package seq2seq

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute"

	"gonum.org/v1/plot"

	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/plots"
)

// Curves plots validation CER and WER per epoch of each variant's history, in the order given.
func Curves(histories map[Variant][]Epoch, variants ...Variant) (*plot.Plot, error) {
	var series []plots.Series
	for _, v := range variants {
		var cer, wer plots.Series
		cer.Name, wer.Name = string(v)+" CER", string(v)+" WER"
		for _, e := range histories[v] {
			cer.X, cer.Y = append(cer.X, float64(e.Epoch)), append(cer.Y, e.ValCER)
			wer.X, wer.Y = append(wer.X, float64(e.Epoch)), append(wer.Y, e.ValWER)
		}
		series = append(series, cer, wer)
	}
	return plots.Lines("Validation error per epoch (greedy decoding)", "epoch", "error rate", series...)
}

// AttentionMaps decodes the given test words greedily with the attention model and returns
// their attention weights for plotting; words beyond a small test split are left out.
func AttentionMaps(dec *Decoder, data *datasets.P2GData, words []int) ([]plots.AttentionMap, error) {
	if !dec.m.Config.Attention {
		return nil, fmt.Errorf("attention maps need the attention model")
	}
	sub := &datasets.P2GSplit{Name: "test", Path: data.Test.Path}
	for _, i := range words {
		if i >= 0 && i < data.Test.Len() { // a small test split has fewer words to show
			sub.Examples = append(sub.Examples, data.Test.Examples[i])
		}
	}
	if sub.Len() == 0 {
		return nil, fmt.Errorf("attention maps: the test split (%d words) has none of the words %v", data.Test.Len(), words)
	}
	spellings, weights, err := dec.Greedy(data, sub, true)
	if err != nil {
		return nil, err
	}
	maps := make([]plots.AttentionMap, sub.Len())
	for i, ex := range sub.Examples {
		out := []string{}
		for _, r := range spellings[i] {
			out = append(out, string(r))
		}
		out = append(out, "</s>")
		maps[i] = plots.AttentionMap{Title: fmt.Sprintf("%s → %s", ex.Spelling, spellings[i]), Phones: ex.Phones,
			Output: out, Weights: weights[i]}
	}
	return maps, nil
}

// LessonModel is a model ready for the lesson: loaded from the command's exported best
// checkpoint, or trained on the lesson's budget when there is none.
type LessonModel struct {
	Name      string
	Model     *Model
	Decoder   *Decoder
	History   []Epoch
	BestEpoch int
	Origin    string // where the weights come from, for the reader
}

// ResultsDir is the command's default output folder, under the module root.
func ResultsDir() string {
	return filepath.Join(datasets.ModuleRoot(), "results", "seq2seq")
}

// NewLessonModel loads the variant the command trained on this data (results/seq2seq/models/…)
// if it exists and useCheckpoint is set; otherwise it trains epochs epochs (maxSteps per epoch if
// > 0) of the course's schedule here, with live progress. onEpoch, if given, gets every epoch:
// as it finishes, or all of the loaded checkpoint's history at once.
func NewLessonModel(b compute.Backend, data *datasets.P2GData, variant Variant, useCheckpoint bool, epochs, maxSteps int, onEpoch ...func(Epoch)) (*LessonModel, error) {
	attention := variant == Attention
	name := string(variant)
	dir := filepath.Join(ResultsDir(), "models", data.Kind+"-"+name)
	if _, err := os.Stat(dir); err == nil && useCheckpoint {
		m, recordJSON, err := Load(dir, data)
		if err != nil {
			return nil, err
		}
		var rec struct {
			History   []Epoch `json:"history"`
			BestEpoch int     `json:"best_epoch"`
			Command   string  `json:"command"`
		}
		if err := json.Unmarshal([]byte(recordJSON), &rec); err != nil {
			return nil, fmt.Errorf("%s: training record: %w", dir, err)
		}
		dec, err := m.NewDecoder(b)
		if err != nil {
			return nil, err
		}
		if f := eachEpoch(onEpoch); f != nil {
			for _, e := range rec.History {
				f(e)
			}
		}
		return &LessonModel{Name: name, Model: m, Decoder: dec, History: rec.History, BestEpoch: rec.BestEpoch,
			Origin: fmt.Sprintf("best checkpoint (epoch %d of %d) of `%s`, loaded from results/seq2seq/models/%s",
				rec.BestEpoch, len(rec.History), rec.Command, filepath.Base(dir))}, nil
	}
	opts := DefaultOptions(attention)
	opts.Epochs, opts.MaxSteps = epochs, maxSteps
	opts.OnStep, opts.OnEpoch = ProgressReporter(name), eachEpoch(onEpoch)
	t, err := NewTrainer(b, data, opts)
	if err != nil {
		return nil, err
	}
	if err := t.Train(); err != nil {
		return nil, err
	}
	if err := t.UseBest(); err != nil {
		return nil, err
	}
	origin := fmt.Sprintf("trained here: %d epochs of the course's schedule", epochs)
	if maxSteps > 0 {
		origin = fmt.Sprintf("trained here: %d epochs of at most %d steps (quick budget)", epochs, maxSteps)
	}
	return &LessonModel{Name: name, Model: t.Model, Decoder: t.Decoder, History: t.History, BestEpoch: t.BestEpoch, Origin: origin}, nil
}

// ReportValue is a number of the homework report (Question 3) for one model and decoding.
type ReportValue struct{ CER, WER, WERAt3 float64 }

// ReportQ3 holds the report's test results: vanilla and attention with greedy decoding, and the
// attention model with nucleus sampling (3 samples).
var ReportQ3 = map[string]ReportValue{
	"vanilla/greedy":    {CER: 0.3087, WER: 0.81},
	"attention/greedy":  {CER: 0.2132, WER: 0.719},
	"attention/nucleus": {CER: 0.2265, WER: 0.74, WERAt3: 0.651},
}

// ComparisonTable puts test results beside the report's values with the differences.
func ComparisonTable(title string, results ...*Result) *lesson.Table {
	t := &lesson.Table{Title: title, Headers: []string{"model", "decoding", "CER", "report", "Δ", "WER", "report", "Δ", "WER@k", "report", "Δ"}}
	for _, r := range results {
		ref, ok := ReportQ3[string(r.Model)+"/"+string(r.Decoding)]
		cerSD, werSD, atKSD := r.SamplingSpread()
		row := []any{r.Model, decodingLabel(r), scoreCell(r.TestCER, cerSD)}
		row = append(row, refCells(r.TestCER, ref.CER, ok)...)
		row = append(row, scoreCell(r.TestWER, werSD))
		row = append(row, refCells(r.TestWER, ref.WER, ok)...)
		if r.TestWERAtK != nil {
			row = append(row, scoreCell(*r.TestWERAtK, atKSD))
			row = append(row, refCells(*r.TestWERAtK, ref.WERAt3, ok && ref.WERAt3 > 0)...)
		} else {
			row = append(row, "", "", "")
		}
		t.AddRow(row...)
	}
	return t
}

// scoreCell is a score, with the standard deviation over sampling runs when there is one.
func scoreCell(v, sd float64) string {
	if sd > 0 {
		return fmt.Sprintf("%.4f ± %.4f", v, sd)
	}
	return fmt.Sprintf("%.4f", v)
}

func refCells(got, ref float64, ok bool) []any {
	if !ok {
		return []any{"", ""}
	}
	return []any{fmt.Sprintf("%.4f", ref), fmt.Sprintf("%+.4f", got-ref)}
}

func decodingLabel(r *Result) string {
	switch r.Decoding {
	case Nucleus:
		if n := len(r.SamplingRuns); n > 1 {
			return fmt.Sprintf("nucleus p=%g, k=%d, mean of %d runs", r.TopP, r.K, n)
		}
		return fmt.Sprintf("nucleus p=%g, k=%d", r.TopP, r.K)
	case Beam:
		return fmt.Sprintf("beam width %d", r.BeamWidth)
	}
	return string(r.Decoding)
}

// ExamplesTable lists gold spellings and the distinct predictions of a result.
func ExamplesTable(title string, r *Result, n int) *lesson.Table {
	t := &lesson.Table{Title: title, Headers: []string{"phones", "gold", "predictions (distinct)"}}
	for _, ex := range r.Examples[:min(n, len(r.Examples))] {
		t.AddRow(ex.Phones, ex.Gold, strings.Join(ex.Predicted, ", "))
	}
	return t
}

// DecodingsTable compares decodings of one model: error rates and decoding time.
func DecodingsTable(title string, results ...*Result) *lesson.Table {
	t := &lesson.Table{Title: title, Headers: []string{"model", "decoding", "CER", "WER", "WER@k", "seconds"}}
	for _, r := range results {
		cerSD, werSD, atKSD := r.SamplingSpread()
		atK := ""
		if r.TestWERAtK != nil {
			atK = scoreCell(*r.TestWERAtK, atKSD)
		}
		t.AddRow(r.Model, decodingLabel(r), scoreCell(r.TestCER, cerSD), scoreCell(r.TestWER, werSD), atK,
			fmt.Sprintf("%.2f", r.DecodeSeconds))
	}
	return t
}

// CommandResults reads the command's JSON results for data (results/seq2seq/<kind>-*.json),
// in the order vanilla, attention and greedy, nucleus, beam; missing files are skipped.
func CommandResults(data *datasets.P2GData) ([]*Result, error) {
	var out []*Result
	for _, m := range Variants {
		for _, d := range DecodingKinds {
			path := filepath.Join(ResultsDir(), data.Kind+"-"+string(m)+"-"+string(d)+".json")
			if _, err := os.Stat(path); err != nil {
				continue
			}
			r := &Result{}
			if err := lesson.ReadJSON(path, r); err != nil {
				return nil, err
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// LessonBudget is what the lesson trains when no checkpoint of the command is found.
type LessonBudget struct {
	Epochs, MaxSteps int
	UseCheckpoint    bool // load results/seq2seq/models/… when present
	TopP             float64
	K, BeamWidth     int
	SamplingRuns     int // nucleus sampling runs averaged
	Seed             uint64
	// TopPs are the p values of the attention model's nucleus sweep on the validation split.
	TopPs []float64
}

// RunLesson gets both models (loaded or trained), evaluates every decoding on the test
// split and writes the results (JSON per model and decoding, attention heat-maps) into run,
// where the lesson's later cells read them. It returns the models' origins.
func RunLesson(b compute.Backend, data *datasets.P2GData, budget LessonBudget, run LessonRecords) ([]string, error) {
	if err := os.MkdirAll(run.Dir, 0o755); err != nil {
		return nil, err
	}
	var origins []string
	curves := newLiveCurves()
	for _, variant := range Variants {
		attention := variant == Attention
		lm, err := NewLessonModel(b, data, variant, budget.UseCheckpoint, budget.Epochs, budget.MaxSteps, liveEpochs(curves, variant))
		if err != nil {
			return nil, err
		}
		origins = append(origins, lm.Name+": "+lm.Origin)
		for _, how := range Decodings(Decoding{TopP: budget.TopP, K: budget.K, Seed: budget.Seed, Runs: budget.SamplingRuns}, budget.BeamWidth) {
			res, err := Evaluate(lm.Decoder, data, how, 12)
			if err != nil {
				return nil, err
			}
			res.History, res.BestEpoch, res.Seed, res.Epochs = lm.History, lm.BestEpoch, budget.Seed, len(lm.History)
			res.Command = "notebooks/04_seq2seq_p2g.ipynb: " + lm.Origin
			if err := lesson.WriteJSON(run.resultPath(variant, how.Kind), res); err != nil {
				return nil, err
			}
		}
		if attention && len(budget.TopPs) > 0 {
			points, best, err := NucleusSweep(lm.Decoder, data, data.Valid, "valid", budget.TopPs, budget.K, budget.Seed)
			if err != nil {
				return nil, err
			}
			sweep := NucleusSweepRecord{Model: lm.Name, BestTopP: best, Points: points}
			if err := lesson.WriteJSON(run.nucleusSweepPath(), sweep); err != nil {
				return nil, err
			}
		}
		if attention {
			maps, err := AttentionMaps(lm.Decoder, data, []int{0, 1, 2, 4})
			if err != nil {
				return nil, err
			}
			fig, err := plots.AttentionFigure(heatmapsName, maps...)
			if err != nil {
				return nil, err
			}
			if err := fig.SaveBoth(run.heatmapsBase()); err != nil {
				return nil, err
			}
		}
	}
	return origins, nil
}

// heatmapsName is the alt text of the lesson's attention heat-maps.
const heatmapsName = "attention heat-maps of test words"

// LessonRecords is the folder of one lesson run: RunLesson writes it and the lesson's later cells
// read it through these methods. Every file name of the folder is here and nowhere else.
type LessonRecords struct{ Dir string }

func (r LessonRecords) resultPath(v Variant, d DecodingKind) string {
	return filepath.Join(r.Dir, string(v)+"-"+string(d)+".json")
}
func (r LessonRecords) nucleusSweepPath() string {
	return filepath.Join(r.Dir, "attention-nucleus-validation.json")
}
func (r LessonRecords) heatmapsBase() string { return filepath.Join(r.Dir, "heatmaps") } // .svg and .png

// Result reads the test evaluation of one model and decoding.
func (r LessonRecords) Result(v Variant, d DecodingKind) (*Result, error) {
	res := &Result{}
	return res, lesson.ReadJSON(r.resultPath(v, d), res)
}

// NucleusSweep reads the attention model's validation sweep of p.
func (r LessonRecords) NucleusSweep() (NucleusSweepRecord, error) {
	var s NucleusSweepRecord
	return s, lesson.ReadJSON(r.nucleusSweepPath(), &s)
}

// Heatmaps reads the attention heat-maps of test words.
func (r LessonRecords) Heatmaps() (*plots.Figure, error) {
	return plots.LoadFigure(heatmapsName, r.heatmapsBase())
}

// TrainingTimes says, for each greedy record of the command's runs, how many epochs it trained,
// for how long, on which backend.
func TrainingTimes(records []*Result) []string {
	var lines []string
	for _, r := range records {
		if r.Decoding != Greedy {
			continue
		}
		train := r.Seconds - r.DecodeSeconds
		lines = append(lines, fmt.Sprintf("%s: %d epochs, %.0f s of training on %s (%.1f s per epoch)",
			r.Model, r.Epochs, train, r.Backend, train/float64(max(r.Epochs, 1))))
	}
	return lines
}
