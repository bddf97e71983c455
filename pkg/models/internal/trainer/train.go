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

// Run is a training run's identity in its checkpoint folder.
type Run struct {
	Label      string // the model, for messages: "cnn", "seq2seq"
	Dir        string // the checkpoint folder; "" trains without checkpoints
	RunParam   string // the store parameter holding Settings
	Settings   string // the run's settings: a checkpoint of other settings is refused
	Data       string // the data's fingerprint: a checkpoint of other data is refused
	StateParam string // the store parameter holding the state saved with the weights, as JSON
	Seed       uint64
}

// Open claims the run's checkpoint folder, loads its newest checkpoint into store and the state
// saved with it (the history, …) into state (left as it is without one), and seeds or restores
// the random generator. Without a folder it only seeds. The Checkpoints (nil without a folder)
// save the next ones.
func (r Run) Open(store *model.Store, state any) (*Checkpoints, error) {
	var ckpt *Checkpoints
	resuming := false
	if r.Dir != "" {
		var err error
		if ckpt, err = OpenCheckpoints(store, r.Dir, r.Label, 2); err != nil {
			return nil, err
		}
		if err := ckpt.Claim(r.RunParam, r.Settings, r.Data); err != nil {
			return nil, err
		}
		ckpt.stateParam = r.StateParam
		if saved, found := store.GetParam("/" + r.StateParam); found {
			if err := json.Unmarshal([]byte(fmt.Sprint(saved)), state); err != nil {
				return nil, fmt.Errorf("%s checkpoint %q: history: %w", r.Label, r.Dir, err)
			}
			resuming = true
		}
	}
	store.SetParam("/"+r.RunParam, r.Settings)
	if err := RestoreRNGState(store, resuming, r.Seed); err != nil {
		return nil, fmt.Errorf("%s checkpoint %q: %w", r.Label, r.Dir, err)
	}
	return ckpt, nil
}

// SaveState stores state as JSON in the run's state parameter, then saves the checkpoint
// (weights, RNG state and that parameter together), so a resumed run gets all of them back.
// It does nothing when f is nil (training without a checkpoint folder).
func (f *Checkpoints) SaveState(state any) error {
	if f == nil {
		return nil
	}
	data, err := json.Marshal(state)
	if err != nil {
		return err
	}
	f.store.SetParam("/"+f.stateParam, string(data))
	return f.Save()
}
