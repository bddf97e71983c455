package hopfield

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// RandomPatterns returns n patterns of dimension d with independent standard normal entries,
// scaled to the given norm (0 keeps them unscaled).
func RandomPatterns(rng *rand.Rand, n, d int, norm float64) Matrix {
	X := zeros(n, d)
	for _, x := range X {
		for j := range x {
			x[j] = rng.NormFloat64()
		}
		if norm > 0 {
			scale := norm / math.Sqrt(InnerProduct(x, x))
			for j := range x {
				x[j] *= scale
			}
		}
	}
	return X
}

// Corrupt returns a copy of x with Gaussian noise of standard deviation sigma added to every
// entry and then a fraction maskFrac of its entries set to zero (a masked query).
func Corrupt(rng *rand.Rand, x []float64, sigma, maskFrac float64) []float64 {
	q := make([]float64, len(x))
	for j, v := range x {
		q[j] = v + sigma*rng.NormFloat64()
	}
	for _, j := range rng.Perm(len(q))[:int(maskFrac*float64(len(q)))] {
		q[j] = 0
	}
	return q
}

// Nearest returns the index of the stored pattern closest to q and its distance.
func Nearest(X Matrix, q []float64) (int, float64) {
	best, bestDist := -1, math.Inf(1)
	for i, x := range X {
		if d := Distance(x, q); d < bestDist {
			best, bestDist = i, d
		}
	}
	return best, bestDist
}

// Retrieval is the outcome of retrieving every stored pattern from a corrupted copy.
type Retrieval struct {
	Beta float64
	// Exact is the share of queries whose fixed point is within Tolerance of their own pattern.
	Exact float64
	// Nearest is the share whose fixed point is closer to their own pattern than to any other.
	Nearest float64
	// DistanceToMean is the mean distance of the fixed points to the mean of the patterns.
	DistanceToMean float64
	MeanSteps      float64
}

// RetrievalOptions describe the corruption and the iteration.
type RetrievalOptions struct {
	Sigma, MaskFrac float64 // noise and masking of the queries
	Tolerance       float64 // "exact" means within this distance of the stored pattern
	MaxSteps        int
	Seed            uint64
}

// Retrieve corrupts each stored pattern once, runs CCCP to a fixed point and scores the result.
func (h *Net) Retrieve(opt RetrievalOptions) (Retrieval, error) {
	if opt.Tolerance <= 0 || opt.MaxSteps < 1 {
		return Retrieval{}, fmt.Errorf("hopfield: retrieval needs Tolerance > 0 and MaxSteps ≥ 1")
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 1))
	queries := make(Matrix, h.n)
	for i, x := range h.X {
		queries[i] = Corrupt(rng, x, opt.Sigma, opt.MaskFrac)
	}
	trajs, err := h.Iterate(queries, opt.Tolerance/10, opt.MaxSteps)
	if err != nil {
		return Retrieval{}, err
	}
	mean := vecMat(uniform(h.n), h.X)
	r := Retrieval{Beta: h.Beta}
	for i, t := range trajs {
		final := t.Final()
		if Distance(final, h.X[i]) < opt.Tolerance {
			r.Exact++
		}
		if nearest, _ := Nearest(h.X, final); nearest == i {
			r.Nearest++
		}
		r.DistanceToMean += Distance(final, mean)
		r.MeanSteps += float64(t.Steps())
	}
	n := float64(h.n)
	r.Exact, r.Nearest, r.DistanceToMean, r.MeanSteps = r.Exact/n, r.Nearest/n, r.DistanceToMean/n, r.MeanSteps/n
	return r, nil
}

// MeanPattern is the average of the stored patterns, the fixed point for β → 0.
func MeanPattern(X Matrix) []float64 { return vecMat(uniform(len(X)), X) }

func uniform(n int) []float64 {
	p := make([]float64, n)
	for i := range p {
		p[i] = 1 / float64(n)
	}
	return p
}
