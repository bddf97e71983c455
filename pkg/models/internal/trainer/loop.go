package trainer

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/dllessons/dllessons/pkg/lesson"
)

// Loop is the part of a training run both trainers share: the epochs still to do, the steps of
// an epoch with divergence checks and progress, and the stall watchdog. Each trainer supplies
// its own step (forward, backward, update) and its own evaluation; E is its epoch record.
type Loop[E any] struct {
	Label         string  // the model, for messages: "cnn", "seq2seq"
	Epochs        int     // the schedule's epochs
	LearningRate  float64 // for the divergence message
	CheckpointDir string  // for messages
	// OnStep, if set, is called after every training step (progress bars).
	OnStep func(lesson.Progress)
	// OnEpoch, if set, is called with each finished epoch's record (live curves, logs).
	OnEpoch func(E)
	// Stall, if > 0, calls OnStall once when no training step finished for that long (a stuck
	// backend cannot be interrupted from inside; the caller decides what to do).
	Stall   time.Duration
	OnStall func()

	lastStep atomic.Int64 // Unix nanoseconds of the last finished step
}

// Train runs epoch until done() reaches the schedule's epochs (done counts the finished ones,
// restored from a checkpoint when resuming), under the stall watchdog, and hands each epoch's
// record to OnEpoch.
func (l *Loop[E]) Train(done func() int, epoch func() (E, error)) error {
	if err := CheckEpochsAhead(l.CheckpointDir, done(), l.Epochs); err != nil {
		return err
	}
	if l.Stall > 0 && l.OnStall != nil {
		l.lastStep.Store(time.Now().UnixNano())
		stop := WatchStall(&l.lastStep, l.Stall, l.OnStall)
		defer close(stop)
	}
	for done() < l.Epochs {
		rec, err := epoch()
		if err != nil {
			return err
		}
		if l.OnEpoch != nil {
			l.OnEpoch(rec)
		}
	}
	return nil
}

// Steps runs the steps training steps of epoch, step(i) returning step i's loss, and returns
// their mean loss. A NaN, infinite or exploded loss stops it with an error wrapping
// ErrDiverged; lastLoss is then that loss.
func (l *Loop[E]) Steps(epoch, steps int, step func(i int) (float64, error)) (meanLoss, lastLoss float64, err error) {
	var sum float64
	for i := range steps {
		loss, err := step(i)
		if err != nil {
			return 0, 0, err
		}
		if Diverged(loss) {
			return 0, loss, fmt.Errorf("%w: %s loss is %g at epoch %d step %d (learning rate %g)",
				ErrDiverged, l.Label, loss, epoch, i+1, l.LearningRate)
		}
		sum += loss
		l.lastStep.Store(time.Now().UnixNano())
		if l.OnStep != nil {
			l.OnStep(lesson.Progress{Epoch: epoch, Epochs: l.Epochs, Step: i + 1, Steps: steps, Loss: loss})
		}
	}
	return sum / float64(steps), 0, nil
}

// WatchStall calls onStall once when no step finished for limit (last holds the Unix
// nanoseconds of the last step); closing the returned channel stops it.
func WatchStall(last *atomic.Int64, limit time.Duration, onStall func()) chan struct{} {
	stop := make(chan struct{})
	go func() {
		tick := time.NewTicker(limit / 10)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if time.Since(time.Unix(0, last.Load())) > limit {
					onStall()
					return
				}
			}
		}
	}()
	return stop
}
