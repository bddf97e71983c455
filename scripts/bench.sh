#!/usr/bin/env bash
# Speed of the lessons' models against the PyTorch peer (../shared/peers/torch_reference.py),
# both measured in this one run on this machine; prints Go/PyTorch ratios (lower is better).
# Installs Debian's python3-torch, the peer's only dependency, when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
if ! dpkg-query -W -f='${Status}' python3-torch 2>/dev/null | grep -q "install ok installed"; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-torch >/dev/null
fi
export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd GOMLX_NO_AUTO_INSTALL=1
go test ./pkg/models -run '^$' -bench 'VsPyTorch' -benchtime 1x -timeout 60m "$@"
