package seq2seq

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/dllessons/dllessons/pkg/datasets"
)

// Decoder turns phones into spellings with a trained Seq2Seq, a whole batch of words at a time:
// one compiled graph encodes the batch, another advances every row's decoder by one character;
// the choice of the next character (greedy, nucleus sampling, beam search) is made between steps.
type Decoder struct {
	m      *Model
	encode *model.Exec
	step   *model.Exec
	// MaxLen is the longest spelling produced (the course's max_len 50).
	MaxLen int
	// WordsPerCall is how many words share one call (rows = words × samples or beams).
	WordsPerCall int
}

// NewDecoder compiles nothing yet: graphs are built for each batch shape on first use.
func (m *Model) NewDecoder(backend compute.Backend) (*Decoder, error) {
	d := &Decoder{m: m, MaxLen: 50, WordsPerCall: 100}
	var err error
	if d.encode, err = model.NewExec(backend, m.Store, d.encodeGraph); err != nil {
		return nil, err
	}
	if d.step, err = model.NewExec(backend, m.Store, d.stepGraph); err != nil {
		return nil, err
	}
	d.encode.SetMaxCache(64)
	d.step.SetMaxCache(64)
	return d, nil
}

// encodeGraph: src [n, S], srcLen [n] → encoder outputs, their attention projection, mask, h0, c0.
func (d *Decoder) encodeGraph(_ *model.Scope, in []*Node) []*Node {
	f := &forwardCtx{m: d.m, w: d.m.weights(in[0].Graph())}
	enc := f.encode(in[0], in[1])
	proj := enc.proj
	if proj == nil {
		proj = enc.outputs // unused by the vanilla model; keeps one signature
	}
	return []*Node{enc.outputs, proj, enc.mask, enc.h0, enc.c0}
}

// stepGraph: previous characters [n], parent rows [n] (whose state each row continues, for beam
// search), h, c [n, H], encoder outputs, projection, mask → log-probabilities [n, V], h, c and the
// attention weights [n, S] (zeros without attention).
func (d *Decoder) stepGraph(_ *model.Scope, in []*Node) []*Node {
	prev, parent, h, c := in[0], in[1], in[2], in[3]
	enc := encoded{outputs: in[4], proj: in[5], mask: in[6]}
	f := &forwardCtx{m: d.m, w: d.m.weights(prev.Graph())}
	h = Gather(h, InsertAxes(parent, -1))
	c = Gather(c, InsertAxes(parent, -1))
	h, c = f.decoderCell(embed(f.w["tgt_emb"], prev), h, c)
	features, alpha := InsertAxes(h, 1), ZerosLike(enc.mask)
	if d.m.Config.Attention {
		features, alpha = f.attend(enc, features)
		alpha = Squeeze(alpha, 1)
	}
	logProbs := LogSoftmax(Squeeze(f.logits(features), 1), -1)
	return []*Node{logProbs, h, c, alpha}
}

// lengthOrderedChunks groups the words of split by source length, WordsPerCall at a time: the
// padded source length (and so the attention's cost) of a chunk is then that of its own words,
// and a chunk of short words stops as soon as they are spelled.
func lengthOrderedChunks(split *datasets.P2GSplit, size int) [][]int {
	order := datasets.Range(split.Len())
	sort.SliceStable(order, func(a, b int) bool {
		return len(split.Examples[order[a]].Phones) < len(split.Examples[order[b]].Phones)
	})
	return datasets.Chunks(order, size)
}

// chooser picks each row's next character from the log-probabilities [rows][V] at step t;
// it returns the characters, the parent row of each new row, and whether all rows are done.
type chooser func(t int, logProbs [][]float32) (next, parent []int32, done bool)

// decodeBatch encodes the batch and steps the decoder until choose says done or MaxLen.
// With attention set, it returns each row's attention weights per step [rows][t][S].
func (d *Decoder) decodeBatch(b *datasets.P2GBatch, choose chooser, attention bool) ([][][]float32, error) {
	src := tensors.FromFlatDataAndDimensions(b.Src, b.Size, b.SrcLen)
	enc, err := d.encode.Call(src, tensors.FromFlatDataAndDimensions(b.SrcLens, b.Size))
	if err != nil {
		return nil, fmt.Errorf("seq2seq encode: %w", err)
	}
	defer finalize(enc)
	prev := make([]int32, b.Size)
	parent := make([]int32, b.Size)
	for i := range prev {
		prev[i], parent[i] = datasets.SOS, int32(i)
	}
	h, c := enc[3], enc[4]
	var weights [][][]float32
	if attention {
		weights = make([][][]float32, b.Size)
	}
	for t := 0; t < d.MaxLen; t++ {
		outs, err := d.step.Call(tensors.FromFlatDataAndDimensions(prev, b.Size), tensors.FromFlatDataAndDimensions(parent, b.Size),
			h, c, enc[0], enc[1], enc[2])
		if err != nil {
			return nil, fmt.Errorf("seq2seq decode step %d: %w", t+1, err)
		}
		if t > 0 {
			finalize([]*tensors.Tensor{h, c})
		}
		h, c = outs[1], outs[2]
		logProbs, err := rowsOf(outs[0], b.Size)
		if err != nil {
			return nil, err
		}
		if attention {
			alpha, err := rowsOf(outs[3], b.Size)
			if err != nil {
				return nil, err
			}
			for r := range weights {
				weights[r] = append(weights[r], alpha[r])
			}
		}
		finalize([]*tensors.Tensor{outs[0], outs[3]})
		next, par, done := choose(t, logProbs)
		copy(prev, next)
		copy(parent, par)
		if done {
			break
		}
	}
	return weights, nil
}

func finalize(ts []*tensors.Tensor) {
	for _, t := range ts {
		t.MustFinalizeAll()
	}
}

// rowsOf copies a [rows, n] float32 tensor into rows.
func rowsOf(t *tensors.Tensor, rows int) ([][]float32, error) {
	flat, err := tensors.CopyFlatData[float32](t)
	if err != nil {
		return nil, err
	}
	n := len(flat) / rows
	out := make([][]float32, rows)
	for r := range out {
		out[r] = flat[r*n : (r+1)*n]
	}
	return out, nil
}

// maskSpecials rules out PAD and the start symbol, which a decoder must never emit.
func maskSpecials(logProbs []float32) {
	logProbs[datasets.PAD] = float32(math.Inf(-1))
	logProbs[datasets.SOS] = float32(math.Inf(-1))
}

// Greedy decodes every word of split by always taking the most likely character. With
// attention set (attention model only) it also returns each word's attention weights
// [word][output character][source phone], trimmed to the word's lengths.
func (d *Decoder) Greedy(data *datasets.P2GData, split *datasets.P2GSplit, attention bool) ([]string, [][][]float32, error) {
	words := make([]string, split.Len())
	var maps [][][]float32
	if attention {
		maps = make([][][]float32, split.Len())
	}
	for _, idx := range lengthOrderedChunks(split, d.WordsPerCall) {
		b := data.Batch(split, idx, d.WordsPerCall, 0, 0)
		seqs := newSequences(b.Size)
		weights, err := d.decodeBatch(b, func(t int, logProbs [][]float32) ([]int32, []int32, bool) {
			next := make([]int32, len(logProbs))
			for r, lp := range logProbs {
				maskSpecials(lp)
				next[r] = argmax(lp)
			}
			return next, identity(len(next)), seqs.extend(next)
		}, attention && d.m.Config.Attention)
		if err != nil {
			return nil, nil, err
		}
		for r, j := range idx {
			words[j] = data.Chars.DecodeChars(seqs.tokens[r])
			if weights != nil {
				maps[j] = trimAttention(weights[r], len([]rune(words[j]))+1, int(b.SrcLens[r]))
			}
		}
	}
	return words, maps, nil
}

func trimAttention(w [][]float32, outLen, srcLen int) [][]float32 {
	out := make([][]float32, min(outLen, len(w)))
	for i := range out {
		out[i] = append([]float32(nil), w[i][:srcLen]...)
	}
	return out
}

// sequences tracks the characters each row has emitted and whether it has ended.
type sequences struct {
	tokens [][]int32
	ended  []bool
}

func newSequences(rows int) *sequences {
	return &sequences{tokens: make([][]int32, rows), ended: make([]bool, rows)}
}

// extend appends next to the rows still going and reports whether all have ended.
func (s *sequences) extend(next []int32) bool {
	all := true
	for r, id := range next {
		if s.ended[r] {
			continue
		}
		s.tokens[r] = append(s.tokens[r], id)
		s.ended[r] = id == datasets.EOS
		all = all && s.ended[r]
	}
	return all
}

func identity(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

func argmax(x []float32) int32 {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return int32(best)
}

// NucleusSet returns the nucleus of a distribution given by log-probabilities: the most likely
// tokens, in decreasing probability, whose total probability first reaches topP, with their
// probabilities renormalised to sum to 1.
func NucleusSet(logProbs []float32, topP float64) (ids []int, probs []float64) {
	order := make([]int, len(logProbs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return logProbs[order[a]] > logProbs[order[b]] })
	maxLP := float64(logProbs[order[0]])
	total := 0.0
	all := make([]float64, len(order))
	for i, id := range order {
		all[i] = math.Exp(float64(logProbs[id]) - maxLP) // stable even for unnormalised input
		total += all[i]
	}
	mass := 0.0
	for i, id := range order {
		if all[i] == 0 {
			break
		}
		ids = append(ids, id)
		probs = append(probs, all[i]/total)
		mass += all[i] / total
		if mass >= topP {
			break
		}
	}
	for i := range probs {
		probs[i] /= mass
	}
	return ids, probs
}

// NucleusSample draws a token from the renormalised nucleus using the uniform number u ∈ [0,1).
func NucleusSample(logProbs []float32, topP, u float64) int {
	ids, probs := NucleusSet(logProbs, topP)
	cum := 0.0
	for i, p := range probs {
		cum += p
		if u < cum {
			return ids[i]
		}
	}
	return ids[len(ids)-1] // u within rounding of 1
}

// Nucleus draws k spellings per word of split with top-p sampling. Row j of word i uses its own
// generator seeded by (seed, i·k+j), so the samples do not depend on the batching.
func (d *Decoder) Nucleus(data *datasets.P2GData, split *datasets.P2GSplit, topP float64, k int, seed uint64) ([][]string, error) {
	if !(topP > 0 && topP <= 1) || k < 1 {
		return nil, fmt.Errorf("nucleus sampling needs 0 < p ≤ 1 and k ≥ 1; got p=%g, k=%d", topP, k)
	}
	samples := make([][]string, split.Len())
	for _, idx := range lengthOrderedChunks(split, d.WordsPerCall) {
		rows := repeatEach(idx, k)
		b := data.Batch(split, rows, d.WordsPerCall*k, 0, 0)
		rngs := make([]*rand.Rand, len(rows))
		for r, j := range rows {
			rngs[r] = rand.New(rand.NewPCG(seed, uint64(j*k+r%k)))
		}
		seqs := newSequences(b.Size)
		_, err := d.decodeBatch(b, func(t int, logProbs [][]float32) ([]int32, []int32, bool) {
			next := make([]int32, len(logProbs))
			for r, lp := range logProbs {
				if r >= len(rows) {
					next[r] = datasets.EOS
					continue
				}
				maskSpecials(lp)
				next[r] = int32(NucleusSample(lp, topP, rngs[r].Float64()))
			}
			return next, identity(len(next)), seqs.extend(next)
		}, false)
		if err != nil {
			return nil, err
		}
		for r, j := range rows {
			samples[j] = append(samples[j], data.Chars.DecodeChars(seqs.tokens[r]))
		}
	}
	return samples, nil
}

func repeatEach(idx []int, k int) []int {
	out := make([]int, 0, len(idx)*k)
	for _, i := range idx {
		for range k {
			out = append(out, i)
		}
	}
	return out
}

// Beam decodes every word of split with beam search of the given width, keeping the finished
// spelling with the highest total log-probability.
func (d *Decoder) Beam(data *datasets.P2GData, split *datasets.P2GSplit, width int) ([]string, error) {
	if width < 1 {
		return nil, fmt.Errorf("beam width must be ≥ 1, got %d", width)
	}
	words := make([]string, split.Len())
	for _, idx := range lengthOrderedChunks(split, d.WordsPerCall) {
		b := data.Batch(split, repeatEach(idx, width), d.WordsPerCall*width, 0, 0)
		beams := newBeams(d.WordsPerCall, width)
		if _, err := d.decodeBatch(b, beams.step, false); err != nil {
			return nil, err
		}
		for w, j := range idx {
			words[j] = data.Chars.DecodeChars(beams.best(w))
		}
	}
	return words, nil
}

// beams is the state of beam search for words × width rows (row = word·width + beam).
type beams struct {
	width  int
	score  []float64 // total log-probability per row
	tokens [][]int32
	ended  []bool
}

func newBeams(words, width int) *beams {
	b := &beams{width: width, score: make([]float64, words*width), tokens: make([][]int32, words*width), ended: make([]bool, words*width)}
	for r := range b.score {
		if r%width != 0 {
			b.score[r] = math.Inf(-1) // all rows start identical: keep one alive
		}
	}
	return b
}

type candidate struct {
	parent int
	token  int32
	score  float64
}

// step expands every word's beams by one character and keeps the best width candidates.
func (b *beams) step(_ int, logProbs [][]float32) ([]int32, []int32, bool) {
	next := make([]int32, len(logProbs))
	parent := make([]int32, len(logProbs))
	newScore := make([]float64, len(b.score))
	newTokens := make([][]int32, len(b.tokens))
	newEnded := make([]bool, len(b.ended))
	allEnded := true
	for w := 0; w < len(b.score)/b.width; w++ {
		cands := b.candidates(w, logProbs)
		for k := range b.width {
			r := w*b.width + k
			if k >= len(cands) {
				newScore[r], newEnded[r], parent[r], next[r] = math.Inf(-1), true, int32(r), datasets.EOS
				continue
			}
			c := cands[k]
			parent[r], newScore[r] = int32(c.parent), c.score
			newEnded[r] = b.ended[c.parent] || c.token == datasets.EOS
			newTokens[r] = b.tokens[c.parent]
			if !b.ended[c.parent] {
				newTokens[r] = append(append([]int32(nil), b.tokens[c.parent]...), c.token)
			}
			next[r] = c.token
			allEnded = allEnded && newEnded[r]
		}
	}
	b.score, b.tokens, b.ended = newScore, newTokens, newEnded
	return next, parent, allEnded
}

// candidates lists word w's extensions, best first: an ended beam carries over unchanged.
func (b *beams) candidates(w int, logProbs [][]float32) []candidate {
	var cands []candidate
	for k := range b.width {
		r := w*b.width + k
		if math.IsInf(b.score[r], -1) {
			continue
		}
		if b.ended[r] {
			cands = append(cands, candidate{r, datasets.EOS, b.score[r]})
			continue
		}
		lp := logProbs[r]
		maskSpecials(lp)
		// Only a beam's own top-width characters can be among the word's top-width candidates.
		for _, v := range topK(lp, b.width) {
			cands = append(cands, candidate{r, int32(v), b.score[r] + float64(lp[v])})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	return cands[:min(len(cands), b.width)]
}

// topK returns the indices of the k largest finite values of x, largest first.
func topK(x []float32, k int) []int {
	var out []int
	for range k {
		best := -1
		for i, v := range x {
			if math.IsInf(float64(v), -1) || slices.Contains(out, i) {
				continue
			}
			if best < 0 || v > x[best] {
				best = i
			}
		}
		if best < 0 {
			break
		}
		out = append(out, best)
	}
	return out
}

// best returns word w's highest-scoring beam.
func (b *beams) best(w int) []int32 {
	bestRow := w * b.width
	for k := 1; k < b.width; k++ {
		if b.score[w*b.width+k] > b.score[bestRow] {
			bestRow = w*b.width + k
		}
	}
	return b.tokens[bestRow]
}
