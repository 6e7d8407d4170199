"""
The production configuration as `make serve` runs it: gunicorn, DEBUG off, static
files hashed, compressed and cached for a year by whitenoise.
"""

import json
import os
import re
import runpy
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import (
    BASE_DIR,
    CONFIG,
    copy_database,
    free_port,
    get,
    production_env,
    serving,
)

# Static files, compression and gunicorn's settings: nothing a database changes.
pytestmark = pytest.mark.same_on_every_database

ONE_YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def server(tmp_path_factory, collected_static, migrated_database):
    tmp_path = tmp_path_factory.mktemp("production")
    port = free_port()
    env = production_env(
        tmp_path, GUNICORN_BIND=f"127.0.0.1:{port}", DJANGO_STATIC_ROOT=str(collected_static)
    )
    copy_database(migrated_database, env)
    with serving(env) as process:
        yield {"port": port, "pid": process.pid, "static_root": collected_static}


def hashed_name(static_root, name):
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    return manifest["paths"][name]


def test_hashed_static_files_are_cached_for_a_year_and_compressed(server):
    name = hashed_name(server["static_root"], "css/screenmania.css")
    assert re.search(r"\.[0-9a-f]{12}\.css$", name)
    response, plain = get(server["port"], f"/static/{name}")
    assert response.status == 200
    max_age = int(re.search(r"max-age=(\d+)", response.headers["Cache-Control"]).group(1))
    assert max_age >= ONE_YEAR
    assert "immutable" in response.headers["Cache-Control"]

    compressed, body = get(server["port"], f"/static/{name}", **{"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert len(body) < len(plain)


def test_static_files_can_neither_run_script_nor_be_framed(server):
    name = hashed_name(server["static_root"], "img/favicon.svg")
    response, _body = get(server["port"], f"/static/{name}")
    assert response.status == 200
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_come_from_gunicorn_with_production_headers(server):
    response, body = get(server["port"], "/")
    assert response.status == 200
    assert response.headers["Server"].startswith("gunicorn")
    assert "s-maxage" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "DEBUG" not in body.decode()
    missing, body = get(server["port"], "/articles/inconnu/")
    assert missing.status == 404
    assert "Traceback" not in body.decode()


def test_without_redis_one_process_serves_with_threads(server):
    listing = Path(f"/proc/{server['pid']}/task/{server['pid']}/children")
    # A worker the master is starting again (after a time limit, say) is briefly not
    # there: wait for it, then there must be one, never several.
    deadline = time.monotonic() + 30
    while not listing.read_text().split() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(listing.read_text().split()) == 1


def gunicorn_settings(**environ):
    saved = dict(os.environ)
    try:
        for name in ("REDIS_URL", "WEB_CONCURRENCY", "GUNICORN_THREADS"):
            os.environ.pop(name, None)
        os.environ.update(environ)
        return runpy.run_path(str(CONFIG))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_worker_count_follows_the_cores_and_the_environment():
    cores = os.cpu_count()
    with_redis = gunicorn_settings(REDIS_URL="redis://127.0.0.1:6379/0")
    assert (with_redis["workers"], with_redis["threads"]) == (2 * cores + 1, 1)
    alone = gunicorn_settings()
    assert (alone["workers"], alone["threads"]) == (1, 2 * cores + 1)
    chosen = gunicorn_settings(REDIS_URL="redis://127.0.0.1:6379/0", WEB_CONCURRENCY="7")
    assert chosen["workers"] == 7


WARM_UP_PROBE = """
import django, json, sys
django.setup()
from django.db import connection
from django.template import engines
from screenmania.warmup import warm_up
from search import lemmatizer
compiled = warm_up()
loader = engines["django"].engine.template_loaders[0]
print(json.dumps({
    "compiled": compiled,
    "cached": len(loader.get_template_cache),
    "database_connected": connection.connection is not None,
    "redis_imported": "redis" in sys.modules,
    "lemmas_loaded": lemmatizer.table.cache_info().currsize == 1,
}))
"""


def test_the_master_warms_up_without_connecting(tmp_path, collected_static):
    """
    gunicorn's master compiles the templates and loads what a first request would (the
    search's lemmas among them), for every worker it forks; a connection opened there would
    be shared by all of them.
    """
    env = production_env(
        tmp_path, REDIS_URL="redis://127.0.0.1:1/0", DJANGO_STATIC_ROOT=str(collected_static)
    )
    env["DJANGO_SETTINGS_MODULE"] = "screenmania.settings"
    probe = subprocess.run(  # noqa: S603 (this venv's Python, our probe)
        [sys.executable, "-c", WARM_UP_PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(probe.stdout.splitlines()[-1])
    templates = [path for path in (BASE_DIR / "templates").rglob("*") if path.is_file()]
    assert found["compiled"] == len(templates)
    assert found["cached"] >= len(templates)
    assert found["redis_imported"]
    # A worker's first search or save would otherwise build it: 0.7 s, and 100 MiB more.
    assert found["lemmas_loaded"]
    assert not found["database_connected"]
    hooks = gunicorn_settings(REDIS_URL="redis://127.0.0.1:6379/0")
    assert callable(hooks["when_ready"]) and callable(hooks["post_worker_init"])


def test_a_worker_starts_while_the_database_and_redis_are_down(tmp_path):
    """A worker that failed to boot would make gunicorn's master give up: it starts, and waits."""
    env = production_env(
        tmp_path, REDIS_URL="redis://127.0.0.1:1/0", DJANGO_SETTINGS_MODULE="screenmania.settings"
    )
    env["DATABASE_URL"] = "postgres://nobody:nothing@127.0.0.1:1/screenmania"
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); import screenmania.warmup as w; w.connect()",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 0, started.stderr[-2000:]
    assert "Database default unreachable as the worker starts" in started.stderr
    assert "Cache unreachable as the worker starts" in started.stderr
