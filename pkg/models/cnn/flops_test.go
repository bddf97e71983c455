package cnn

import "testing"

// TestTrainStepFLOPs checks the count against the course architecture worked out by hand for one
// image: conv1 2·48²·27·32, conv2 2·24²·288·64, conv3 2·12²·576·128; fc1 2·4608·1024 (without
// batch norm; 2·128·1024 after global average pooling), fc2 2·1024·512, fc3 2·512·6; three
// times each (forward, weights' and input's gradient), conv1 twice.
func TestTrainStepFLOPs(t *testing.T) {
	conv1, conv2, conv3 := 2.0*48*48*27*32, 2.0*24*24*288*64, 2.0*12*12*576*128
	fc2, fc3 := 2.0*1024*512, 2.0*512*6
	for _, c := range []struct {
		variant Variant
		fc1     float64
	}{{Variant{false}, 2.0 * 4608 * 1024}, {Variant{true}, 2.0 * 128 * 1024}} {
		perImage := 2*conv1 + 3*(conv2+conv3+c.fc1+fc2+fc3)
		for _, batch := range []int{1, 8, 64} {
			if got, want := TrainStepFLOPs(c.variant, batch), perImage*float64(batch); got != want {
				t.Errorf("%s batch %d: %.0f FLOPs, want %.0f", c.variant.Name(), batch, got, want)
			}
		}
	}
	// The estimate: about 11 GFLOP for the CNN without batch norm at batch 64.
	if got := TrainStepFLOPs(Variant{false}, 64) / 1e9; got < 10.5 || got > 11 {
		t.Errorf("cnn batch 64: %.2f GFLOP, want about 10.7", got)
	}
}
