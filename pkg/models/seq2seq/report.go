package seq2seq

import (
	"fmt"
	"strings"

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
