#!/usr/bin/env bash
# Set-up for a fresh Debian/Ubuntu machine: Jupyter, the lesson data packages, Chromium for the
# browser test, JupyterLab 3.6.8 built from npm (scripts/jupyterlab-setup.sh), GoNB + goimports +
# gopls, and the GoNB kernel with the project's build settings.
# Idempotent: each step is skipped when already done. Called by `make lessons` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PATH:/usr/local/go/bin:$(go env GOPATH)/bin"
# go.mod needs Go 1.27: the go command fetches this release from the module proxy once.
export GOTOOLCHAIN=go1.27.3

# Debian packages. Jupyter comes from Debian (there is no PyPI here); /usr/bin/python3 runs it.
source scripts/apt.sh
apt_install jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client jupyter-nbformat \
  python3-ipykernel dataset-fashion-mnist chromium chromium-driver

# JupyterLab 3.6.8 from npm for the browser test and `make jupyterlab` (cached after the first build).
bash scripts/jupyterlab-setup.sh

# Go tools for GoNB (exact versions: the proxy refuses some version lists).
command -v goimports >/dev/null || go install golang.org/x/tools/cmd/goimports@v0.38.0
command -v gopls >/dev/null || go install golang.org/x/tools/gopls@v0.21.0
if ! gonb -V 2>/dev/null | grep -q 'v0.11.5'; then
  (cd tools/gonb && go install github.com/janpfeifer/gonb)
fi

# The GoNB kernel, then the project's build settings in its environment (see pkg/backend).
gonb --install --raw_error >/dev/null 2>&1 || gonb --install --raw_error
go run ./cmd/dllessons setup kernel
echo "setup: done"
