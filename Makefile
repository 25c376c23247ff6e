# The two set-up commands of the README:
#   make run   — install into .venv and start the product with the demo organization
#   make test  — install into .venv (with test tools and system packages) and run the tests
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test bench

$(BIN)/aad: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/aad
	$(BIN)/aad serve --demo

test: $(BIN)/aad
	bash scripts/install-system-deps
	$(BIN)/pytest -n auto

bench: $(BIN)/aad
	for f in tests/benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done
