"""The production configuration run for real in tests: gunicorn on a free loopback port."""

import http.client
import os
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).parent / "gunicorn"
CONFIG = BASE_DIR / "screenmania" / "gunicorn.conf.py"


def production_env(tmp_path, **extra):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "WEB_CONCURRENCY", "GUNICORN"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="production-server-test-" + "s3cr3t-" * 8,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    env.update(extra)
    return env


def manage(env, *args):
    subprocess.run(  # noqa: S603 (this venv's Python and our manage.py)
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True
    )


def collect_static(root):
    """The static files as production serves them: hashed and compressed, into ``root``."""
    env = production_env(root.parent, DJANGO_STATIC_ROOT=str(root))
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    return root


def migrate(database):
    """A new SQLite file at ``database``, every migration applied, data migrations included."""
    env = production_env(database.parent, DATABASE_URL=f"sqlite:///{database}")
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    return database


def copy_database(source, env):
    """The SQLite file ``env`` names, made a copy of ``source``: migrated without migrating."""
    target = env["DATABASE_URL"].removeprefix("sqlite:///")
    # SQLite's own backup, so that a copy never misses what its write-ahead log holds.
    with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
        original.backup(copy)
    original.close()
    copy.close()


def get(port, path, **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(env, *args, stderr=subprocess.PIPE):
    """gunicorn with our configuration, ``env`` and ``args``, once it accepts connections."""
    port = int(env["GUNICORN_BIND"].rsplit(":", 1)[1])
    process = subprocess.Popen(  # noqa: S603 (our gunicorn and config)
        [str(GUNICORN), "-c", str(CONFIG), *args], cwd=BASE_DIR, env=env, stderr=stderr
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, "gunicorn did not start"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
