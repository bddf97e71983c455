#!/bin/sh
# Train-step speed of the CNN lesson's two models at batch 8 and 64 against the PyTorch peer
# (pkg/models/torchpeer/torch_peer.py, best of 1 and 2 threads), measured in the same run:
# scripts/bench.sh restricted to the CNN rows. Prints ratios Go/PyTorch ("x-torch": lower is better).
set -eu
exec bash "$(dirname "$0")/bench.sh" -bench 'CNNTrainStepVsPyTorch' "$@"
