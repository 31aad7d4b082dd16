# MLDeck — `make demo` opens the dashboard on a demo workspace; `make test` runs every test.
# Both first install the Debian packages that are missing (apt-get; sudo when not root).

PREFIX ?= /usr/local
SHELL := /bin/bash
SWIFT ?= swift
# XGBoost's OpenMP threads spin-wait by default and turn erratic on 2 busy cores (read at load time).
export OMP_WAIT_POLICY := passive
export LANG := C.UTF-8
export SWIFT_BACKTRACE := interactive=no

# libcurl4-openssl-dev: the statically linked release build links FoundationNetworking (the MLflow
# importer's server source), which needs libcurl to link against.
APT_PACKAGES := libncurses-dev libxgboost-dev libsqlite3-dev tmux pkg-config time python3-venv gcc curl wrk libcurl4-openssl-dev

# Python for the tests that compare MLDeck with Python (the exported model's mldeck_model.py,
# fixture checks): a virtual environment in the build folder with the exact versions of
# scripts/requirements-test.txt, made again only when that file changes. Tests find it through
# MLDECK_PYTHON and fail without it; MLDECK_OFFLINE=1 skips making it, and skips those tests.
PYTHON3 ?= python3
VENV := .build/venv
PY_REQUIREMENTS := scripts/requirements-test.txt
MLDECK_PYTHON ?= $(CURDIR)/$(VENV)/bin/python
export MLDECK_PYTHON

DEBUG_BIN := .build/debug/mldeck
RELEASE_BIN := .build/release/mldeck

.PHONY: all deps venv schemathesis build release test soak demo bench fuzz fuzz-build install clean

all: build

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# The stamp is the requirements file it was made from: a changed file makes the venv again.
venv: $(VENV)/requirements.txt

$(VENV)/requirements.txt: $(PY_REQUIREMENTS) | deps
	@if [ "$(MLDECK_OFFLINE)" = 1 ]; then echo "MLDECK_OFFLINE=1: no Python environment; the tests that need it are skipped"; exit 0; fi; \
	start=$$(date +%s); echo "making $(VENV) from $(PY_REQUIREMENTS)"; \
	rm -rf $(VENV) && $(PYTHON3) -m venv $(VENV) && \
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-input -r $(PY_REQUIREMENTS) && \
	cp $(PY_REQUIREMENTS) $@ && echo "made $(VENV) in $$(( $$(date +%s) - start )) s"

# schemathesis (tests `mldeck serve` and `mldeck server` against docs/openapi/*.yaml) in a venv of
# its own: its pins do not have to agree with the test venv's.
SCHEMATHESIS_VENV := .build/schemathesis-venv
SCHEMATHESIS_REQUIREMENTS := scripts/requirements-schemathesis.txt

schemathesis: $(SCHEMATHESIS_VENV)/requirements.txt

$(SCHEMATHESIS_VENV)/requirements.txt: $(SCHEMATHESIS_REQUIREMENTS) | deps
	@if [ "$(MLDECK_OFFLINE)" = 1 ]; then echo "MLDECK_OFFLINE=1: no schemathesis; its tests are skipped"; exit 0; fi; \
	rm -rf $(SCHEMATHESIS_VENV) && $(PYTHON3) -m venv $(SCHEMATHESIS_VENV) && \
	$(SCHEMATHESIS_VENV)/bin/pip install --quiet --disable-pip-version-check --no-input -r $(SCHEMATHESIS_REQUIREMENTS) && \
	cp $(SCHEMATHESIS_REQUIREMENTS) $@ && echo "made $(SCHEMATHESIS_VENV)"

build: deps
	$(SWIFT) build --product mldeck

release: deps
	$(SWIFT) build -c release --static-swift-stdlib --product mldeck

# Unit tests, then end-to-end tests that drive the real binary (CLI and the dashboard in tmux).
test: deps venv schemathesis
	$(SWIFT) build --product mldeck
	scripts/checks/run_tests_with_summary.sh $(SWIFT) test --disable-swift-testing

# The long forms of the hardening tests (MLDECK_SOAK=1): schemathesis with ten times the examples
# for up to 10 minutes per server, the hostile clients with 400 slow connections for 45 s and a
# 64 x 250 flood, then the crash matrix and the disk, slow-disk and locked-database faults.
soak: deps venv schemathesis
	$(SWIFT) build --product mldeck
	MLDECK_SOAK=1 $(SWIFT) test --disable-swift-testing --filter 'OpenAPIEndToEndTests|HostileServerEndToEndTests|CrashMatrix|DiskFaultEndToEndTests|SlowDiskEndToEndTests|LockedDatabaseEndToEndTests'

demo: build
	$(DEBUG_BIN) demo

bench: release venv
	$(RELEASE_BIN) bench --json > .build/bench.json
	python3 scripts/update_benchmarks.py .build/bench.json BENCHMARKS.md

# libFuzzer with AddressSanitizer on every parser of outside input (Fuzz/, see FUZZING.md): one
# binary, the target picked by MLDECK_FUZZ_TARGET. Each runs FUZZ_SECONDS from the committed seeds
# plus its own growing corpus (.build/fuzz-corpus, not committed); a crash lands in Fuzz/Crashes/TARGET/,
# where `make test` replays it once the parser is fixed. FUZZ_TARGETS picks a subset.
# FUZZ_RUNS (e.g. 1000000) stops each target after that many executions instead of FUZZ_SECONDS.
# FUZZ_CONFIG=release (the default) runs ~10x more executions per second than debug; the harnesses
# reach internal parsers through @testable imports, which a release build allows with -enable-testing.
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?=
FUZZ_CONFIG ?= release
FUZZ_TARGETS ?= csv jsonl filter spec scoring feedback mlflow metrics-line theme
FUZZ_BIN := Fuzz/.build/$(FUZZ_CONFIG)/MLDeckFuzz
FUZZ_LIMIT := $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS),-max_total_time=$(FUZZ_SECONDS))

fuzz-build: deps
	cp -n Package.resolved Fuzz/Package.resolved 2>/dev/null || true
	cd Fuzz && $(SWIFT) build -c $(FUZZ_CONFIG) -Xswiftc -enable-testing -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product MLDeckFuzz

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p .build/fuzz-corpus/$$t Fuzz/Crashes/$$t; \
		echo "== $$t ($(FUZZ_LIMIT))"; \
		MLDECK_FUZZ_TARGET=$$t ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no $(FUZZ_BIN) $(FUZZ_LIMIT) -timeout=10 \
			-rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix=Fuzz/Crashes/$$t/ \
			.build/fuzz-corpus/$$t Fuzz/Corpus/$$t 2>&1 | tee .build/fuzz-$$t.log | grep -E "^(#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|stat::average_exec_per_sec|==[0-9]+==ERROR|SUMMARY)" ; \
		test $${PIPESTATUS[0]} -eq 0 || { echo "fuzz target $$t crashed: see .build/fuzz-$$t.log and Fuzz/Crashes/$$t/"; exit 1; }; \
	done

install: release
	install -d $(PREFIX)/bin $(PREFIX)/share/mldeck/themes
	install -m 755 $(RELEASE_BIN) $(PREFIX)/bin/mldeck
	install -m 644 themes/*.theme $(PREFIX)/share/mldeck/themes/

clean:
	rm -rf .build
