package cnn

import (
	"math"
	"math/rand/v2"
	"sync"

	"github.com/gomlx/gomlx/core/tensors"
)

// The train step's dropout masks are drawn on the host, in Go, with the batch: the Go backend's
// random-number generator took 7–9 % of a train step, several times what a PCG stream costs.
// Each step's masks come from a stream seeded by the run's seed and the step's number alone, so a
// run resumed from a checkpoint draws exactly the masks it would have drawn.

// dropoutSalt keeps the masks' streams apart from the other streams seeded by the run's seed
// (the epochs' shuffles use PCG(seed, epoch)).
const dropoutSalt = 0x64726f706f7574 // "dropout"

// numDropoutMasks is how many masks a train step takes: one per conv block (on its pooled map)
// and per hidden layer; none without dropout.
func (m *Model) numDropoutMasks() int {
	if m.Dropout <= 0 {
		return 0
	}
	return len(Channels) + len(Hidden)
}

// dropoutShapes lists the masks' shapes for a batch of b images, in the order the train step
// takes them.
func dropoutShapes(b int) [][]int {
	var shapes [][]int
	side := ImageSize
	for _, c := range Channels {
		side /= 2
		shapes = append(shapes, []int{b, side, side, c})
	}
	for _, h := range Hidden {
		shapes = append(shapes, []int{b, h})
	}
	return shapes
}

// DropoutMasks draws the dropout masks of train step number step (counted from 0 over the whole
// run) of a batch of b images: each unit is kept with probability 1−p and then scaled by
// 1/(1−p), or dropped (0). Nil when p is 0. Each mask has its own stream, drawn in parallel.
func (m *Model) DropoutMasks(seed, step uint64, b int) []*tensors.Tensor {
	if m.numDropoutMasks() == 0 {
		return nil
	}
	shapes := dropoutShapes(b)
	masks := make([]*tensors.Tensor, len(shapes))
	parts := make([][][]float32, len(shapes))
	for i, dims := range shapes {
		masks[i] = tensors.FromShape(tensorsShape(dims))
		tensors.MustMutableFlatData(masks[i], func(flat []float32) { parts[i] = [][]float32{flat} })
	}
	m.fillDropoutMasks(seed, step, parts)
	return masks
}

// fillDropoutMasks writes DropoutMasks' numbers into parts: parts[i] are the pieces of mask i
// in order (its shards, or the whole mask), filled from mask i's stream as one sequence. Each
// piece but the last must have an even length (two units per draw); the conv blocks' shards
// hold whole images of even size.
func (m *Model) fillDropoutMasks(seed, step uint64, parts [][][]float32) {
	// A unit is dropped when a uniform 32-bit number is below p·2³²: two units per 64-bit draw.
	threshold := uint32(math.Round(m.Dropout * (1 << 32)))
	keep := float32(1 / (1 - m.Dropout))
	var wg sync.WaitGroup
	for i, pieces := range parts {
		wg.Go(func() {
			rng := rand.NewPCG(seed^dropoutSalt, step*uint64(len(parts))+uint64(i))
			for j, piece := range pieces {
				if j < len(pieces)-1 && len(piece)%2 != 0 {
					panic("cnn: a dropout mask's piece of odd length would shift the stream of the next")
				}
				fillMask(piece, rng, threshold, keep)
			}
		})
	}
	wg.Wait()
}

func fillMask(flat []float32, rng *rand.PCG, threshold uint32, keep float32) {
	for i := 0; i < len(flat); i += 2 {
		bits := rng.Uint64()
		flat[i] = maskValue(uint32(bits), threshold, keep)
		if i+1 < len(flat) {
			flat[i+1] = maskValue(uint32(bits>>32), threshold, keep)
		}
	}
}

func maskValue(u, threshold uint32, keep float32) float32 {
	if u < threshold {
		return 0
	}
	return keep
}
