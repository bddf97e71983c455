package trainer_test

import (
	"fmt"
	"math"

	"github.com/dllessons/dllessons/pkg/models/internal/trainer"
)

// A model supplies its step (here a list of losses) and its evaluation; the loop runs the epochs
// still to do and stops at a diverged loss.
func ExampleLoop() {
	losses := [][]float64{{2, 1}, {0.5, math.NaN()}}
	var history []float64
	loop := &trainer.Loop[float64]{Label: "toy", Epochs: 3, LearningRate: 0.1,
		OnEpoch: func(mean float64) { fmt.Println("epoch done, mean loss", mean) }}
	err := loop.Train(func() int { return len(history) }, func() (float64, error) {
		epoch := len(history) + 1
		mean, _, err := loop.Steps(epoch, 2, func(i int) (float64, error) { return losses[epoch-1][i], nil })
		if err != nil {
			return 0, err
		}
		history = append(history, mean)
		return mean, nil
	})
	fmt.Println(history)
	fmt.Println(err)
	// Output:
	// epoch done, mean loss 1.5
	// [1.5]
	// training diverged: toy loss is NaN at epoch 2 step 2 (learning rate 0.1)
}
