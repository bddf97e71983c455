package datasets

import "sort"

// Special token ids, the same in both vocabularies.
const (
	PAD = 0 // padding; ignored by the loss
	SOS = 1 // start of the target sequence (the decoder's first input)
	EOS = 2 // end of the target sequence
	UNK = 3 // a symbol not seen in training
)

// specialTokens are spelled so that they cannot clash with phones or characters.
var specialTokens = []string{"<pad>", "<s>", "</s>", "<unk>"}

// Vocab maps tokens to ids and back.
type Vocab struct {
	Tokens []string
	index  map[string]int32
}

// NewVocab builds a vocabulary with the special tokens first and then tokens sorted, so the ids
// do not depend on the order of the training file.
func NewVocab(tokens map[string]bool) *Vocab {
	v := &Vocab{Tokens: append([]string{}, specialTokens...), index: map[string]int32{}}
	sorted := make([]string, 0, len(tokens))
	for t := range tokens {
		sorted = append(sorted, t)
	}
	sort.Strings(sorted)
	v.Tokens = append(v.Tokens, sorted...)
	for i, t := range v.Tokens {
		v.index[t] = int32(i)
	}
	return v
}

// Size is the number of tokens including the special ones.
func (v *Vocab) Size() int { return len(v.Tokens) }

// ID returns the id of token, UNK if it was not in the training data.
func (v *Vocab) ID(token string) int32 {
	if id, ok := v.index[token]; ok && id >= int32(len(specialTokens)) {
		return id
	}
	return UNK
}

// SourceVocab collects the phones of the examples.
func SourceVocab(examples []P2GExample) *Vocab {
	seen := map[string]bool{}
	for _, ex := range examples {
		for _, p := range ex.Phones {
			seen[p] = true
		}
	}
	return NewVocab(seen)
}

// TargetVocab collects the characters (code points) of the spellings.
func TargetVocab(examples []P2GExample) *Vocab {
	seen := map[string]bool{}
	for _, ex := range examples {
		for _, r := range ex.Spelling {
			seen[string(r)] = true
		}
	}
	return NewVocab(seen)
}

// EncodePhones maps phones to ids (UNK for unseen ones).
func (v *Vocab) EncodePhones(phones []string) []int32 {
	out := make([]int32, len(phones))
	for i, p := range phones {
		out[i] = v.ID(p)
	}
	return out
}

// EncodeChars maps the code points of s to ids (UNK for unseen ones).
func (v *Vocab) EncodeChars(s string) []int32 {
	out := make([]int32, 0, len(s))
	for _, r := range s {
		out = append(out, v.ID(string(r)))
	}
	return out
}

// DecodeChars turns target ids into a spelling, stopping at EOS and skipping PAD and SOS.
// UNK is written as "?" (it can only be predicted, never be a correct character).
func (v *Vocab) DecodeChars(ids []int32) string {
	var b []byte
	for _, id := range ids {
		switch {
		case id == EOS:
			return string(b)
		case id == PAD || id == SOS:
			continue
		case id == UNK || int(id) >= len(v.Tokens) || id < 0:
			b = append(b, '?')
		default:
			b = append(b, v.Tokens[id]...)
		}
	}
	return string(b)
}
