# The two set-up commands of the README:
#   make run   — install into .venv and start the product with the demo organization
#                (make run PORT=8080 HOST=0.0.0.0; the demo's data stay in .aad-demo/)
#   make test  — install into .venv (with test tools and system packages) and run the tests
# Both install the exact versions of requirements.lock (regenerate it with `make lock`).
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test bench lock lint types

$(BIN)/aad: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

lock:
	PYTHON=$(PYTHON) bash scripts/lock

run: $(BIN)/aad
	$(BIN)/aad serve --demo --host $(HOST) --port $(PORT)

test: $(BIN)/aad
	bash scripts/install-system-deps
	$(BIN)/pytest -n auto

lint: $(BIN)/aad
	$(BIN)/ruff check analysis app tests scripts
	$(BIN)/ruff format --check analysis app tests scripts

# mypy as configured in pyproject.toml: analysis/ strict, app/ with the default checks
types: $(BIN)/aad
	$(BIN)/mypy

bench: $(BIN)/aad
	for f in tests/benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done
