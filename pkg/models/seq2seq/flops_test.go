package seq2seq

import "testing"

// TestTrainStepFLOPs checks the count for one word of 16 + 16 positions with the course's sizes
// (H = 128, 93 characters), worked out by hand: encoder 2·16·2·192·256, decoder 16·2·256·512,
// generator 2·16·128·93; attention W_h and W_s 2·16·128² each, score and context 2·16·16·128
// each, W_out 2·16·256·128; three times (forward and two gradients).
func TestTrainStepFLOPs(t *testing.T) {
	plain := 2.0*16*2*192*256 + 16.0*2*256*512 + 2.0*16*128*93
	attention := plain + 2*(2.0*16*128*128) + 2*(2.0*16*16*128) + 2.0*16*256*128
	for _, c := range []struct {
		cfg  Config
		want float64
	}{
		{Config{Hidden: 128, SrcVocab: 107, TgtVocab: 93}, 3 * plain},
		{Config{Attention: true, Hidden: 128, SrcVocab: 107, TgtVocab: 93}, 3 * attention},
	} {
		for _, batch := range []int{1, 64} {
			if got := TrainStepFLOPs(c.cfg, batch, 16, 16); got != c.want*float64(batch) {
				t.Errorf("attention=%v batch %d: %.0f FLOPs, want %.0f", c.cfg.Attention, batch, got, c.want*float64(batch))
			}
		}
	}
}
