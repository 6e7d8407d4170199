# Screenmania: `make run` to try it, `make test` to prove it.
# Every target builds what it needs first; nothing is installed outside .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test test-services lint format messages install services check-deploy bench clean help

help:
	@echo "make run           install, migrate, load the demo and serve http://$(HOST):$(PORT), with a task worker"
	@echo "make serve         the production configuration (gunicorn, whitenoise, no debug) on http://$(HOST):$(PORT)"
	@echo "make test          the whole test suite (SQLite, or DATABASE_URL/REDIS_URL if set)"
	@echo "make test-services start PostgreSQL, Redis, Chromium and the validators, then make test on them"
	@echo "make lint          ruff, formatting, the apps' layers, missing migrations, deploy checks"
	@echo "make messages      compile the translations (.po -> .mo)"
	@echo "make format        let ruff fix what it can and format the code"
	@echo "make bench         measurements (bench/README.md): page weight, load test, query plans"
	@echo "make clean         remove the venv, compiled translations and caches"

# The venv is rebuilt whenever a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

messages: $(VENV)/.installed
	$(BIN)/pybabel compile --domain django --directory locale --statistics

run: export DJANGO_DEBUG ?= 1
run: export SITE_URL ?= http://$(HOST):$(PORT)
# Quiet where the output is a report of nothing done; the editor's password is made
# once and kept in .editor_password (ignored by git), so that restarting the server
# logs nobody out.
run: $(VENV)/.installed messages
	$(MANAGE) migrate --no-input --verbosity 0
	$(MANAGE) loaddemo
	$(MANAGE) renditions --verbosity 0
	$(MANAGE) ensure_editor --password-file .editor_password
	@echo "Screenmania: http://$(HOST):$(PORT)/  (newsroom: http://$(HOST):$(PORT)/admin/)"
	@# The background worker beside the server, in a process group of its own (setsid)
	@# so that stopping the server stops it and the copy its reloader runs.
	setsid $(MANAGE) tasks_worker --reload --verbosity 0 & worker=$$!; \
	trap 'kill -TERM -$$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

# The production configuration on this machine: DEBUG off, hashed and compressed
# static files, gunicorn. Plain HTTP on the loopback, so no HTTPS redirect; the
# secret key is made once and kept in .secret_key (ignored by git).
serve: export DJANGO_DEBUG = 0
serve: export DJANGO_SECURE_SSL_REDIRECT ?= 0
serve: export DJANGO_ALLOWED_HOSTS ?= $(HOST),localhost
serve: export SITE_URL ?= http://$(HOST):$(PORT)
serve: export PORT := $(PORT)
serve: export GUNICORN_BIND ?= $(HOST):$(PORT)
serve: $(VENV)/.installed messages .secret_key
	DJANGO_SECRET_KEY=$$(cat .secret_key) $(MANAGE) migrate --no-input
	DJANGO_SECRET_KEY=$$(cat .secret_key) $(MANAGE) collectstatic --no-input --verbosity 0
	@echo "Screenmania (production configuration): http://$(HOST):$(PORT)/"
	DJANGO_SECRET_KEY=$$(cat .secret_key) $(BIN)/gunicorn -c screenmania/gunicorn.conf.py

.secret_key:
	umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# One test process per core, plus one (pytest-xdist): the browser tests and those that
# start servers spend part of their time waiting, which the extra process fills. The
# whole SQLite suite, warm, in 3 processes on 2-core machines of this kind with nothing
# else running: 346 s on one (2026-12-06), 516 to 540 s on another (2026-12-07), whose
# cores did the same Python work 15 to 25 % slower. A first run, which draws the demo's
# pictures and their renditions, takes 20 to 50 s more. In 4 processes it was slower on
# both (414 s against 371 s; 562 s against 516 to 540 s): the cores are then never idle
# (0.3 % of the time), and a quarter of their work is Chromium's, which the processor
# time `time` reports leaves out. A module's tests stay in one process, so that a
# module's fixtures (the demo, a server) are made once.
# TEST_WORKERS=0 runs the suite in this process alone. The slowest tests are listed at
# the end, so that a run's log says where its time went.
TEST_WORKERS ?= $(shell echo $$(($$(nproc) + 1)))
# Compiled modules are kept (__pycache__, ignored by git) even where the environment says
# not to, as container images often do (PYTHONDONTWRITEBYTECODE): each of the suite's
# processes would otherwise rewrite the tests' assertions and compile them again, which
# made collecting the tests take each process 6.3 s instead of 2.6 s.
test: export PYTHONDONTWRITEBYTECODE =
test: $(VENV)/.installed messages
	$(BIN)/pytest --numprocesses $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder --durations=15 $(PYTEST_ARGS)

# Needs root on Debian 12: see scripts/services.sh.
services:
	bash scripts/services.sh all

test-services: services
	eval "$$(bash scripts/services.sh env)" && $(MAKE) test

lint: export DJANGO_DEBUG ?= 1
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(MANAGE) makemigrations --check --dry-run
	$(MAKE) check-deploy

# Production settings must pass Django's deployment checklist with no warning.
check-deploy: $(VENV)/.installed
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=check-deploy-$$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n') \
	DJANGO_ALLOWED_HOSTS=screenmania.example SITE_URL=https://screenmania.example \
	$(MANAGE) check --deploy --fail-level WARNING

# Measurements, one target per script in bench/, each writing its report next to it.
# Page weight needs Debian's Chromium (bash scripts/services.sh chromium); the load test
# and the query plans need PostgreSQL, Redis and wrk (bash scripts/services.sh postgres
# redis wrk, then eval "$$(bash scripts/services.sh env)"). BENCH_ARGS go to both, e.g.
# make bench-load BENCH_ARGS="--articles 5000" for a quick run.
# Every measurement runs even if one fails; make bench fails if any did.
.PHONY: bench-page-weight bench-load bench-explain bench-gc bench-hostile-text bench-wordpress-import bench-newsletter
bench:
	@status=0; for target in bench-page-weight bench-load bench-explain bench-gc bench-hostile-text bench-wordpress-import bench-newsletter; do \
		$(MAKE) --no-print-directory $$target || status=1; \
	done; exit $$status

bench-page-weight: $(VENV)/.installed messages
	$(PY) bench/page_weight.py

bench-load: $(VENV)/.installed messages
	$(PY) bench/load.py $(BENCH_ARGS)

bench-explain: $(VENV)/.installed messages
	$(PY) bench/explain.py $(BENCH_ARGS)

bench-gc: $(VENV)/.installed messages
	env -u DATABASE_URL -u REDIS_URL $(PY) bench/gc_pause.py

bench-hostile-text: $(VENV)/.installed messages
	env -u DATABASE_URL -u REDIS_URL $(PY) bench/hostile_text.py

bench-wordpress-import: $(VENV)/.installed messages
	env -u DATABASE_URL -u REDIS_URL $(PY) bench/wordpress_import.py $(BENCH_ARGS)

bench-newsletter: $(VENV)/.installed messages
	env -u DATABASE_URL -u REDIS_URL $(PY) bench/newsletter.py $(BENCH_ARGS)

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
	find locale -name '*.mo' -delete
