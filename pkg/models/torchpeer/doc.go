// Package torchpeer runs the project's PyTorch peer (torch_peer.py, embedded here) for the speed
// comparisons of `make bench`. The peer must run for real: a missing interpreter, a missing
// python3-torch, a script error or a reference (unoptimised) BLAS is an error naming what to
// install, never a skipped measurement.
package torchpeer
