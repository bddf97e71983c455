package datasets

import "math/rand/v2"

// P2GBatch is a padded batch in row-major [Size, SrcLen] and [Size, TgtLen] layout.
// Rows past the real examples (Index -1) are fillers: one PAD phone of length 1 and an
// all-PAD target, which the loss ignores; they keep every batch the same shape.
type P2GBatch struct {
	Size, SrcLen, TgtLen int
	Src                  []int32 // phone ids, PAD after each row's length
	SrcLens              []int32 // real source lengths (≥ 1)
	TgtIn                []int32 // SOS + characters, PAD-padded
	TgtOut               []int32 // characters + EOS, PAD-padded
	Index                []int   // example index of each row in its split, -1 for fillers
}

// BucketLen rounds a sequence length up so that only a few distinct lengths (and so few
// compiled graphs) occur: multiples of 4 up to 16, then of 8.
func BucketLen(n int) int {
	if n <= 16 {
		return max(4, (n+3)/4*4)
	}
	return (n + 7) / 8 * 8
}

// P2GData is a loaded data set with vocabularies built from its training split.
type P2GData struct {
	Source             string  // where it came from, for reports
	Kind               P2GKind // KindCourse or KindCMUDict
	Train, Valid, Test *P2GSplit
	Phones, Chars      *Vocab
}

// P2GKind is the kind of phoneme-to-spelling data; results are kept per kind.
type P2GKind string

// Kinds of P2G data.
const (
	KindCourse  P2GKind = "course"  // the course's WikiPron data, or a folder in its layout
	KindCMUDict P2GKind = "cmudict" // the built-in CMU Pronouncing Dictionary
)

// NewP2GData builds the vocabularies from train.
func NewP2GData(source string, kind P2GKind, train, valid, test *P2GSplit) *P2GData {
	return &P2GData{Source: source, Kind: kind, Train: train, Valid: valid, Test: test,
		Phones: SourceVocab(train.Examples), Chars: TargetVocab(train.Examples)}
}

// Batch pads the examples idx of split into a batch of size rows (len(idx) ≤ size), with
// bucketed lengths at least minSrc and minTgt (0 for none).
func (d *P2GData) Batch(split *P2GSplit, idx []int, size, minSrc, minTgt int) *P2GBatch {
	srcs := make([][]int32, len(idx))
	tgts := make([][]int32, len(idx))
	maxSrc, maxTgt := 1, 1
	for i, j := range idx {
		ex := split.Examples[j]
		srcs[i] = d.Phones.EncodePhones(ex.Phones)
		tgts[i] = d.Chars.EncodeChars(ex.Spelling)
		maxSrc = max(maxSrc, len(srcs[i]))
		maxTgt = max(maxTgt, len(tgts[i])+1)
	}
	b := &P2GBatch{Size: size, SrcLen: BucketLen(max(maxSrc, minSrc)), TgtLen: BucketLen(max(maxTgt, minTgt))}
	b.Src = make([]int32, size*b.SrcLen)
	b.SrcLens = make([]int32, size)
	b.TgtIn = make([]int32, size*b.TgtLen)
	b.TgtOut = make([]int32, size*b.TgtLen)
	b.Index = make([]int, size)
	for row := range size {
		b.Index[row] = -1
		b.SrcLens[row] = 1
		if row >= len(idx) {
			continue
		}
		b.Index[row] = idx[row]
		b.SrcLens[row] = int32(len(srcs[row]))
		copy(b.Src[row*b.SrcLen:], srcs[row])
		in, out := b.TgtIn[row*b.TgtLen:], b.TgtOut[row*b.TgtLen:]
		in[0] = SOS
		copy(in[1:], tgts[row])
		copy(out, tgts[row])
		out[len(tgts[row])] = EOS
	}
	return b
}

// ShuffledBatches splits 0..n-1 into batches of batchSize (the last one smaller) in an order
// that depends only on seed and epoch, so a resumed run sees the same batches.
func ShuffledBatches(n, batchSize int, seed uint64, epoch int) [][]int {
	order := rand.New(rand.NewPCG(seed, uint64(epoch))).Perm(n)
	return Chunks(order, batchSize)
}

// Chunks splits idx into consecutive pieces of at most size.
func Chunks(idx []int, size int) [][]int {
	var out [][]int
	for start := 0; start < len(idx); start += size {
		out = append(out, idx[start:min(start+size, len(idx))])
	}
	return out
}

// Range returns 0..n-1.
func Range(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
