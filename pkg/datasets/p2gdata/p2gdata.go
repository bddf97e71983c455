// Package p2gdata embeds the built-in phoneme-to-spelling data set (CMU Pronouncing
// Dictionary words in IPA; see README.md and LICENSE-festlex-cmu).
package p2gdata

import "embed"

// Files holds train.tsv, valid.tsv and test.tsv.
//
//go:embed train.tsv valid.tsv test.tsv
var Files embed.FS
