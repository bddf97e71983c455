package metrics

import (
	"math"
	"testing"
)

func TestLevenshteinHandExamples(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"flaw", "lawn", 2},
		{"remainder", "romander", 2},
		{"scare", "scar", 1},
		{"intention", "execution", 5},
		// Unicode: one code point each, not bytes.
		{"crudités", "crudites", 1},
		{"entrecôte", "entrecote", 1},
		{"ǃxóõ", "!xoo", 3},
		{"ǂ", "ǁ", 1},
		{"Fingal", "fингаал", 7}, // F≠f and Cyrillic а≠a: 6 substitutions + 1 insertion
	}
	for _, c := range cases {
		if got := Levenshtein(c.a, c.b); got != c.want {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Levenshtein(c.b, c.a); got != c.want {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d (symmetry)", c.b, c.a, got, c.want)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestCERAndWER(t *testing.T) {
	gold := []string{"remainder", "scare", "crudités", "ǃxóõ"}
	pred := []string{"romander", "scare", "crudites", "ǃxóõ"}
	// distances 2, 0, 1, 0 over gold lengths 9+5+8+4 = 26 code points.
	if got, want := CER(pred, gold), 3.0/26; !near(got, want) {
		t.Errorf("CER = %v, want %v", got, want)
	}
	if got, want := WER(pred, gold), 2.0/4; !near(got, want) {
		t.Errorf("WER = %v, want %v", got, want)
	}
	if got := CER(gold, gold); got != 0 {
		t.Errorf("CER of gold against itself = %v", got)
	}
	if got := WER([]string{"a"}, []string{"b"}); got != 1 {
		t.Errorf("WER all wrong = %v", got)
	}
}

func TestWERAtK(t *testing.T) {
	gold := []string{"remainder", "scare", "glossal", "Bronx"}
	samples := [][]string{
		{"remainder", "romander", "remandere"}, // hit
		{"scar", "skare", "scar"},              // miss
		{"glossel", "glossal", "glossel"},      // hit
		{"Branks", "Branx", "brongs"},          // miss
	}
	if got := WERAtK(samples, gold); !near(got, 0.5) {
		t.Errorf("WER@3 = %v, want 0.5", got)
	}
	// With one sample each, WER@1 is the WER of those samples.
	first := make([][]string, len(samples))
	firsts := make([]string, len(samples))
	for i, s := range samples {
		first[i], firsts[i] = s[:1], s[0]
	}
	if got, want := WERAtK(first, gold), WER(firsts, gold); !near(got, want) {
		t.Errorf("WER@1 = %v, WER = %v", got, want)
	}
}
