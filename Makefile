# Two commands on a fresh machine: `make demo` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv tools demo test test-fast bench clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-test.txt setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.txt -r requirements-test.txt -e ".[all]"
	touch $(STAMP)

demo: venv
	$(PY) -m snowplow_beam.beam_pipeline.demo --input-dir demo-input --output demo-output

tools:
	bash monitoring/install-tools.sh
	bash runners/install-prism.sh

test: venv tools
	$(PY) -m pytest -q tests

test-fast: venv
	$(PY) -m pytest -q -m "not slow" tests

bench: venv
	$(PY) -m bench.pipeline
	$(PY) -m bench.collector

clean:
	rm -rf demo-input demo-output bench-output .pytest_cache
