#!/bin/sh
# Train-step speed of the CNN lesson's two models at batch 8 and 64 against the PyTorch peer
# (/work/shared/peers/torch_reference.py, best of 1 and 2 threads), measured in the same run.
# Prints ratios Go/PyTorch ("x-torch": lower is better).
set -eu
cd "$(dirname "$0")/.."
GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd GOMLX_NO_AUTO_INSTALL=1 exec go test ./pkg/models -run '^$' \
	-bench 'CNNTrainStepVsPyTorch' -benchtime 1x -timeout 30m "$@"
