// Package cnn is the course's image classifier of homework Question 2 (lesson 3): three
// convolution blocks and a three-layer MLP, with and without batch normalisation, written with
// GoMLX; its training (plain SGD, checkpointed and resumable), its evaluation, its result
// records and its report (tables and figures).
//
// Images are channels last (batch×48×48×3), the layout of the course file: a 3×3 convolution
// then becomes one matrix product over 9 shifted views of the input (im2col), which on GoMLX's
// pure-Go backend is several times faster than its general convolution op and has gradients for
// every op it uses.
//
// Entry points: Run is the one pipeline of an Experiment (a plan of runs as data, a budget, a
// seed) that both `dllessons cnn train` and lesson 3 call; it trains each run with Train and
// writes its record and figures into a runstore.CNN folder, which Records reads back;
// ResultsTable, SweepPlots and TryItTable report them. The training loop (epochs, steps,
// divergence, checkpoints) is the one shared with seq2seq in internal/trainer.
// ChooseByValidation and BatchNormRunFor apply the homework's selection rule, BestEpoch gives the
// epoch early stopping would keep, and Findings states what a set of runs shows in sentences
// computed from its numbers.
package cnn
