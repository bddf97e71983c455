package main

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestWatchStallFiresOnlyWithoutProgress(t *testing.T) {
	var last atomic.Int64
	last.Store(time.Now().UnixNano())
	fired := make(chan struct{}, 1)
	stop := watchStall(&last, 100*time.Millisecond, func() { fired <- struct{}{} })
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

func TestParseS2SFlagsRejectsUnknownModel(t *testing.T) {
	if _, err := parseS2SFlags("train", []string{"--model", "transformer"}); err == nil {
		t.Error("--model transformer was accepted")
	}
	f, err := parseS2SFlags("train", nil)
	if err != nil || f.epochs != 20 || f.seed != 42 || f.k != 3 || len(f.models()) != 2 {
		t.Errorf("defaults: %+v, %v", f, err)
	}
}
