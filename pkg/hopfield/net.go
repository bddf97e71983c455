package hopfield

import (
	"fmt"
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Net is a modern Hopfield network with stored patterns X and inverse temperature β whose
// computations run as compiled GoMLX graphs on a backend. Each graph is compiled once per
// query-batch size and reused (e.g. across all CCCP steps).
type Net struct {
	X     Matrix
	Beta  float64
	DType dtypes.DType // Float64 by default; Float32 to check single precision

	backend compute.Backend
	n, d    int
	execs   map[string]*graph.Exec
}

// NewNet checks X and β and returns a network computing in float64.
func NewNet(b compute.Backend, X Matrix, beta float64) (*Net, error) {
	n, d, err := checkPatterns(X)
	if err != nil {
		return nil, err
	}
	if !(beta > 0) || math.IsInf(beta, 0) {
		return nil, fmt.Errorf("hopfield: β must be a positive finite number, got %v", beta)
	}
	return &Net{X: X, Beta: beta, DType: dtypes.Float64, backend: b, n: n, d: d, execs: map[string]*graph.Exec{}}, nil
}

// Dims returns N (stored patterns) and D (dimensions).
func (h *Net) Dims() (n, d int) { return h.n, h.d }

// graphFn is a function of (β, X, Q) built into a graph.
type graphFn func(beta, x, q *graph.Node) *graph.Node

var graphFns = map[string]graphFn{
	"energy":    EnergyNode,
	"e1":        E1Node,
	"e2":        E2Node,
	"update":    UpdateNode,
	"gradient":  GradientNode,
	"autodiff":  AutodiffGradientNode,
	"hessianE2": HessianNegE2Node,
	"hessianE1": func(_, _, q *graph.Node) *graph.Node { return HessianE1Node(q) },
	"gradE1":    func(_, _, q *graph.Node) *graph.Node { return GradientE1Node(q) },
	"gradE2":    GradientE2Node,
	"autoE1":    func(beta, x, q *graph.Node) *graph.Node { return autodiffOf(E1Node, beta, x, q) },
	"autoE2":    func(beta, x, q *graph.Node) *graph.Node { return autodiffOf(E2Node, beta, x, q) },
}

// run executes the named graph function on the queries Q and returns its flat output.
func (h *Net) run(name string, Q Matrix) ([]float64, error) {
	if err := h.checkQueries(Q); err != nil {
		return nil, err
	}
	key := name + "/" + h.DType.String()
	exec, ok := h.execs[key]
	if !ok {
		var err error
		if exec, err = graph.NewExec(h.backend, (func(beta, x, q *graph.Node) *graph.Node)(graphFns[name])); err != nil {
			return nil, err
		}
		h.execs[key] = exec
	}
	beta := floatTensor([]float64{h.Beta}, h.DType) // a scalar: no dimensions
	out, err := exec.Call1(beta, matrixTensor(h.X, h.DType), matrixTensor(Q, h.DType))
	if err != nil {
		return nil, fmt.Errorf("hopfield %s: %w", name, err)
	}
	return flatFloat64(out)
}

func (h *Net) checkQueries(Q Matrix) error {
	if len(Q) == 0 {
		return fmt.Errorf("hopfield: no queries given")
	}
	for i, q := range Q {
		if len(q) != h.d {
			return fmt.Errorf("hopfield: query %d has %d dimensions, the patterns have %d", i, len(q), h.d)
		}
		for j, v := range q {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("hopfield: query %d, dimension %d is %v", i, j, v)
			}
		}
	}
	return nil
}

// Energy returns E(q) for each query.
func (h *Net) Energy(Q Matrix) ([]float64, error) { return h.run("energy", Q) }

// E1 returns the convex part for each query.
func (h *Net) E1(Q Matrix) ([]float64, error) { return h.run("e1", Q) }

// E2 returns the concave part for each query.
func (h *Net) E2(Q Matrix) ([]float64, error) { return h.run("e2", Q) }

// Update returns one CCCP step Xᵀ softmax(β X q) for each query.
func (h *Net) Update(Q Matrix) (Matrix, error) { return h.rows("update", Q) }

// Gradient returns the closed-form ∇E(q) for each query.
func (h *Net) Gradient(Q Matrix) (Matrix, error) { return h.rows("gradient", Q) }

// AutodiffGradient returns ∇E(q) from GoMLX's automatic differentiation of the energy graph.
func (h *Net) AutodiffGradient(Q Matrix) (Matrix, error) { return h.rows("autodiff", Q) }

// GradientParts returns the closed-form ∇E1(q) = q and ∇E2(q) = −Xᵀ softmax(β X q).
func (h *Net) GradientParts(Q Matrix) (gradE1, gradE2 Matrix, err error) {
	if gradE1, err = h.rows("gradE1", Q); err != nil {
		return nil, nil, err
	}
	gradE2, err = h.rows("gradE2", Q)
	return gradE1, gradE2, err
}

// AutodiffGradientParts returns ∇E1 and ∇E2 from GoMLX's automatic differentiation.
func (h *Net) AutodiffGradientParts(Q Matrix) (gradE1, gradE2 Matrix, err error) {
	if gradE1, err = h.rows("autoE1", Q); err != nil {
		return nil, nil, err
	}
	gradE2, err = h.rows("autoE2", Q)
	return gradE1, gradE2, err
}

// HessianE1 returns ∇²E1 = I for each query.
func (h *Net) HessianE1(Q Matrix) ([]Matrix, error) { return h.hessians("hessianE1", Q) }

// HessianNegE2 returns β Xᵀ(diag(p) − ppᵀ)X for each query.
func (h *Net) HessianNegE2(Q Matrix) ([]Matrix, error) { return h.hessians("hessianE2", Q) }

func (h *Net) hessians(name string, Q Matrix) ([]Matrix, error) {
	flat, err := h.run(name, Q)
	if err != nil {
		return nil, err
	}
	out := make([]Matrix, len(Q))
	for b := range Q {
		out[b] = reshapeRows(flat[b*h.d*h.d:(b+1)*h.d*h.d], h.d)
	}
	return out, nil
}

func (h *Net) rows(name string, Q Matrix) (Matrix, error) {
	flat, err := h.run(name, Q)
	if err != nil {
		return nil, err
	}
	return reshapeRows(flat, h.d), nil
}

func reshapeRows(flat []float64, cols int) Matrix {
	m := make(Matrix, len(flat)/cols)
	for i := range m {
		m[i] = flat[i*cols : (i+1)*cols]
	}
	return m
}

func matrixTensor(m Matrix, dtype dtypes.DType) *tensors.Tensor {
	flat := make([]float64, 0, len(m)*len(m[0]))
	for _, row := range m {
		flat = append(flat, row...)
	}
	return floatTensor(flat, dtype, len(m), len(m[0]))
}

// floatTensor makes a tensor of the given dtype and dimensions (none: a scalar) from flat.
func floatTensor(flat []float64, dtype dtypes.DType, dims ...int) *tensors.Tensor {
	if dtype == dtypes.Float32 {
		f32 := make([]float32, len(flat))
		for i, v := range flat {
			f32[i] = float32(v)
		}
		return tensors.FromFlatDataAndDimensions(f32, dims...)
	}
	return tensors.FromFlatDataAndDimensions(append([]float64(nil), flat...), dims...)
}

func flatFloat64(t *tensors.Tensor) ([]float64, error) {
	switch t.DType() {
	case dtypes.Float64:
		return tensors.CopyFlatData[float64](t)
	case dtypes.Float32:
		f32, err := tensors.CopyFlatData[float32](t)
		if err != nil {
			return nil, err
		}
		out := make([]float64, len(f32))
		for i, v := range f32 {
			out[i] = float64(v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("hopfield: unexpected output dtype %s", t.DType())
}
