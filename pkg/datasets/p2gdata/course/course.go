package course

import "embed"

// Files holds train.tsv, valid.tsv, test.tsv and SOURCE.txt.
//
//go:embed train.tsv valid.tsv test.tsv SOURCE.txt
var Files embed.FS
