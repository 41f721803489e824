# Two commands on a fresh machine: `make demo` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NATIVE_STAMP := $(VENV)/.native-built

.PHONY: venv tools node-tools native-check demo test test-fast bench clean

venv: $(NATIVE_STAMP)

$(STAMP): requirements.txt requirements-test.txt setup.py pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.txt -r requirements-test.txt -e ".[all]"
	touch $(STAMP) $(NATIVE_STAMP)

# The Rust extension again when only its sources changed (cargo reuses native/target: seconds, not minutes).
$(NATIVE_STAMP): $(STAMP) native/Cargo.toml native/Cargo.lock $(wildcard native/src/*.rs native/src/*/*.rs)
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(NATIVE_STAMP)

demo: venv
	$(PY) -m snowplow_beam.beam_pipeline.demo --input-dir demo-input --output demo-output

tools:
	bash monitoring/install-tools.sh
	bash runners/install-prism.sh

# The Rust core's own tests and lints (the Python suite tests it through the extension).
native-check:
	cd native && cargo test --locked --quiet && cargo clippy --locked --quiet --all-targets --features python -- -D warnings

test: venv tools native-check
	$(PY) -m pytest -q tests

test-fast: venv
	$(PY) -m pytest -q -m "not slow" tests

bench: venv node-tools
	$(PY) -m bench.pipeline --records 29000 --marginal 88000 --memory 730000
	$(PY) -m bench.collector
	$(PY) -m bench.kinesis_streaming --mode scale-out --backlog 40000 --shards 8

# kinesalite and the npm tracker, as the tests install them (the Kinesis benchmark needs kinesalite)
node-tools:
	test -d .tools/node/node_modules/kinesalite || (mkdir -p .tools/node && cp tests/collector/node/package.json \
		.tools/node/ && cd .tools/node && npm install --no-audit --no-fund --loglevel=error)

clean:
	rm -rf demo-input demo-output bench-output .pytest_cache
