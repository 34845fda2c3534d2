# qp-eval: set-up and checks. Every target installs what it needs into .venv itself.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
QP     := $(abspath $(VENV))/bin/qp-eval

.PHONY: install demo test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

test: install
	$(PY) -m pytest

demo: install
	$(QP) rubric check --year 2024
	$(QP) rubric show --year 2024

lint: install
	$(PY) -m pip install --quiet ruff
	$(VENV)/bin/ruff check src tests

bench: install
	$(PY) benchmarks/bench.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis
