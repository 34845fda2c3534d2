# qp-eval: set-up and checks. Every target installs what it needs into .venv itself.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
QP     := $(abspath $(VENV))/bin/qp-eval

.PHONY: install demo test lint bench bench-large docs examples fuzz render-check clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

# one worker per core, a test file to a worker (its module fixtures are built once): 2.8 -> 1.7 min on two cores
test: install
	$(PY) -m pytest -n auto --dist loadfile

demo: install
	cd examples && $(QP) collect --year 2024
	cd examples && $(QP) validate --year 2024
	cd examples && $(QP) rank --year 2024
	cd examples && $(QP) report --year 2024 --format xlsx
	cd examples && $(QP) brief --year 2024 --date 2025-01-03
	cd examples && $(QP) letters --year 2024 --date 2025-01-10
	cd examples && $(QP) booklet --year 2024
	@echo ""
	@echo "示例输出在 examples/reports/2024/：评估结果工作簿（含“自评对照”“审定调整”表）及其附表、审议稿、函告（函告/）和亮点汇编。"
	@echo "2025年1月6日局长办公会议的决定登记在 examples/scores/2024/审议决定.xlsx：朱家角镇调整 +0.5 分，审定为优秀。"
	@echo "各街镇自评表在 examples/scores/2024/自评/；白鹤镇未报告已登记的问题，重固镇少报一个亮点。"

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

fuzz: install
	QP_FUZZ_EXAMPLES=500 $(PY) -m pytest tests/test_fuzz.py

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
