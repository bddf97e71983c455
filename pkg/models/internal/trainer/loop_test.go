package trainer

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestWatchStallFiresOnlyWithoutProgress(t *testing.T) {
	var last atomic.Int64
	last.Store(time.Now().UnixNano())
	fired := make(chan struct{}, 1)
	stop := WatchStall(&last, 100*time.Millisecond, func() { fired <- struct{}{} })
	defer close(stop)
	for range 6 { // steps keep finishing: no alarm
		time.Sleep(40 * time.Millisecond)
		last.Store(time.Now().UnixNano())
	}
	select {
	case <-fired:
		t.Fatal("the watchdog fired while steps were finishing")
	default:
	}
	select { // no more steps: it must fire
	case <-fired:
	case <-time.After(2 * time.Second):
		t.Fatal("the watchdog did not fire after 2 s without a step")
	}
}
