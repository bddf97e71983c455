# dllessons — the two commands a fresh Debian/Ubuntu machine needs:
#   make lessons   set up, then execute every lesson headless into out/ (notebooks + HTML)
#   make test      set up, then go vet, every Go test, and every lesson in quick mode
# Both install what they need (scripts/setup.sh is idempotent).

SHELL := /bin/bash
GOBIN_DIR := $(shell go env GOPATH 2>/dev/null || echo $(HOME)/go)/bin
export PATH := $(PATH):/usr/local/go/bin:$(GOBIN_DIR)
# Go 1.27, which GoMLX v0.28.16 needs; the go command fetches it from the module proxy once
# (a machine's own Go, often GOTOOLCHAIN=local, would refuse the module). The Go backend's SIMD
# kernels. Same build settings for the CLI, tests, benchmarks and the GoNB kernel (pkg/notebooks).
export GOTOOLCHAIN := go1.27.3
export GOEXPERIMENT := simd
export GOMLX_NO_AUTO_INSTALL := 1

DLLESSONS := bin/dllessons

.PHONY: setup build lessons test vet gotest notebooks-quick bench jupyterlab clean

setup:
	bash scripts/setup.sh

build:
	go build -o $(DLLESSONS) ./cmd/dllessons

lessons: setup build
	$(DLLESSONS) notebooks run --out out
	$(DLLESSONS) screenshots --dir out/notebooks --out out/screenshots

test: setup build vet gotest notebooks-quick

vet:
	go vet ./...

gotest:
	go test -timeout 30m ./...

notebooks-quick:
	$(DLLESSONS) notebooks run --quick --out out/quick

# Speed against the PyTorch peer (needs Debian's python3-torch; installs it).
bench: setup
	bash scripts/bench.sh

# Open the lessons in JupyterLab 3.6.8 (built from npm by set-up) on 127.0.0.1; Ctrl-C stops it.
jupyterlab: setup
	bash scripts/jupyterlab.sh notebooks

clean:
	rm -rf bin out/quick
