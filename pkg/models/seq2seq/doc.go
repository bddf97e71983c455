// Package seq2seq is the course's phoneme-to-spelling encoder-decoder of homework Question 3
// (lesson 4), with and without attention, written with GoMLX; its training (Adam, checkpointed
// and resumable), its decodings (greedy, nucleus sampling, beam search), its evaluation (CER,
// WER), its result records and its report (tables and figures).
//
// The encoder embeds the phones, runs a bidirectional LSTM with H/2 units per direction, and hands
// the concatenated final (h, c) of both directions to the decoder as its initial state. The
// decoder is an LSTM of size H over the embedded previous characters; with attention its output
// s_t attends to the encoder outputs h_i (Bahdanau scores vᵀ tanh(W_s s_t + W_h h_i), masked
// softmax over the source) and becomes tanh(W_out [c_t; s_t]). The output layer shares its
// weights with the decoder's embedding. Dropout acts on both embeddings and both outputs.
//
// GoMLX's pure-Go backend has no gradient through While loops, so every recurrence is unrolled
// over a static length; lengths are bucketed (datasets.BucketLen) so few graphs get compiled.
//
// Entry points: Run is the one pipeline of an Experiment that both `dllessons seq2seq
// train|test` and lesson 4 call: each model is loaded (Prepare) or trained and exported, every
// decoding of the test words is evaluated, and the records and figures go into a
// runstore.Seq2Seq folder, which Records reads back. NewTrainer and Trainer.Train train one
// model on the training loop shared with cnn (internal/trainer); Evaluate scores one Decoding.
package seq2seq
