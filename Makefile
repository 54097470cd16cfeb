# Two commands: `make run` (demo on SQLite, no other service) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# Absolute links (e-mails, SMS, QR codes, PDFs) follow PORT unless SITE_URL is set explicitly.
SITE_URL ?= http://127.0.0.1:$(PORT)
DEMO_ENV := DEBUG=true REQUIRE_STAFF_MFA=false

.PHONY: run test lint stack setup system-packages messages makemessages clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Local development defaults for a bare `manage.py` (never committed; production sets the environment).
.env:
	printf '# Local development only (see docs/configuration.md)\nDEBUG=true\nREQUIRE_STAFF_MFA=false\n' > .env

# The Debian packages (one list, in scripts/system-packages): installed when root, else the exact command.
system-packages:
	scripts/system-packages

setup: system-packages $(BIN)/.installed .env messages

# Compiled catalogues are build output (.mo files are not committed).
messages: $(BIN)/.installed
	$(DEMO_ENV) $(BIN)/python manage.py compilemessages --ignore='.venv' --verbosity 0

makemessages: $(BIN)/.installed
	$(DEMO_ENV) $(BIN)/python manage.py makemessages --locale vi --ignore='.venv/*' --ignore='var/*' --ignore='locale_vendor/*' --no-obsolete

run: setup
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	$(DEMO_ENV) SITE_URL=$(SITE_URL) $(BIN)/python manage.py seed_demo
	$(DEMO_ENV) SITE_URL=$(SITE_URL) PORT=$(PORT) BIN=$(BIN) scripts/serve-demo

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
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf var staticfiles .pytest_cache
