# mdtdesk: `make demo` opens the app on a demo store; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STORE ?= demo-store
DEMO_PATIENTS ?= 2000

.PHONY: demo test lint bench torture screenshots dist smoke clean

# A fresh Debian or Ubuntu has Python but not always its venv module: say which package,
# before anything is half-made.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
	  { echo "mdtdesk needs Python 3.11 or newer as $(PYTHON) (Debian 12, Ubuntu 24.04: sudo apt-get install python3)"; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || \
	  { echo "Python's venv module is missing: sudo apt-get install python3-venv, then run make again"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@test -f $(DEMO_STORE)/store.db || MDTDESK_PASSPHRASE= $(BIN)/mdtdesk demo --store $(DEMO_STORE) --patients $(DEMO_PATIENTS)
	@echo "Opening $(DEMO_STORE): user 'Dr Hannah Kerrison', passphrase 'mdt demo 2026'"
	$(BIN)/mdtdesk --store $(DEMO_STORE) --user "Dr Hannah Kerrison"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_store.py
	$(BIN)/python bench/bench_ui.py
	$(BIN)/python bench/bench_sync.py
	$(BIN)/python bench/bench_meetings.py
	$(BIN)/python bench/bench_actions.py
	$(BIN)/python bench/bench_care_plans.py
	$(BIN)/python bench/bench_csv_import.py
	$(BIN)/python bench/bench_impact.py
	$(BIN)/python bench/bench_backup.py

# Hundreds of kill -9 trials across the write commands and a corpus of damaged and
# forged sync files (about 20 minutes); CI runs a small count in the test suite.
torture: $(STAMP)
	$(BIN)/python -m tests.torture.run --kills 220 --mutants 320

screenshots: $(STAMP)
	@test -f $(DEMO_STORE)/store.db || MDTDESK_PASSPHRASE= $(BIN)/mdtdesk demo --store $(DEMO_STORE) --patients $(DEMO_PATIENTS)
	$(BIN)/python scripts/screenshots.py $(DEMO_STORE) "mdt demo 2026"

# The one-folder app (installer/mdtdesk.spec) in dist/mdtdesk/; make smoke then installs
# the wheel into a fresh virtualenv and tests both from a folder outside the source tree.
# installer/README.md has the installers built on the one-folder app.
dist: $(STAMP)
	@start=$$(date +%s); \
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller installer/mdtdesk.spec && \
	echo "Built dist/mdtdesk in $$(( $$(date +%s) - start )) s ($$(du -sh dist/mdtdesk | cut -f1))"

smoke: dist
	$(BIN)/python installer/smoke.py --wheel
	$(BIN)/python installer/smoke.py dist/mdtdesk/mdtdesk

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis dist build
