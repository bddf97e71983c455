package hopfield

import (
	"math"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/attention"
)

// The graph functions below take the stored patterns x [N, D], a batch of queries q [B, D]
// and the inverse temperature beta (a scalar of the same dtype), and work in any float dtype.

// LSENode is lse(β, z) over the last axis of z: β⁻¹ log Σ exp(β z), shifted by max(z).
// The shift is a constant for the derivative (lse(z) = m + lse(z − m) for any m), so it is
// taken out of the gradient: ∇lse is then exactly softmax(β z).
func LSENode(beta, z *Node) *Node {
	m := StopGradient(ReduceAndKeep(z, ReduceMax, -1))
	sum := ReduceSum(Exp(Mul(beta, Sub(z, m))), -1)
	return Add(Squeeze(m, -1), Div(Log(sum), beta))
}

// ScoresNode is X q for each query: [B, N].
func ScoresNode(x, q *Node) *Node { return Einsum("bd,nd->bn", q, x) }

// SoftmaxNode is softmax(β X q) for each query: [B, N].
func SoftmaxNode(beta, x, q *Node) *Node { return Softmax(Mul(beta, ScoresNode(x, q)), -1) }

// MaxNormNode is M = maxᵢ ‖xᵢ‖ (scalar).
func MaxNormNode(x *Node) *Node { return Sqrt(ReduceAllMax(ReduceSum(Square(x), -1))) }

// E1Node is the convex part ½qᵀq + β⁻¹ log N + ½M² for each query: [B].
func E1Node(beta, x, q *Node) *Node {
	n := float64(x.Shape().Dimensions[0])
	logN := Scalar(x.Graph(), x.DType(), math.Log(n))
	m := MaxNormNode(x)
	half := Scalar(x.Graph(), x.DType(), 0.5)
	return Add(Mul(half, ReduceSum(Square(q), -1)), Add(Div(logN, beta), Mul(half, Square(m))))
}

// E2Node is the concave part −lse(β, X q) for each query: [B].
func E2Node(beta, x, q *Node) *Node { return Neg(LSENode(beta, ScoresNode(x, q))) }

// EnergyNode is E(q) = E1(q) + E2(q) for each query: [B].
func EnergyNode(beta, x, q *Node) *Node { return Add(E1Node(beta, x, q), E2Node(beta, x, q)) }

// UpdateNode is the CCCP step q ← Xᵀ softmax(β X q) for each query: [B, D].
func UpdateNode(beta, x, q *Node) *Node { return MatMul(SoftmaxNode(beta, x, q), x) }

// GradientE1Node is ∇E1(q) = q: [B, D].
func GradientE1Node(q *Node) *Node { return Identity(q) }

// GradientE2Node is ∇E2(q) = −Xᵀ softmax(β X q): [B, D].
func GradientE2Node(beta, x, q *Node) *Node { return Neg(UpdateNode(beta, x, q)) }

// GradientNode is the closed-form ∇E(q) = q − Xᵀ softmax(β X q): [B, D].
func GradientNode(beta, x, q *Node) *Node { return Add(GradientE1Node(q), GradientE2Node(beta, x, q)) }

// HessianE1Node is ∇²E1 = I for each query: [B, D, D].
func HessianE1Node(q *Node) *Node {
	batch, d := q.Shape().Dimensions[0], q.Shape().Dimensions[1]
	eye := DiagonalWithValue(OnesLike(ReduceAllSum(q)), d)
	return BroadcastToDims(ExpandAxes(eye, 0), batch, d, d)
}

// AutodiffGradientNode is ∇E(q) by GoMLX's automatic differentiation: [B, D]. The energies of
// different queries are independent, so the gradient of their sum is each query's gradient.
func AutodiffGradientNode(beta, x, q *Node) *Node { return autodiffOf(EnergyNode, beta, x, q) }

// autodiffOf is the gradient of the per-query function f with respect to the queries.
func autodiffOf(f func(beta, x, q *Node) *Node, beta, x, q *Node) *Node {
	return Gradient(ReduceAllSum(f(beta, x, q)), q)[0]
}

// HessianNegE2Node is ∇²(−E2) = β Xᵀ(diag(p) − ppᵀ)X for each query: [B, D, D].
func HessianNegE2Node(beta, x, q *Node) *Node {
	p := SoftmaxNode(beta, x, q)                 // [B, N]
	second := Einsum("bn,nd->bnd", p, x)         // pᵢ xᵢ
	weighted := Einsum("bnd,ne->bde", second, x) // Xᵀ diag(p) X
	mean := MatMul(p, x)                         // Xᵀ p: [B, D]
	outer := Einsum("bd,be->bde", mean, mean)    // (Xᵀp)(Xᵀp)ᵀ
	return Mul(beta, Sub(weighted, outer))
}

// AttentionNode is single-head cross-attention computed by GoMLX's attention layer
// (attention.Core, scaled dot-product): the queries attend to keys k [N, D] with values v [N, Dv]
// and scale 1/√D. Returns [B, Dv].
func AttentionNode(q, k, v *Node) *Node {
	// Layout [batch, seq, heads, dim] with one batch element and one head.
	toBSHD := func(m *Node) *Node { return ExpandAxes(m, 0, 2) }
	out, _ := attention.Core(toBSHD(q), toBSHD(k), toBSHD(v), attention.LayoutBSHD, attention.CoreOptions{})
	return Squeeze(out, 0, 2)
}
