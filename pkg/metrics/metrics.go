package metrics

// Levenshtein is the minimum number of single-character insertions, deletions and
// substitutions that turn a into b, counting Unicode code points (not bytes).
func Levenshtein(a, b string) int {
	return LevenshteinRunes([]rune(a), []rune(b))
}

// LevenshteinRunes is Levenshtein on code-point slices; it keeps one row of the table.
func LevenshteinRunes(a, b []rune) int {
	if len(a) < len(b) {
		a, b = b, a // the row follows the shorter string
	}
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diagonal := row[0] // the table's [i-1][j-1]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			substitution := diagonal
			if a[i-1] != b[j-1] {
				substitution++
			}
			diagonal = row[j]
			row[j] = min(substitution, row[j]+1, row[j-1]+1)
		}
	}
	return row[len(b)]
}

// CER is the character error rate: the summed edit distances divided by the summed gold
// lengths (in code points). It is 0 with no gold characters and no predicted ones.
func CER(predicted, gold []string) float64 {
	mustSameLength(predicted, gold)
	distance, length := 0, 0
	for i, g := range gold {
		distance += Levenshtein(predicted[i], g)
		length += len([]rune(g))
	}
	if length == 0 {
		if distance == 0 {
			return 0
		}
		return 1
	}
	return float64(distance) / float64(length)
}

// WER is the share of words whose prediction differs from the gold spelling (each item is one
// word, so this is the sentence-level exact-match error).
func WER(predicted, gold []string) float64 {
	mustSameLength(predicted, gold)
	if len(gold) == 0 {
		return 0
	}
	wrong := 0
	for i, g := range gold {
		if predicted[i] != g {
			wrong++
		}
	}
	return float64(wrong) / float64(len(gold))
}

// WERAtK is the share of words whose gold spelling is none of their samples:
// samples[i] holds the k candidates drawn for gold[i].
func WERAtK(samples [][]string, gold []string) float64 {
	if len(samples) != len(gold) {
		panic("metrics.WERAtK: samples and gold differ in length")
	}
	if len(gold) == 0 {
		return 0
	}
	missed := 0
	for i, g := range gold {
		if !contains(samples[i], g) {
			missed++
		}
	}
	return float64(missed) / float64(len(gold))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// mustSameLength panics on a programming error: predictions must align with gold.
func mustSameLength(predicted, gold []string) {
	if len(predicted) != len(gold) {
		panic("metrics: predicted and gold differ in length")
	}
}
