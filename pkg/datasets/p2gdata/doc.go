// Package p2gdata embeds the built-in phoneme-to-spelling data set (CMU Pronouncing
// Dictionary words in IPA; see README.md and LICENSE-festlex-cmu).
//
// Read it through datasets.LoadP2G (name "cmudict"), which builds the vocabularies; Files is the raw
// embedded folder. mkp2gdata (go run ./pkg/datasets/p2gdata/mkp2gdata) regenerates it.
package p2gdata
