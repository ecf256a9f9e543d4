# Tether — two commands for a newcomer: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NPM_DIR := .cache/npm-tools
export PACT_DO_NOT_TRACK := true

.PHONY: demo test install npm-tools lint typecheck unit bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

$(NPM_DIR)/.installed: npm-tools/package.json npm-tools/package-lock.json
	mkdir -p $(NPM_DIR)
	cp npm-tools/package.json npm-tools/package-lock.json $(NPM_DIR)/
	cd $(NPM_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

npm-tools: $(NPM_DIR)/.installed

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check contracts brokerclient broker verifier mocking loadgen tether

typecheck: install
	$(BIN)/mypy

unit: install npm-tools
	$(BIN)/pytest

test: install npm-tools lint typecheck unit

demo: install
	$(BIN)/tether demo

bench: install npm-tools
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .cache .mypy_cache .ruff_cache .pytest_cache tether-demo
