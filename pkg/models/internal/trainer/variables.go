package trainer

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// readVariablesAsParameters makes graph g read every variable of store as a parameter, that is
// its value at each call, and then marks g as training or not.
//
// The Go backend asks GoMLX to embed variables as constants in graphs not marked as training.
// A compiled graph would then keep the weights it was compiled with: an evaluation graph
// compiled in epoch 1 would score epoch 1's weights ever after. GoMLX creates a variable's
// node once per graph, so reading them all while g is marked as training settles it.
func ReadVariablesAsParameters(store *model.Store, g *Graph, training bool) {
	store.SetTraining(g, true)
	for v := range store.IterVariables() {
		v.ValueGraph(g)
	}
	store.SetTraining(g, training)
}

// EqualTensors reports whether a and b have the same shape and values (resume tests compare
// every variable of an interrupted run with an uninterrupted one).
func EqualTensors(a, b *tensors.Tensor) bool {
	return a.Shape().Equal(b.Shape()) && a.Equal(b)
}
