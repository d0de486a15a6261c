# Tremplin — two commands on a fresh machine: `make run` and `make test` (README.md).
SHELL := /bin/bash
PORT ?= 3000
ADDRESS := 127.0.0.1:$(PORT)
STATE_DIR := .spin
COMPONENTS := accounts apply decide pass suspend prolong directory assets
BENCH_COMPONENTS := hello write-floor
WASM_FLAGS := --target wasm32-wasip2 --release

.PHONY: setup browser build run test fuzz bench clean

setup:
	@command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs"; exit 1; }
	@rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2

# Exactly what `spin build` runs, component by component, in one cargo invocation.
build: setup
	cargo build $(WASM_FLAGS) $(addprefix -p ,$(COMPONENTS) $(BENCH_COMPONENTS))

# Serves the app on http://$(ADDRESS) with `spin up` when the spin CLI is there, otherwise with
# the bundled host, then loads the demo data; data persists in $(STATE_DIR)/ across restarts.
# E-mail goes to the local mailbox on http://$(MAILBOX) (tools/mailbox), readable in a browser.
MAILBOX_PORT ?= 3025
MAILBOX := 127.0.0.1:$(MAILBOX_PORT)
run: build
	@mkdir -p $(STATE_DIR)
	@[ -s $(STATE_DIR)/bootstrap-token ] || od -An -tx1 -N24 /dev/urandom | tr -d ' \n' > $(STATE_DIR)/bootstrap-token
	cargo build --profile native -p tremplin-load -p tremplin-mailbox $(if $(shell command -v spin),,-p tremplin-host)
	@export SPIN_VARIABLE_BOOTSTRAP_TOKEN=$$(cat $(STATE_DIR)/bootstrap-token) SPIN_VARIABLE_DEMO_DATA=true \
	  SPIN_VARIABLE_APP_URL=http://$(ADDRESS) SPIN_VARIABLE_EMAIL_API_ORIGIN=http://$(MAILBOX) \
	  SPIN_VARIABLE_EMAIL_API_URL=http://$(MAILBOX)/messages SPIN_VARIABLE_EMAIL_API_KEY=demo; \
	target/native/tremplin-mailbox --listen $(MAILBOX) & mailbox=$$!; \
	if command -v spin >/dev/null; then \
	  echo "Serving with spin up"; spin up --listen $(ADDRESS) --state-dir $(STATE_DIR) & \
	else \
	  echo "spin CLI not found: serving with the bundled host"; \
	  target/native/tremplin-host --manifest spin.toml --listen $(ADDRESS) --state-dir $(STATE_DIR) & \
	fi; \
	server=$$!; trap 'kill $$server $$mailbox 2>/dev/null' INT TERM EXIT; \
	TREMPLIN_BOOTSTRAP_TOKEN=$$SPIN_VARIABLE_BOOTSTRAP_TOKEN target/native/tremplin-load --url http://$(ADDRESS) --demo \
	  && echo "Tremplin is ready on http://$(ADDRESS) (demo password: tremplin-demo-2026), e-mail on http://$(MAILBOX)/. Ctrl-C stops it." \
	  && wait $$server

# Every test: the domain's unit tests, the loader's, and the HTTP tests of the real components
# in the bundled host (they need the release .wasm files, built first).
# The browser test drives headless Chromium through ChromeDriver, both Debian packages.
browser:
	@[ -x /usr/bin/chromedriver ] || { \
	  [ "$$(id -u)" = 0 ] && SUDO= || SUDO=sudo; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; }

test: build browser
	cargo test --locked -p tremplin-domain -p tremplin-load -p tremplin-host -p tremplin-tests
	$(MAKE) fuzz

# Schemathesis (pinned in tests/fuzz/requirements.txt, installed in target/fuzz-venv) against the
# served app's own /api/v1/openapi.json: every operation, public and with demo tokens
# (tests/fuzz/run.py, tests/fuzz/schemathesis.toml). FUZZ_ARGS adds Schemathesis options. The
# host and loader are debug builds: they reuse what `cargo test` compiled, and the components
# they run are the release .wasm files all the same.
fuzz: build
	cargo build --locked -p tremplin-host -p tremplin-load
	@[ -x target/fuzz-venv/bin/python ] || python3 -m venv target/fuzz-venv
	target/fuzz-venv/bin/pip install --quiet --disable-pip-version-check -r tests/fuzz/requirements.txt
	target/fuzz-venv/bin/python tests/fuzz/run.py $(FUZZ_ARGS)

# Latency and throughput figures through the bundled host: `make bench` (all), or
# `make bench BENCH=foundation` / `BENCH=directory` / `BENCH=apply` / `BENCH=decide` / `BENCH=passacts`
# (tests/app/src/bin/bench.rs).
# `directory` and `apply` first load the synthetic data (`tremplin-load --synthetic`: 20,000
# structures, 20,000 prescribers, 300,000 candidates, 1,000,000 applications; BENCH_SCALE=0.1
# loads a tenth); `apply` checks issue 7's targets for sending and the boxes.
bench: build
	cargo build --profile native --locked -p tremplin-load -p tremplin-tests --bin tremplin-load --bin tremplin-bench
	target/native/tremplin-bench $(BENCH)

clean:
	cargo clean
