package metrics_test

import (
	"fmt"

	"github.com/dllessons/dllessons/pkg/metrics"
)

// Edit distance counts code points: "é" is one character.
func ExampleLevenshtein() {
	fmt.Println(metrics.Levenshtein("kitten", "sitting"), metrics.Levenshtein("cafe", "café"))
	// Output: 3 1
}

// CER sums the edit distances over all words and divides by the total gold length; WER counts
// the words not spelled exactly.
func ExampleCER() {
	gold := []string{"night", "knight", "write"}
	predicted := []string{"nite", "knight", "right"}
	// nite → night: 3 edits; knight: 0; right → write: 4 edits (add w, drop g and h, add e),
	// over 5 + 6 + 5 gold characters.
	fmt.Printf("CER = %.4f (7/16), WER = %.4f (2/3)\n", metrics.CER(predicted, gold), metrics.WER(predicted, gold))
	// Output: CER = 0.4375 (7/16), WER = 0.6667 (2/3)
}

// WER@k scores k sampled spellings per word: a word counts as an error only when none of its
// samples is exact.
func ExampleWERAtK() {
	gold := []string{"night", "knight", "write"}
	samples := [][]string{
		{"nite", "night", "nyte"},   // one sample is right
		{"night", "nite", "knite"},  // none is
		{"right", "write", "write"}, // two are
	}
	fmt.Printf("WER@3 = %.4f\n", metrics.WERAtK(samples, gold))
	// Output: WER@3 = 0.3333
}
