#!/usr/bin/env bash
# Builds the JupyterLab 3.6.8 frontend in jupyterlab/ from the npm packages its package-lock.json
# pins, and installs what serves it: Debian's jupyter-server and jupyterlab-server (JupyterLab 4
# needs jupyter-server 2, which Debian does not have), and Debian's MathJax 2.
# Idempotent and cached: the build is skipped while a hash of its inputs is unchanged, and
# `npm ci` while the lock file is. node_modules/ and build/ are not committed.
# Called by scripts/setup.sh; scripts/jupyterlab.sh serves the result.
set -euo pipefail
cd "$(dirname "$0")/../jupyterlab"
source ../scripts/apt.sh

packages=(python3-jupyter-server python3-jupyterlab-server libjs-mathjax)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
apt_install "${packages[@]}"

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 14 ]; then
  echo "jupyterlab-setup: Node $(node --version) is too old for webpack 5 and JupyterLab 3.6; need Node >= 14" >&2
  exit 1
fi

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

# Dependencies exactly as locked. Install scripts are skipped: none is needed for the browser
# build, and one (leveldown, a native module of the collaboration code) would compile or download.
lock_hash=$(hash_of package.json package-lock.json)
if [ "$(cat node_modules/.dllessons-lock.sha256 2>/dev/null)" != "$lock_hash" ]; then
  echo "jupyterlab-setup: npm ci (about a minute, ~200 MB in jupyterlab/node_modules)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.dllessons-lock.sha256
fi

# The build: everything webpack reads, and the Node that runs it.
build_hash=$( (node --version; cat package.json package-lock.json webpack.config.js index.js) | sha256sum | cut -d' ' -f1)
if [ "$(cat build/.dllessons-inputs.sha256 2>/dev/null)" = "$build_hash" ] && [ -f build/bundle.js ]; then
  echo "jupyterlab-setup: JupyterLab 3.6.8 build up to date (jupyterlab/build)"
  exit 0
fi
echo "jupyterlab-setup: building JupyterLab 3.6.8 with webpack (about 20 s)"
rm -rf build
log=$(mktemp)
if ! npx --no-install webpack >"$log" 2>&1 || [ ! -f build/bundle.js ]; then
  tail -40 "$log" >&2
  echo "jupyterlab-setup: the webpack build failed (full log: $log)" >&2
  exit 1
fi
rm -f "$log"
echo "$build_hash" > build/.dllessons-inputs.sha256
echo "jupyterlab-setup: built jupyterlab/build"
