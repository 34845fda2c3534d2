# qp-eval: set-up and checks. Every target installs what it needs into .venv itself.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
QP     := $(abspath $(VENV))/bin/qp-eval

.PHONY: install demo test lint bench bench-large docs examples fuzz mutate render-check bundle bundle-check clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

# one worker per core, a test file to a worker (its module fixtures are built once): 2.8 -> 1.7 min on two cores
test: install
	$(PY) -m pytest -n auto --dist loadfile

# the example year shipped in the package, copied into qp-eval-示例/ and run there (qp-eval demo: no make needed)
demo: install
	$(QP) demo

# The documents as rendered pages: LibreOffice to PDF, Chromium for the HTML (tests/test_render.py).
# Installs what is missing from Debian's packages when run as root; writes the README's images to docs/.
RENDER_PACKAGES := libreoffice-calc libreoffice-writer poppler-utils fonts-noto-cjk chromium
render-check: install
	@if ! (command -v soffice && command -v pdftotext && command -v chromium) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "安装渲染所需的程序：$(RENDER_PACKAGES)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(RENDER_PACKAGES) >/dev/null; \
	  else echo "缺少 LibreOffice、poppler-utils 或 Chromium，且无法自动安装（需要 root 和 apt-get）。"; fi; \
	fi
	QP_RENDER_REQUIRED=1 QP_RENDER_DOCS=$(abspath docs) $(PY) -m pytest -q tests/test_render.py

# the offline install bundle for the bureau's PCs (Windows x64, Linux x86_64 and aarch64; CPython 3.11-3.13):
# dist/qp-eval-<version>-offline.zip, checked complete for every platform and Python (downloads from PyPI)
bundle: install
	$(PY) scripts/bundle.py --out dist

# the bundle as an office PC meets it: each set resolved offline, then install.sh in a fresh folder with no
# index (and no network, where the system lets us cut it) and qp-eval demo run from what it installed
bundle-check: bundle
	QP_BUNDLE=$(abspath dist) $(PY) -m pytest -q tests/test_bundle.py

fuzz: install
	QP_FUZZ_EXAMPLES=500 $(PY) -m pytest tests/test_fuzz.py

# mutation testing of the core's scoring, ranking, published figures, rule kinds and score and figure checks
# (mutmut, configured in pyproject.toml): every surviving mutant listed; the recorded run and what each
# survivor means are in benchmarks/MUTATION.md. About a quarter of an hour on two cores; not in make test or CI.
mutate: install
	$(PY) -m pip install --quiet "mutmut==3.8.1"
	rm -rf mutants
	$(PY) scripts/mutate.py

docs: install
	$(PY) scripts/update_readme_codes.py

examples: install
	$(PY) examples/generate.py

# style (ruff) and the layers (import-linter: cli -> io -> core, and what the core may not import; pyproject.toml)
lint: install
	$(PY) -m pip install --quiet ruff
	$(VENV)/bin/ruff check src tests benchmarks examples scripts
	$(VENV)/bin/lint-imports

bench: install
	$(PY) benchmarks/bench.py

bench-large: install
	$(PY) benchmarks/bench.py --large

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis
