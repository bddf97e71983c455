package trainer

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/gomlx/gomlx/ml/model"
)

// ErrDiverged is wrapped by TrainEpoch's error when the loss became NaN, Inf or exploded.
var ErrDiverged = errors.New("training diverged")

// DivergenceLoss is a cross-entropy no sane run of these models reaches: chance is ln 6 ≈ 1.8 for
// the CNN and about ln 100 ≈ 4.6 for the seq2seq characters. Saturating activations can keep an
// exploded loss finite, so NaN and Inf alone do not catch every divergence.
const DivergenceLoss = 1e4

// diverged says whether a training loss is NaN, infinite or exploded.
func Diverged(loss float64) bool {
	return math.IsNaN(loss) || math.IsInf(loss, 0) || loss > DivergenceLoss
}

// CheckEpochsAhead refuses a schedule shorter than what the checkpoint already trained: its
// results would describe epochs the run did not ask for.
func CheckEpochsAhead(dir string, done, epochs int) error {
	if done <= epochs {
		return nil
	}
	return fmt.Errorf("checkpoint %q already reached epoch %d, beyond --epochs %d: ask for %d or more, or start over with --resume=false",
		dir, done, epochs, done)
}

// RestoreRNGState seeds the store's random generator for a new run, or, resuming, loads its
// state from the checkpoint now. Loaded lazily, it would exist only after the graphs have read
// the variables as parameters, and the Go backend would then bake the state of the moment into
// every graph not marked as training as a constant: each reuse of a compiled graph would replay
// the same dropout masks (the seq2seq train graph is one such graph).
func RestoreRNGState(store *model.Store, resuming bool, seed uint64) error {
	if !resuming {
		return store.SetRNGStateFromSeed(int64(seed))
	}
	if v := store.GetVariable("/" + model.RNGStateVariableName); v == nil || !v.HasValue() {
		return errors.New("it holds no random generator state (start over with --resume=false)")
	}
	return nil
}

// SaveWithState stores state as JSON in the store's parameter param, then saves the checkpoint
// (weights, RNG state and that parameter together), so a resumed run gets all of them back.
// It does nothing when ckpt is nil (training without a checkpoint directory).
func SaveWithState(ckpt *Checkpoints, store *model.Store, param string, state any) error {
	if ckpt == nil {
		return nil
	}
	data, err := json.Marshal(state)
	if err != nil {
		return err
	}
	store.SetParam("/"+param, string(data))
	return ckpt.Save()
}
