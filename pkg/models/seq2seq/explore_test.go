package seq2seq

import (
	"slices"
	"strings"
	"testing"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
)

// TestExploreNucleus: at p → 0 the nucleus is the top character and every sample is the greedy
// spelling, of which the step shown follows a prefix; at p = 1 every candidate is in it, the probabilities are sorted and sum to at most
// 1; the same values give the same samples; bad values are one clear error.
func TestExploreNucleus(t *testing.T) {
	data := tinyP2G(t)
	tr, err := NewTrainer(backend.MustDefault(), data, tinyOptions(true))
	if err != nil {
		t.Fatal(err)
	}
	b := data.Batch(data.Train, datasets.Range(data.Train.Len()), 8, 0, 0)
	for range 40 { // partly trained: the distributions are not one-hot
		if _, err := tr.Step(b); err != nil {
			t.Fatal(err)
		}
	}
	greedy, _, err := tr.Decoder.Greedy(data, data.Test, false)
	if err != nil {
		t.Fatal(err)
	}
	narrow, err := tr.Decoder.ExploreNucleus(data, data.Test, 1, 0.001, 1, 3, 7)
	if err != nil {
		t.Fatal(err)
	}
	if narrow.NucleusSize != 1 || len(narrow.Samples) != 3 || narrow.Samples[0] != greedy[1] || narrow.Samples[2] != greedy[1] ||
		narrow.Greedy != greedy[1] || !strings.HasPrefix(greedy[1], narrow.Prefix) {
		t.Errorf("p = 0.001: nucleus of %d, samples %q, greedy %q after %q; want 1 and greedy %q", narrow.NucleusSize, narrow.Samples, narrow.Greedy, narrow.Prefix, greedy[1])
	}
	wide, err := tr.Decoder.ExploreNucleus(data, data.Test, 1, 1, 2, 3, 7)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, p := range wide.Probs {
		sum += p
	}
	if !slices.IsSortedFunc(wide.Probs, func(a, b float64) int { return -cmpFloat(a, b) }) || sum > 1+1e-9 || wide.NucleusSize < 2 {
		t.Errorf("p = 1, T = 2: probabilities %v (sum %g), nucleus of %d", wide.Probs, sum, wide.NucleusSize)
	}
	again, err := tr.Decoder.ExploreNucleus(data, data.Test, 1, 1, 2, 3, 7)
	if err != nil || !slices.Equal(again.Samples, wide.Samples) {
		t.Errorf("same seed, other samples: %q vs %q (%v)", again.Samples, wide.Samples, err)
	}
	fig, err := wide.Figure()
	if err != nil || !strings.Contains(fig.Name, "samples: ") {
		t.Errorf("figure %v: %v", fig, err)
	}
	if _, err := tr.Decoder.ExploreNucleus(data, data.Test, 1, 0.9, 0, 3, 7); err == nil || !strings.Contains(err.Error(), "T=0") {
		t.Errorf("T = 0: %v", err)
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
