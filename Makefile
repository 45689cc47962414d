# peertrack: `make demo` runs the demo on http://127.0.0.1:8000 (`make demo PORT=8001` on another
# port; `make serve` likewise); `make test` runs every test.
# Both set up everything they can themselves (see README, "What you need").

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The port `make demo` and `make serve` listen on, and the address links in their emails use
# (unless PEERTRACK_BASE_URL is set in the environment).
PORT ?= 8000
SITE_URL = http://127.0.0.1:$(PORT)
DEMO_ENV := DJANGO_DEBUG=1 PEERTRACK_BASE_URL=$${PEERTRACK_BASE_URL:-$(SITE_URL)}
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo serve check-deploy lint typecheck test setup system-packages python-packages frontend migrate lint clean

demo: setup
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_demo
	@echo ""
	@echo "peertrack is starting on $(SITE_URL)/ (Ctrl+C stops it)."
	@echo "The 2024 challenge: $(SITE_URL)/challenges/coventry-2024/"
	@echo "The task worker (email, notifications) runs beside it and stops with it."
	@$(DEMO_ENV) $(PY) manage.py db_worker --interval 2 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs on one pytest-xdist worker per core ("auto"); TEST_WORKERS=0 runs it in one process.
# loadgroup keeps tests that share module-wide data (the permission matrix) on one worker.
TEST_WORKERS ?= auto
test: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

# A production-like server: gunicorn + WhiteNoise on PostgreSQL, DEBUG off, on the loopback
# interface (plain HTTP there, so PEERTRACK_HTTPS=0; behind TLS leave it unset). Committee packs
# are rendered by the worker, not inside a request, so gunicorn keeps its default timeout.
SERVE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/peertrack
SERVE_ENV = DATABASE_URL=$${DATABASE_URL:-$(SERVE_DATABASE_URL)} PEERTRACK_HTTPS=$${PEERTRACK_HTTPS:-0} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
	PEERTRACK_BASE_URL=$${PEERTRACK_BASE_URL:-$(SITE_URL)} \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}
serve: setup
	@createdb -h 127.0.0.1 -U postgres peertrack 2>/dev/null || true
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "peertrack (production-like) on $(SITE_URL)/ ; load data with: $(PY) manage.py load_demo --no-logins"
	@# One secret key for the web server and the worker: links the worker emails are signed with it.
	@export DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}; \
	  $(SERVE_ENV) $(PY) manage.py db_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(SERVE_ENV) $(VENV)/bin/gunicorn peertrack.wsgi --bind 127.0.0.1:$(PORT) --workers 3 \
	  --access-logfile - --error-logfile -

# Fails on any warning from Django's deployment checklist with production settings.
check-deploy: python-packages frontend
	DJANGO_DEBUG=0 PEERTRACK_HTTPS=1 DJANGO_ALLOWED_HOSTS=peertrack.example.gov.uk \
	PEERTRACK_BASE_URL=https://peertrack.example.gov.uk \
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	$(PY) manage.py check --deploy --fail-level WARNING

setup: system-packages python-packages frontend

# Pango for WeasyPrint, Chromium for the browser tests, pdftotext/pdftoppm for
# checking PDFs. Installed with apt when missing and we are root; otherwise the
# command says what to install.
SYSTEM_PACKAGES := chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation
system-packages:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	fc-list 2>/dev/null | grep -qi "liberation" || missing="$$missing fonts-liberation"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Please install these Debian packages (as root):$$missing"; \
	  fi; \
	fi

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock $(VENV)/bin/activate
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.lock
	touch $@

python-packages: $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/app.css: node_modules/.package-lock.json $(wildcard assets/scss/*.scss)
	npm run --silent build

frontend: static/build/app.css

# Static checks: ruff (style and common bugs), bandit (no medium or high findings left
# unexplained) and mypy with django-stubs (configured in pyproject.toml).
lint: python-packages typecheck
	$(VENV)/bin/ruff check .
	$(VENV)/bin/bandit -q -c pyproject.toml -r peertrack recommendations reviews notifications --severity-level medium

typecheck: python-packages
	DJANGO_SECRET_KEY=typecheck-only $(VENV)/bin/mypy

clean:
	rm -rf $(VENV) node_modules static/build staticfiles .pytest_cache
