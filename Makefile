# Two commands for a fresh Debian/Ubuntu machine: `make run` and `make test`.
# Everything else a machine needs is installed from here, never by hand.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Shared libraries PySide6's wheels load on Linux (offscreen and X11), plus poppler-utils
# whose pdftotext/pdffonts the tests use to read PDFs the way a person does, and zbar-tools to
# scan the certificates' QR codes back; age to decrypt bundles with the reference tool, and
# LibreOffice's Calc (headless) to re-save the import tests' lists as xls, ods and xlsx.
DEBIAN_PACKAGES := libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 \
	libdbus-1-3 libglib2.0-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
	libxcb-shape0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libxcb-randr0 \
	poppler-utils zbar-tools age libreoffice-calc-nogui

.PHONY: run test soak bench deps clean catalogs selfcheck wheel package package-check

run: $(STAMP)
	$(BIN)/tthtcd

test: $(STAMP)
	$(BIN)/ruff check desktop_app tests bench
	$(BIN)/ruff format --check desktop_app tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy desktop_app
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# The fault tests (kill -9 at random points) ten times longer than in `make test`.
soak: $(STAMP)
	TTHTCD_FAULT_RUNS=100 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q \
		tests/services/test_backup_faults.py tests/services/test_faults.py \
		tests/cli/test_cli_outputs.py -k "kill"

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/people.py
	$(BIN)/python bench/certificates.py
	$(BIN)/python bench/ledger.py --no-pdf
	$(BIN)/python bench/ops.py
	$(BIN)/python bench/backup.py
	$(BIN)/python bench/sync.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/sync_gui.py
	$(BIN)/python bench/import.py
	$(BIN)/python bench/models.py
	$(BIN)/python bench/reports.py

selfcheck: $(STAMP)
	$(BIN)/tthtcd selfcheck

# The wheel carries the same package data as the frozen bundle: desktop_app/resources and the
# committed catalogs in desktop_app/i18n/locale ([tool.setuptools.package-data] in pyproject.toml).
# build/lib goes first so that no file deleted from the tree survives into the wheel.
wheel: $(STAMP)
	rm -rf build/lib
	$(BIN)/python -m pip wheel --no-deps -q -w dist .
	$(BIN)/python -m zipfile -l dist/tthtcd-*.whl | grep -v '\.py '

package: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --log-level WARN installer/tthtcd.spec

# The frozen app must start headless: temp database, migrations, a PDF, both languages.
package-check: package
	dist/tthtcd/tthtcd-cli selfcheck

deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian packages:$$missing"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
		else \
			echo "Missing Debian packages. Run as root:"; \
			echo "  sudo apt-get install -y$$missing"; \
			exit 1; \
		fi; \
	fi

$(STAMP): pyproject.toml i18n/vi.po i18n/en.po
	@command -v dpkg >/dev/null 2>&1 && $(MAKE) --no-print-directory deps || true
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	$(BIN)/python -m desktop_app.i18n.build
	touch $(STAMP)

# Updates i18n/*.po and writes the compiled desktop_app/i18n/locale/*/LC_MESSAGES/tthtcd.mo, which
# are committed with them (tests/test_package.py fails while they differ).
catalogs: $(STAMP)
	$(BIN)/python -m desktop_app.i18n.build --extract

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache
