// Package trainer holds what the cnn and seq2seq trainers share: the training Loop (epochs still
// to do, the steps of an epoch with divergence checks, step and epoch callbacks, the stall
// watchdog; each model supplies its step and its evaluation), a Run's identity in its checkpoint
// folder (settings, data fingerprint, the history saved with the weights), checkpoints that
// survive a kill and refuse another run's or another data set's folder, resuming (the random
// generator's state and a schedule that may not shrink), reading model variables as graph
// parameters (the Go backend would otherwise bake them into graphs as constants), and the timing
// of the PyTorch peer for `make bench`.
package trainer
