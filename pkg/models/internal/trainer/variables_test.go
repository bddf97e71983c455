package trainer

import (
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/dllessons/dllessons/pkg/backend"
)

// TestEvaluationGraphsSeeNewWeights: a compiled graph not marked as training must read a
// variable's current value, not the value it had when the graph was compiled.
func TestEvaluationGraphsSeeNewWeights(t *testing.T) {
	store := model.NewStore()
	w, err := store.CreateVariable("/w", tensors.FromScalar(float32(1)))
	if err != nil {
		t.Fatal(err)
	}
	var g *Graph
	exec, err := model.NewExec(backend.MustDefault(), store, func(_ *model.Scope, x *Node) *Node {
		g = x.Graph()
		ReadVariablesAsParameters(store, g, false)
		return Mul(x, w.ValueGraph(x.Graph()))
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, weight := range []float32{1, 3} {
		if err := w.SetValue(tensors.FromScalar(weight)); err != nil {
			t.Fatal(err)
		}
		outs, err := exec.Call(tensors.FromScalar(float32(2)))
		if err != nil {
			t.Fatal(err)
		}
		if got := tensors.ToScalar[float32](outs[0]); got != 2*weight {
			t.Errorf("with weight %g the graph computed %g, want %g", weight, got, 2*weight)
		}
	}
	if store.IsTraining(g) {
		t.Error("the graph should not be marked as training")
	}
}
