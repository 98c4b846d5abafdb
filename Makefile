# Every target bootstraps what it needs on a fresh machine: uv (via pip when missing) and the
# locked environment (uv sync --frozen). `make test` also installs Debian chromium for the
# browser test when it is missing.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PY := $(UV) run --frozen python
SCENARIO ?= scenarios/baseline.yaml
PORT ?= 8501

.PHONY: env run app test bench report lint chromium docs wheel

env:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv 2>/dev/null || python3 -m pip install --quiet --user uv
	@$(UV) sync --frozen --quiet

run: env
	$(UV) run --frozen scalesim run $(SCENARIO)

app: env
	$(UV) run --frozen python -m scalesim.app.launch run app.py --server.headless true --server.port $(PORT) --browser.gatherUsageStats false

chromium:
	@{ test -x /usr/bin/chromium && test -x /usr/bin/pdftoppm; } || { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null) || (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null); }

test: env chromium
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen pytest -n 2 -q

bench: env chromium
	$(PY) benchmarks/bench_engine.py
	$(PY) benchmarks/bench_startup.py
	$(PY) benchmarks/bench_calibrate.py
	$(PY) benchmarks/bench_cluster.py
	$(PY) benchmarks/bench_peers.py
	$(PY) benchmarks/bench_report.py
	$(PY) benchmarks/bench_app.py

report: env
	@mkdir -p "$$(dirname "$${OUT:-build/report.html}")"
	$(UV) run --frozen scalesim report $(SCENARIO) --out $${OUT:-build/report.html}

lint: env
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen ruff format --check .

# The docs site (mkdocs-material + mkdocstrings) into build/site; `make test` builds it too
# (tests/test_packaging.py).
docs: env
	NO_MKDOCS_2_WARNING=1 $(UV) run --frozen mkdocs build --strict -q

# The wheel (with its shipped scenarios, report notebook and app) into dist/.
wheel: env
	$(UV) build --wheel -o dist
