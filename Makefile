# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-fast test-postgres bench lint install install-test browser clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/maillage db upgrade
	$(BIN)/maillage seed-demo --if-empty
	$(BIN)/maillage run --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests; without apt-get (or root) they skip with a message.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not installed and apt-get unavailable: browser tests will skip"; fi; }

# The whole suite on SQLite (browser tests included), then again on PostgreSQL when it answers.
test: install-test browser
	$(BIN)/pytest $(PYTEST_ARGS)
	$(BIN)/python -m tests.postgres_check && \
	  MAILLAGE_TEST_BACKEND=postgres $(BIN)/pytest -m "not browser" $(PYTEST_ARGS) || \
	  { status=$$?; [ $$status = 3 ] && echo "PostgreSQL did not answer: the PostgreSQL run is skipped." || exit $$status; }

# The fast part alone: no browser, SQLite only.
test-fast: install-test
	$(BIN)/pytest -m "not browser" -n 2 $(PYTEST_ARGS)

test-postgres: install-test
	MAILLAGE_TEST_BACKEND=postgres $(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python -m tests.bench

lint: install-test
	$(BIN)/ruff check app tests migrations

# Refresh the message template from the code and templates, and the French catalogue from it.
# No fuzzy matching: a changed English text must get a fresh translation, not a near guess.
messages: install
	$(BIN)/pybabel extract --mapping-file babel.cfg --output-file app/translations/messages.pot \
	  --project maillage --header-comment '# Message template for Maillage, made by `make messages`.' \
	  --add-comments Translators: --add-location file --sort-output --ignore-dirs '.* __pycache__' .
	$(BIN)/pybabel update --input-file app/translations/messages.pot --output-dir app/translations \
	  --locale fr --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache
