package hopfield

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
)

// AttentionComparison is one row of the "Hopfield update = cross-attention" table.
type AttentionComparison struct {
	D, N, Batch int
	// MaxAbsDiff is max |Δ| between one Hopfield update of the queries with β = 1/√D and
	// GoMLX's scaled dot-product cross-attention with W_K = W_V = I (keys = values = X).
	MaxAbsDiff float64
	// MaxAbsOutput is max |output|, the scale MaxAbsDiff is to be read against.
	MaxAbsOutput float64
}

// CompareWithAttention draws N patterns and Batch queries of dimension D and compares the
// one-step Hopfield update (UpdateNode) with attention (AttentionNode, GoMLX's attention.Core):
// two different code paths for what the homework proves to be the same number.
func CompareWithAttention(b compute.Backend, seed uint64, d, n, batch int) (AttentionComparison, error) {
	rng := rand.New(rand.NewPCG(seed, uint64(d*1_000_003+n*1009+batch)))
	X, Q := RandomPatterns(rng, n, d, 0), RandomPatterns(rng, batch, d, 0)
	beta := 1 / math.Sqrt(float64(d))
	hop, err := NewNet(b, X, beta)
	if err != nil {
		return AttentionComparison{}, err
	}
	hop.DType = dtypes.Float32
	updated, err := hop.Update(Q)
	if err != nil {
		return AttentionComparison{}, err
	}
	attended, err := Attention(b, Q, X, X)
	if err != nil {
		return AttentionComparison{}, err
	}
	c := AttentionComparison{D: d, N: n, Batch: batch}
	c.MaxAbsDiff, c.MaxAbsOutput = maxAbsDiff(updated, attended), maxAbs(attended)
	return c, nil
}

// Attention computes cross-attention of queries Q [B, D] over keys K [N, D] and values V
// [N, Dv] with GoMLX's attention layer (scale 1/√D), in float32.
func Attention(b compute.Backend, Q, K, V Matrix) (Matrix, error) {
	if err := checkAttentionInputs(Q, K, V); err != nil {
		return nil, err
	}
	out, err := ExecOnce(b, func(q, k, v *Node) *Node { return AttentionNode(q, k, v) },
		matrixTensor(Q, dtypes.Float32), matrixTensor(K, dtypes.Float32), matrixTensor(V, dtypes.Float32))
	if err != nil {
		return nil, err
	}
	flat, err := flatFloat64(out)
	if err != nil {
		return nil, err
	}
	return reshapeRows(flat, len(V[0])), nil
}

// checkAttentionInputs wants finite, rectangular Q, K, V with as many keys as values and
// queries of the keys' dimension.
func checkAttentionInputs(Q, K, V Matrix) error {
	for _, m := range []struct {
		name string
		m    Matrix
	}{{"queries", Q}, {"keys", K}, {"values", V}} {
		if _, _, err := checkPatterns(m.m); err != nil {
			return fmt.Errorf("attention %s: %w", m.name, err)
		}
	}
	if len(Q[0]) != len(K[0]) || len(K) != len(V) {
		return fmt.Errorf("hopfield: attention needs queries [B, D], keys [N, D], values [N, Dv]; got [%d, %d], [%d, %d], [%d, %d]",
			len(Q), len(Q[0]), len(K), len(K[0]), len(V), len(V[0]))
	}
	return nil
}

// ProjectionEffect shows what changes when W_K and W_V are not the identity.
type ProjectionEffect struct {
	D, N, Batch int
	// VsIdentityUpdate is max |Δ| between attention with random W_K, W_V and the plain
	// Hopfield update on X: large, the outputs are different things.
	VsIdentityUpdate float64
	// VsProjectedHopfield is max |Δ| between that attention and a Hopfield update whose stored
	// patterns are the keys K = X W_K, read out through the values V = X W_V:
	// softmax(β Q Kᵀ) V. Small: attention is a Hopfield update in the projected spaces.
	VsProjectedHopfield float64
}

// CompareProjected draws X, Q and random projections W_K, W_V (D×D, entries N(0, 1/D)).
func CompareProjected(b compute.Backend, seed uint64, d, n, batch int) (ProjectionEffect, error) {
	rng := rand.New(rand.NewPCG(seed, 7))
	X, Q := RandomPatterns(rng, n, d, 0), RandomPatterns(rng, batch, d, 0)
	WK, WV := RandomPatterns(rng, d, d, 0), RandomPatterns(rng, d, d, 0)
	scale := 1 / math.Sqrt(float64(d))
	for i := range WK {
		for j := range WK[i] {
			WK[i][j] *= scale
			WV[i][j] *= scale
		}
	}
	K, V := matMul(X, WK), matMul(X, WV)
	attended, err := Attention(b, Q, K, V)
	if err != nil {
		return ProjectionEffect{}, err
	}
	beta := 1 / math.Sqrt(float64(d))
	plain, err := NewNet(b, X, beta)
	if err != nil {
		return ProjectionEffect{}, err
	}
	identityUpdate, err := plain.Update(Q)
	if err != nil {
		return ProjectionEffect{}, err
	}
	projected := make(Matrix, len(Q))
	for i, q := range Q {
		projected[i] = vecMat(SoftmaxBeta(beta, matVec(K, q)), V) // float64 reference
	}
	return ProjectionEffect{D: d, N: n, Batch: batch,
		VsIdentityUpdate:    maxAbsDiff(attended, identityUpdate),
		VsProjectedHopfield: maxAbsDiff(attended, projected),
	}, nil
}

func matMul(a, b Matrix) Matrix {
	out := zeros(len(a), len(b[0]))
	for i := range a {
		for k, v := range a[i] {
			for j := range b[k] {
				out[i][j] += v * b[k][j]
			}
		}
	}
	return out
}

func maxAbsDiff(a, b Matrix) float64 {
	m := 0.0
	for i := range a {
		for j := range a[i] {
			m = math.Max(m, math.Abs(a[i][j]-b[i][j]))
		}
	}
	return m
}

func maxAbs(a Matrix) float64 {
	m := 0.0
	for _, row := range a {
		for _, v := range row {
			m = math.Max(m, math.Abs(v))
		}
	}
	return m
}
