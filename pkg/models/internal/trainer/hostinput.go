package trainer

import (
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// HostInputs makes a step's inputs on the host straight in the backend's memory, for one
// execution of a graph. A Go tensor passed to a graph is copied into a backend buffer and both
// live until the step ends; with a backend that shares its buffers with the host (the Go
// backend), an input written into the buffer itself needs no copy and no second allocation, and
// the graph, to which it is donated, frees it after its last use. At batch 64 the CNN's
// host-made inputs are 40 MB a step.
type HostInputs struct {
	backend compute.Backend
	values  []any
	local   map[int][]int // index in values → dims, for inputs kept as Go slices (no shared buffers)
}

// NewHostInputs starts an empty list of inputs for a graph on backend.
func NewHostInputs(backend compute.Backend) *HostInputs {
	return &HostInputs{backend: backend, local: map[int][]int{}}
}

// Add appends any value a graph takes as an input (a tensor, a Go scalar or slice).
func (h *HostInputs) Add(v any) { h.values = append(h.values, v) }

// AddFloat32 appends a float32 input of shape dims and returns its numbers, which the caller
// must all set before Values (a reused buffer is not zeroed).
func (h *HostInputs) AddFloat32(dims ...int) ([]float32, error) {
	shape := shapes.Make(dtypes.Float32, dims...)
	if !h.backend.HasSharedBuffers() {
		flat := make([]float32, shape.Size())
		h.local[len(h.values)] = dims
		h.Add(flat)
		return flat, nil
	}
	buf, flat, err := h.backend.NewSharedBuffer(0, shape)
	if err != nil {
		return nil, fmt.Errorf("a host input %s: %w", shape, err)
	}
	t, err := tensors.FromBuffer(buf)
	if err != nil {
		return nil, fmt.Errorf("a host input %s: %w", shape, err)
	}
	donated, err := graph.DonateTensorBuffer(t, h.backend, 0)
	if err != nil {
		return nil, fmt.Errorf("a host input %s: %w", shape, err)
	}
	h.Add(donated)
	return flat.([]float32), nil
}

// Values lists the inputs in the order they were added, for one call of the graph: each buffer
// is donated to that call.
func (h *HostInputs) Values() []any {
	for i, dims := range h.local {
		h.values[i] = tensors.FromFlatDataAndDimensions(h.values[i].([]float32), dims...)
	}
	h.local = map[int][]int{}
	return h.values
}
