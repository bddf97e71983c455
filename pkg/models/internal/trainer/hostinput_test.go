package trainer

import (
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/dllessons/dllessons/pkg/backend"
)

// TestHostInputsReachTheGraph runs a graph on inputs written into backend buffers, twice (each
// call gets its own, donated), beside an ordinary tensor input.
func TestHostInputsReachTheGraph(t *testing.T) {
	be := backend.MustDefault()
	exec, err := NewExec(be, func(scale, x, y *Node) *Node { return Mul(scale, Add(x, ReduceSum(y, 0))) })
	if err != nil {
		t.Fatal(err)
	}
	for call := range 2 {
		in := NewHostInputs(be)
		in.Add(tensors.FromScalar(float32(10)))
		x, err := in.AddFloat32(3)
		if err != nil {
			t.Fatal(err)
		}
		y, err := in.AddFloat32(2, 3)
		if err != nil {
			t.Fatal(err)
		}
		for i := range x {
			x[i] = float32(i + call)
		}
		for i := range y {
			y[i] = float32(i) // columns sum to 3, 5, 7
		}
		out, err := exec.Exec1(in.Values()...)
		if err != nil {
			t.Fatal(err)
		}
		got := tensors.MustCopyFlatData[float32](out)
		for i, want := range []float32{30, 60, 90} {
			if want += float32(10 * call); got[i] != want {
				t.Errorf("call %d: output %d is %g, want %g", call, i, got[i], want)
			}
		}
	}
}
