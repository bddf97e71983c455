package seq2seq

// TrainStepFLOPs counts the floating-point operations of the matrix products of one train step
// of the model on batch words of srcLen phones and tgtLen characters (every position counted,
// padding included, as both implementations compute it), from the configuration's shapes: each
// product of an [m, k] by a [k, n] matrix is 2·m·k·n. Forward: per encoder direction and source
// position the LSTM gates [H + H/2 → 2H]; per target position the decoder gates [2H → 4H], the
// generator [H → target vocabulary]; with attention the projections W_h (source) and W_s
// (target), the score vector v and the context (each target position against each source
// position) and W_out [2H → H]. Every product needs two more in the backward pass (the gradient
// of each operand: embeddings and the encoder states are trained through them). Element-wise
// work (gate non-linearities, softmax, dropout, Adam) is left out.
func TrainStepFLOPs(cfg Config, batch, srcLen, tgtLen int) float64 {
	h, half := float64(cfg.Hidden), float64(cfg.Hidden/2)
	b, s, t := float64(batch), float64(srcLen), float64(tgtLen)
	forward := 2 * s * 2 * b * (h + half) * 4 * half // encoder, two directions
	forward += t * 2 * b * (h + h) * 4 * h           // decoder
	forward += 2 * b * t * h * float64(cfg.TgtVocab) // generator
	if cfg.Attention {
		forward += 2 * b * s * h * h     // W_h on the encoder outputs
		forward += 2 * b * t * h * h     // W_s on the decoder outputs
		forward += 2 * b * t * s * h     // v · tanh(…) for every (target, source) pair
		forward += 2 * b * t * s * h     // context: attention weights · encoder outputs
		forward += 2 * b * t * 2 * h * h // W_out on [context; state]
	}
	return 3 * forward
}
