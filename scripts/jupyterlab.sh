#!/usr/bin/env bash
# Opens the lessons in JupyterLab 3.6.8 (built from npm by scripts/jupyterlab-setup.sh, served by
# Debian's jupyter-server on 127.0.0.1):
#   scripts/jupyterlab.sh [FOLDER] [jupyter-server options...]     FOLDER: notebooks/ by default
# `make jupyterlab` runs it. The Go (gonb) kernel comes from scripts/setup.sh.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
folder="${1:-$repo/notebooks}"
[ $# -gt 0 ] && shift
if [ ! -f "$repo/jupyterlab/build/bundle.js" ]; then
  bash "$repo/scripts/jupyterlab-setup.sh"
fi
# The kernel's Go settings (GOTOOLCHAIN etc.) are in its kernel spec; DLLESSONS_BACKEND and
# DLLESSONS_QUICK pass through from this shell.
exec /usr/bin/python3 "$repo/jupyterlab/dllessons_lab.py" --ServerApp.ip=127.0.0.1 \
  --ServerApp.root_dir="$(cd "$folder" && pwd)" "$@"
