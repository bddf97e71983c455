package datasets

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
)

// Fingerprints identify the data a checkpoint was trained on: a hash of the content (not of
// names or paths), so the same data in another folder matches and other data of the same kind
// or size does not.

// Fingerprint is "sha256:<16 hex digits> (train/val/test sizes)" of the images and labels of
// the three splits, in order.
func (d *Images) Fingerprint() string {
	h := sha256.New()
	for _, s := range []*ImageSet{d.Train, d.Val, d.Test} {
		writeLen(h, s.Len())
		h.Write(s.Pixels)
		for _, l := range s.Labels {
			writeLen(h, int(l))
		}
	}
	return fmt.Sprintf("sha256:%x (%d/%d/%d images)", h.Sum(nil)[:8], d.Train.Len(), d.Val.Len(), d.Test.Len())
}

// Fingerprint is "sha256:<16 hex digits> (sizes)" of every example of the three splits and of
// both vocabularies (whose token ids the model's embeddings are indexed by).
func (d *P2GData) Fingerprint() string {
	h := sha256.New()
	for _, s := range []*P2GSplit{d.Train, d.Valid, d.Test} {
		writeLen(h, s.Len())
		for _, ex := range s.Examples {
			writeStrings(h, ex.Phones...)
			writeStrings(h, ex.Spelling)
		}
	}
	writeStrings(h, d.Phones.Tokens...)
	writeStrings(h, d.Chars.Tokens...)
	return fmt.Sprintf("sha256:%x (%d/%d/%d words)", h.Sum(nil)[:8], d.Train.Len(), d.Valid.Len(), d.Test.Len())
}

func writeLen(h hash.Hash, n int) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	h.Write(b[:])
}

// writeStrings writes a length-prefixed list, so that ("ab","c") and ("a","bc") differ.
func writeStrings(h hash.Hash, ss ...string) {
	writeLen(h, len(ss))
	for _, s := range ss {
		writeLen(h, len(s))
		h.Write([]byte(s))
	}
}
