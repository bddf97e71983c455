package models

import (
	"fmt"

	"gonum.org/v1/plot"

	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/plots"
)

// Seq2SeqCurves plots validation CER and WER per epoch of each named history.
func Seq2SeqCurves(histories map[string][]Seq2SeqEpoch, names ...string) (*plot.Plot, error) {
	var series []plots.Series
	for _, name := range names {
		var cer, wer plots.Series
		cer.Name, wer.Name = name+" CER", name+" WER"
		for _, e := range histories[name] {
			cer.X, cer.Y = append(cer.X, float64(e.Epoch)), append(cer.Y, e.ValCER)
			wer.X, wer.Y = append(wer.X, float64(e.Epoch)), append(wer.Y, e.ValWER)
		}
		series = append(series, cer, wer)
	}
	return plots.Lines("Validation error per epoch (greedy decoding)", "epoch", "error rate", series...)
}

// AttentionMaps decodes the given test words greedily with the attention model and returns
// their attention weights for plotting.
func AttentionMaps(dec *Decoder, data *datasets.P2GData, words []int) ([]plots.AttentionMap, error) {
	if !dec.m.Config.Attention {
		return nil, fmt.Errorf("attention maps need the attention model")
	}
	sub := &datasets.P2GSplit{Name: "test", Path: data.Test.Path}
	for _, i := range words {
		sub.Examples = append(sub.Examples, data.Test.Examples[i])
	}
	spellings, weights, err := dec.Greedy(data, sub, true)
	if err != nil {
		return nil, err
	}
	maps := make([]plots.AttentionMap, len(words))
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
