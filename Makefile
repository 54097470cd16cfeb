# Two commands: `make run` (demo on SQLite, no other service) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
DEMO_ENV := DEBUG=true REQUIRE_STAFF_MFA=false

.PHONY: run test lint stack setup messages makemessages clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Local development defaults for a bare `manage.py` (never committed; production sets the environment).
.env:
	printf '# Local development only (see docs/configuration.md)\nDEBUG=true\nREQUIRE_STAFF_MFA=false\n' > .env

setup: $(BIN)/.installed .env messages

# Compiled catalogues are build output (.mo files are not committed).
messages: $(BIN)/.installed
	$(DEMO_ENV) $(BIN)/python manage.py compilemessages --ignore='.venv' --verbosity 0

makemessages: $(BIN)/.installed
	$(DEMO_ENV) $(BIN)/python manage.py makemessages --locale vi --ignore='.venv/*' --ignore='var/*' --ignore='locale_vendor/*' --no-obsolete

run: setup
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	$(DEMO_ENV) PORT=$(PORT) BIN=$(BIN) scripts/serve-demo

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The production topology on this machine (PostgreSQL, Redis, an S3 server, 2 web + 2 workers + beat):
# a journey over HTTP, a worker killed mid-task, beat fail-over. See docs/deployment.md.
stack: setup
	BIN=$(BIN) scripts/stack-smoke

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEMO_ENV) $(BIN)/python manage.py makemigrations --check --dry-run --verbosity 1

clean:
	rm -rf var staticfiles .pytest_cache
