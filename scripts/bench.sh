#!/usr/bin/env bash
# Speed of the lessons' models against the project's PyTorch peer
# (pkg/models/torchpeer/torch_peer.py), both measured in this one run on this machine; prints
# Go/PyTorch ratios (lower is better) with the BLAS and thread counts the peer used, each side's
# GFLOP/s and share of the machine's fp32 peak, peak memory beside the peer's, and the time of a
# warm lesson cell through a GoNB kernel.
# Installs what the peer needs: Debian's python3-torch and OpenBLAS, selected as the system's
# libblas.so.3 (python3-torch uses whichever BLAS the alternatives system selects; on the
# reference BLAS its train steps are several times slower and the comparison would be unfair).
# Fails with one line saying why when the peer cannot run; never skips a comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "make bench: FAILED: $*" >&2; exit 1; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

missing=()
for pkg in python3-torch libopenblas0-pthread; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (the PyTorch peer's dependencies)"
  $SUDO apt-get update -qq || fail "apt-get update failed; install ${missing[*]} by hand"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null ||
    fail "could not install ${missing[*]} with apt-get"
fi

# Select OpenBLAS as libblas.so.3 (and liblapack.so.3) where another BLAS is selected.
for alt in $(update-alternatives --get-selections | awk '$1 ~ /^(libblas|liblapack)\.so\.3/ {print $1}'); do
  openblas=$(update-alternatives --list "$alt" | grep /openblas-pthread/ | head -n1 || true)
  [ -n "$openblas" ] || fail "no OpenBLAS alternative for $alt although libopenblas0-pthread is installed"
  if [ "$(readlink -f "/etc/alternatives/$alt")" != "$(readlink -f "$openblas")" ]; then
    echo "selecting $openblas for $alt"
    $SUDO update-alternatives --set "$alt" "$openblas" >/dev/null || fail "could not select $openblas for $alt"
  fi
done

# The peer's own check: imports torch and reads which BLAS the process really mapped.
check=$(/usr/bin/python3 pkg/models/torchpeer/torch_peer.py --check 2>&1) ||
  fail "the PyTorch peer cannot run: $(echo "$check" | tail -n1)"
echo "$check" | grep -q '^BLAS name=OpenBLAS' ||
  fail "the PyTorch peer does not use OpenBLAS: $(echo "$check" | grep '^BLAS' || echo "$check" | tail -n1)"
echo "PyTorch peer: $check"

export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd GOMLX_NO_AUTO_INSTALL=1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# Train steps (with GFLOP/s and share of the machine's measured fp32 peak) and peak memory against
# the peer; a warm lesson cell through a real GoNB kernel.
go test -p 1 ./pkg/models/cnn ./pkg/models/seq2seq ./pkg/notebooks -run '^$' -bench 'VsPyTorch|WarmLessonCell' -benchtime 1x -timeout 60m "$@" 2>&1 | tee "$log" || status=$?
grep -q -- '--- SKIP' "$log" && fail "a benchmark was skipped (see above)"
[ "$status" = 0 ] || fail "a benchmark failed (see the --- FAIL lines above)"
grep -q 'x-torch\|x-pytorch' "$log" || fail "no ratio was measured (see above)"
grep -q 'of peak' "$log" || fail "no arithmetic rate was measured (see above)"
if [ $# -eq 0 ]; then # the whole benchmark; scripts/bench-cnn.sh runs the CNN rows alone
  grep -q 'peak RSS' "$log" || fail "no peak memory was measured (see above)"
  grep -q 'warm-s' "$log" || fail "the warm lesson cell was not measured (see above)"
fi
echo "make bench: done; every row above names the peer's BLAS and thread counts"
