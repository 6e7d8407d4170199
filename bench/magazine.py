"""
A generated magazine in a database of its own, for bench/load.py and bench/explain.py.

SQLite gets a file in the caller's temporary directory; PostgreSQL a database created on the
server DATABASE_URL names (its credentials need CREATEDB, as the test suite's do) and dropped
afterwards, so the database DATABASE_URL names is never read or written. The site is built
by the project's own commands, in subprocesses: ``migrate`` then ``generate_articles``.
"""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
SEED = 1


def postgresql_server_url():
    """DATABASE_URL if it names a PostgreSQL server, else None."""
    url = os.environ.get("DATABASE_URL", "")
    return url if urlsplit(url).scheme in {"postgres", "postgresql"} else None


def with_database(url, name):
    """``url`` with its database name replaced by ``name``."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_connection(server_url):
    import psycopg

    # CREATE and DROP DATABASE cannot run in a transaction, and not while connected to the
    # database itself: the server's maintenance database takes the connection.
    return psycopg.connect(with_database(server_url, "postgres"), autocommit=True)


def drop_postgresql_database(server_url, name):
    from psycopg import sql

    with _admin_connection(server_url) as connection:
        # FORCE: a server still stopping must not keep the database alive.
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextmanager
def postgresql_database(server_url, name, keep=False):
    """A new, empty database ``name``, dropped on the way out unless ``keep``; yields its URL."""
    from psycopg import sql

    drop_postgresql_database(server_url, name)
    with _admin_connection(server_url) as connection:
        connection.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(name)
            )
        )
    try:
        yield with_database(server_url, name)
    finally:
        if not keep:
            drop_postgresql_database(server_url, name)


def postgresql_has_articles(url, count):
    """Whether the database at ``url`` exists and already holds ``count`` articles or more."""
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            (found,) = connection.execute("SELECT count(*) FROM articles_article").fetchone()
    except psycopg.Error:
        return False
    return found >= count


def vacuum_analyze(url):
    """
    What autovacuum would have done by the time readers come: generating updates every row
    once (the search vector), and a table fresh from a bulk load has neither visibility map
    (no index-only scan) nor statistics.
    """
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def manage(env, *args, echo=True):
    """Runs ``manage.py *args`` with ``env`` and returns its output; raises if it fails."""
    result = subprocess.run(  # noqa: S603 (our own interpreter and manage.py, no shell)
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise RuntimeError(f"manage.py {' '.join(args)} failed with status {result.returncode}")
    if echo and result.stdout.strip():
        print(result.stdout.rstrip(), flush=True)
    return result.stdout


def build(env, articles, images=12):
    """
    Migrates the database ``env`` names and generates ``articles`` articles into it.
    Returns the seconds ``generate_articles`` took.
    """
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    started = time.perf_counter()
    # The generator is in the demo app, which production settings leave out.
    demo_env = {**env, "DJANGO_DEMO": "1"}
    manage(
        demo_env, "generate_articles", str(articles), "--seed", str(SEED), "--images", str(images)
    )
    seconds = time.perf_counter() - started
    if urlsplit(env["DATABASE_URL"]).scheme != "sqlite":
        vacuum_analyze(env["DATABASE_URL"])
    return seconds
