// Package metrics scores predicted spellings against gold ones: edit distance, character error
// rate (CER), word error rate (WER) and WER@k for sampled decodings. Strings are compared as
// sequences of Unicode code points, so "é" or "ǃ" count as one character each.
//
// Main entry points: Levenshtein (edit distance), CER (character error rate: total edit distance
// over total gold length), WER (share of words not spelled exactly) and WERAtK (share of words of
// which none of k samples is exact).
package metrics
