package p2gdata

import "embed"

// Files holds train.tsv, valid.tsv and test.tsv.
//
//go:embed train.tsv valid.tsv test.tsv
var Files embed.FS
