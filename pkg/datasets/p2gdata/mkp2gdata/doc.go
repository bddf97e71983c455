// Command mkp2gdata writes the built-in default data of the seq2seq lesson: words of the CMU
// pronouncing dictionary (Festival's cmudict-0.4, Debian package festlex-cmu) with their
// pronunciations converted from Festival's ARPAbet-like phone set to IPA, in the course's
// format ("phones separated by spaces<TAB>spelling") and the course's sizes (10,000 / 1,000 /
// 1,000 lines). The selection is a seeded shuffle, so the output is reproducible:
//
//	go run ./pkg/datasets/p2gdata/mkp2gdata -out pkg/datasets/p2gdata
package main
