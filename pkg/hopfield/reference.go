// This file is the plain float64 reference of the maths, which the tests use as an independent
// check of the graphs.

package hopfield

import (
	"fmt"
	"math"
)

// Matrix is a dense row-major matrix: Matrix[i] is row i.
type Matrix = [][]float64

// checkPatterns validates X (N×D, N ≥ 1, finite) and returns N and D.
func checkPatterns(X Matrix) (n, d int, err error) {
	if len(X) == 0 || len(X[0]) == 0 {
		return 0, 0, fmt.Errorf("hopfield: need at least one stored pattern with at least one dimension")
	}
	d = len(X[0])
	for i, row := range X {
		if len(row) != d {
			return 0, 0, fmt.Errorf("hopfield: pattern %d has %d dimensions, pattern 0 has %d", i, len(row), d)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, 0, fmt.Errorf("hopfield: pattern %d, dimension %d is %v", i, j, v)
			}
		}
	}
	return len(X), d, nil
}

// LSE is the log-sum-exp with inverse temperature β: β⁻¹ log Σᵢ exp(β zᵢ), computed around
// max(z) so that β·z up to ~1e6 neither overflows nor loses the result.
func LSE(beta float64, z []float64) float64 {
	m := maxOf(z)
	s := 0.0
	for _, v := range z {
		s += math.Exp(beta * (v - m))
	}
	return m + math.Log(s)/beta
}

// SoftmaxBeta returns softmax(β z), stable for large β·z.
func SoftmaxBeta(beta float64, z []float64) []float64 {
	m := maxOf(z)
	p := make([]float64, len(z))
	s := 0.0
	for i, v := range z {
		p[i] = math.Exp(beta * (v - m))
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
	return p
}

// MaxNorm is M = maxᵢ ‖xᵢ‖.
func MaxNorm(X Matrix) float64 {
	m := 0.0
	for _, x := range X {
		m = math.Max(m, math.Sqrt(InnerProduct(x, x)))
	}
	return m
}

// E1 is the convex part ½qᵀq + β⁻¹ log N + ½M².
func E1(X Matrix, beta float64, q []float64) float64 {
	M := MaxNorm(X)
	return 0.5*InnerProduct(q, q) + math.Log(float64(len(X)))/beta + 0.5*M*M
}

// E2 is the concave part −lse(β, Xq).
func E2(X Matrix, beta float64, q []float64) float64 { return -LSE(beta, matVec(X, q)) }

// Energy is E(q) = E1(q) + E2(q).
func Energy(X Matrix, beta float64, q []float64) float64 { return E1(X, beta, q) + E2(X, beta, q) }

// Update is one CCCP step: Xᵀ softmax(β X q).
func Update(X Matrix, beta float64, q []float64) []float64 {
	return vecMat(SoftmaxBeta(beta, matVec(X, q)), X)
}

// EnergyGradient is ∇E(q) = q − Xᵀ softmax(β X q) (∇E1 = q, ∇E2 = −Xᵀ softmax(β X q)).
func EnergyGradient(X Matrix, beta float64, q []float64) []float64 {
	u := Update(X, beta, q)
	g := make([]float64, len(q))
	for i := range q {
		g[i] = q[i] - u[i]
	}
	return g
}

// Surrogate is CCCP's convex upper bound of E built at qt: E1(q) + E2(qt) + ∇E2(qt)ᵀ(q − qt),
// the concave part replaced by its tangent at qt. The CCCP step from qt is its minimiser.
func Surrogate(X Matrix, beta float64, qt, q []float64) float64 {
	gradE2 := Update(X, beta, qt) // −∇E2(qt)
	s := E1(X, beta, q) + E2(X, beta, qt)
	for i := range q {
		s -= gradE2[i] * (q[i] - qt[i])
	}
	return s
}

// HessianE1 is ∇²E1 = I (D×D).
func HessianE1(d int) Matrix {
	h := zeros(d, d)
	for i := range h {
		h[i][i] = 1
	}
	return h
}

// HessianNegE2 is ∇²(−E2) = β Xᵀ (diag(p) − ppᵀ) X with p = softmax(β X q).
// It is computed in the equal centred form β Σᵢ pᵢ (xᵢ − x̄)(xᵢ − x̄)ᵀ with x̄ = Xᵀp — the
// covariance of the patterns under p — which avoids the cancellation of the literal form when
// p is nearly one-hot and keeps the result PSD to rounding.
func HessianNegE2(X Matrix, beta float64, q []float64) Matrix {
	p := SoftmaxBeta(beta, matVec(X, q))
	d := len(q)
	mean := vecMat(p, X)
	h := zeros(d, d)
	centred := make([]float64, d)
	for i, x := range X {
		for a := range centred {
			centred[a] = x[a] - mean[a]
		}
		for a := 0; a < d; a++ {
			for b := 0; b < d; b++ {
				h[a][b] += beta * p[i] * centred[a] * centred[b]
			}
		}
	}
	return h
}

// HessianNegE2Literal is β Xᵀ (diag(p) − ppᵀ) X evaluated literally, as the homework writes it
// (and as the graph computes it). When p is nearly one-hot, diag(p) − ppᵀ is a difference of
// nearly equal numbers, so its rounding error is about ε·β·M² however small the Hessian is.
func HessianNegE2Literal(X Matrix, beta float64, q []float64) Matrix {
	p := SoftmaxBeta(beta, matVec(X, q))
	mean := vecMat(p, X) // Xᵀp
	d := len(q)
	h := zeros(d, d)
	for a := 0; a < d; a++ {
		for b := 0; b < d; b++ {
			weighted := 0.0 // (Xᵀ diag(p) X)[a][b]
			for i, x := range X {
				weighted += p[i] * x[a] * x[b]
			}
			h[a][b] = beta * (weighted - mean[a]*mean[b])
		}
	}
	return h
}

// NumericalGradient is the central finite-difference gradient of f at q with step h.
func NumericalGradient(f func([]float64) float64, q []float64, h float64) []float64 {
	g := make([]float64, len(q))
	x := append([]float64(nil), q...)
	for i := range q {
		x[i] = q[i] + h
		up := f(x)
		x[i] = q[i] - h
		down := f(x)
		x[i] = q[i]
		g[i] = (up - down) / (2 * h)
	}
	return g
}

// NumericalJacobian is the central finite-difference Jacobian of grad at q (the Hessian when
// grad is a gradient): column j is (grad(q + h eⱼ) − grad(q − h eⱼ)) / 2h.
func NumericalJacobian(grad func([]float64) []float64, q []float64, h float64) Matrix {
	d := len(q)
	jac := zeros(d, d)
	x := append([]float64(nil), q...)
	for j := 0; j < d; j++ {
		x[j] = q[j] + h
		up := grad(x)
		x[j] = q[j] - h
		down := grad(x)
		x[j] = q[j]
		for i := 0; i < d; i++ {
			jac[i][j] = (up[i] - down[i]) / (2 * h)
		}
	}
	return jac
}

// InnerProduct is aᵀb.
func InnerProduct(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// matVec is X q (length N).
func matVec(X Matrix, q []float64) []float64 {
	z := make([]float64, len(X))
	for i, x := range X {
		z[i] = InnerProduct(x, q)
	}
	return z
}

// vecMat is pᵀ X = Σᵢ pᵢ xᵢ (length D).
func vecMat(p []float64, X Matrix) []float64 {
	out := make([]float64, len(X[0]))
	for i, x := range X {
		for j, v := range x {
			out[j] += p[i] * v
		}
	}
	return out
}

func maxOf(z []float64) float64 {
	m := math.Inf(-1)
	for _, v := range z {
		m = math.Max(m, v)
	}
	return m
}

func zeros(rows, cols int) Matrix {
	m := make(Matrix, rows)
	for i := range m {
		m[i] = make([]float64, cols)
	}
	return m
}

// RelativeError is ‖a − b‖ / max(‖b‖, 1e-3): how far a is from the reference b.
func RelativeError(a, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range a {
		num += (a[i] - b[i]) * (a[i] - b[i])
		den += b[i] * b[i]
	}
	return math.Sqrt(num) / math.Max(math.Sqrt(den), 1e-3)
}
