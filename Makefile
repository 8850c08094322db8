# Targets used by people and by CI alike. `make scan` and `make test` set up on their own:
# `make scan` installs dedup and its runtime dependencies only; every other target adds the
# dev and bench extras to the same venv (its stamp comes after the runtime one).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.installed-runtime
STAMP := $(VENV)/.installed

PEERS ?= .venv-peers
PEER_STAMP := $(PEERS)/.installed

.PHONY: install scan test lint format typecheck check bench bench-peers profile eval golden demo pictures clean

$(RUNTIME_STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME_STAMP)

$(STAMP): $(RUNTIME_STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	touch $(STAMP)

install: $(STAMP)  ## editable install with the dev and bench extras, in .venv

scan: $(RUNTIME_STAMP)  ## scan the seed articles (installs the runtime dependencies only)
	$(BIN)/dedup scan seeds/

test: $(STAMP)  ## run the test suite (unit, end-to-end, doctests)
	$(BIN)/python -m pytest -q

lint: $(STAMP)  ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)  ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP)  ## mypy on the package
	$(BIN)/mypy dedup

check: lint typecheck test  ## everything CI runs

# The peers of `make bench-peers` (text-dedup, in a venv of its own: it brings datasets,
# pyarrow and torch, about 1.4 GB, which dedup's own install does not need).
PEER_ARGS = $(if $(wildcard $(PEER_STAMP)),--text-dedup $(PEERS)/bin/python)

bench: $(STAMP)  ## speed and quality at 10k and 100k generated articles (two variants), beside datasketch MinHash.bulk + LSH (and text-dedup, once make bench-peers has installed it)
	$(BIN)/python benchmarks/bench.py --sizes 10000,100000 --variants standard $(PEER_ARGS) \
		--threshold 0.8 --baseline-args "--bulk --ngram 5" --out benchmarks/RESULTS-bench.md
	$(BIN)/python benchmarks/bench.py --sizes 10000,100000 --variants phrase-heavy --skip-index \
		$(PEER_ARGS) --threshold 0.8 --baseline-args "--bulk --ngram 5" \
		--out benchmarks/RESULTS-bench-phrase-heavy.md

$(PEER_STAMP):
	$(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/python -m pip install --quiet --upgrade pip
	$(PEERS)/bin/python -m pip install --quiet "text-dedup==0.4.0"
	touch $(PEER_STAMP)

bench-peers: $(STAMP) $(PEER_STAMP)  ## make bench with text-dedup 0.4.0 beside it (installed in .venv-peers)
	$(MAKE) bench

profile: $(STAMP)  ## where a scan of ARTICLES (default 10000) generated articles spends its time
	$(BIN)/python benchmarks/profile.py --articles $(or $(ARTICLES),10000) --variant $(or $(VARIANT),standard) --functions 25

eval: $(STAMP)  ## quality on the labelled sets in ../shared/datasets, beside jusText, trafilatura, MinHash
	$(BIN)/python benchmarks/eval.py --out benchmarks/RESULTS.md
	$(BIN)/python benchmarks/eval_verifier.py --sizes 10000,100000 --out benchmarks/RESULTS-verifier.md
	$(BIN)/python benchmarks/eval_stock.py --out benchmarks/RESULTS-stock.md

demo: $(STAMP)  ## the newsroom walkthrough: init, the pre-commit hook, a copy blocked, a rename, an edit (in a temporary git repository)
	$(BIN)/python tests/walkthrough.py

pictures: $(STAMP)  ## the README's pictures: docs/report.svg (text report) and docs/report-html.png (HTML report, with Chromium)
	$(BIN)/python docs/pictures.py

golden: $(STAMP)  ## outputs byte for byte those of REV (default HEAD): scan, clean, index
	$(BIN)/python benchmarks/golden.py --before $(or $(REV),HEAD)

clean:  ## remove caches and build artefacts
	rm -rf build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis benchmarks/work
