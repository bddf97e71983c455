# dllessons — the two commands a fresh Debian/Ubuntu machine needs:
#   make lessons   set up, then execute every lesson headless into out/ (notebooks + HTML)
#   make test      set up, then go vet, every Go test, and every lesson in quick mode
# Both install what they need (scripts/setup.sh is idempotent). Both also build the lessons'
# two editions from the one source in notebooks/ (dllessons exercises): the teacher's, with the
# exercises' solutions, and the student's, with stubs; each is executed and its checks verified.

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
# The lessons with exercises, whose student edition is executed too.
EXERCISE_LESSONS := 01_hopfield_energy_cccp 02_hopfield_attention 03_cnn_batchnorm 04_seq2seq_p2g

.PHONY: setup build lessons test vet gotest notebooks-quick editions-quick bench jupyterlab clean

setup:
	bash scripts/setup.sh

build:
	go build -o $(DLLESSONS) ./cmd/dllessons

# out/notebooks is the teacher edition executed (notebooks/ is that edition); out/teacher and
# out/student hold both editions to hand out, the student one executed in out/student.
lessons: setup build
	$(DLLESSONS) notebooks run --out out
	$(DLLESSONS) exercises verify teacher out
	$(DLLESSONS) exercises teacher out/teacher
	$(DLLESSONS) exercises student out/student/src
	$(DLLESSONS) notebooks run --dir out/student/src --out out/student $(EXERCISE_LESSONS)
	$(DLLESSONS) exercises verify student out/student
	$(DLLESSONS) screenshots --dir out/notebooks --out out/screenshots

test: setup build vet gotest notebooks-quick editions-quick

vet:
	go vet ./...

gotest:
	go test -timeout 30m ./...

# The committed lessons are the teacher edition: every exercise's check must print ✓.
notebooks-quick:
	$(DLLESSONS) notebooks run --quick --out out/quick
	$(DLLESSONS) exercises verify teacher out/quick

# The student edition (solutions replaced by stubs) of the lessons with exercises: every check
# must say "not yet", cleanly.
editions-quick:
	rm -rf out/quick-student
	$(DLLESSONS) exercises student out/quick-student/src
	$(DLLESSONS) notebooks run --quick --dir out/quick-student/src --out out/quick-student $(EXERCISE_LESSONS)
	$(DLLESSONS) exercises verify student out/quick-student

# Speed against the PyTorch peer (needs Debian's python3-torch; installs it).
bench: setup
	bash scripts/bench.sh

# Open the lessons in JupyterLab 3.6.8 (built from npm by set-up) on 127.0.0.1; Ctrl-C stops it.
jupyterlab: setup
	bash scripts/jupyterlab.sh notebooks

clean:
	rm -rf bin out/quick out/quick-student
