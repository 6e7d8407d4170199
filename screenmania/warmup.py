"""
What a gunicorn worker would otherwise do on its first requests, done ahead of them
(screenmania/gunicorn.conf.py): a worker new after a recycle serves its first reader
about as fast as its thousandth.

- ``warm_up()`` runs once in the master, before it forks, and every worker inherits
  what it loaded. In a fresh process against the 100,000-article PostgreSQL database,
  the first author page took 200 ms where the next took 20: importing redis-py (90 ms),
  building the URL resolvers' tables (60 ms), reading the static files' manifest and
  the translations, compiling the templates, summing up the release
  (reader/stored_page.py). The search's French lemma table too: built in a worker, it
  held up that worker's first search or save for 0.7 s, again after each recycle, and
  each worker kept a copy of its own (with two workers on the demo, a worker's share of
  memory after a search went from 120 to 76 MiB once the master built it). It opens no
  connection: a socket to PostgreSQL or Redis made in the master would be shared by
  every worker.
- ``connect()`` runs in each worker as it starts: its own database connection (the
  handshake and authentication take 15 to 30 ms) and its cache connection.
"""

import contextlib
import importlib
import logging
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.db import DatabaseError, connections
from django.template import engines
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import translation

from reader import stored_page
from search import lemmatizer

logger = logging.getLogger(__name__)


def warm_up():
    """What pages use: code, URLs, templates, translations, lemmas. Returns the templates count."""
    if any("redis" in cache["BACKEND"].lower() for cache in settings.CACHES.values()):
        # Django imports redis-py on the first cache call, in each worker.
        importlib.import_module("redis")
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Search")
            _fill_reverse_tables(get_resolver())
    # The storage reads the static files' manifest as it is made, on the first {% static %}.
    staticfiles_storage.location  # noqa: B018 (touching the lazy storage makes it)
    # The digest stored article pages are checked against reads the project's sources
    # (0.1 s), on the first article page otherwise.
    stored_page.release()
    # Read-only once built, and frozen with the rest at fork (screenmania/gunicorn.conf.py):
    # the workers share its pages.
    lemmatizer.table()
    return _compile_templates()


def connect():
    """This worker's connections to the database and the cache, made before any reader waits."""
    # Either down: the worker starts all the same, and its first request tries again
    # (a worker that failed to boot would make gunicorn's master give up).
    for alias in connections:
        try:
            connections[alias].ensure_connection()
        except DatabaseError:
            logger.warning("Database %s unreachable as the worker starts", alias, exc_info=True)
    try:
        caches["default"].get("warmup:probe")
    except Exception:
        # Redis down: the page cache copes (pagecache/stamps.py).
        logger.warning("Cache unreachable as the worker starts", exc_info=True)


def _fill_reverse_tables(resolver):
    """
    reverse() builds a resolver's tables on first use, per language, and one more
    resolver per namespace ("articles:", "admin:"): one name of each builds them.
    """
    for namespace, (_prefix, namespaced) in resolver.namespace_dict.items():
        name = next((key for key in namespaced.reverse_dict if isinstance(key, str)), None)
        # A name that needs arguments fails, with the tables built all the same.
        if name is not None:
            with contextlib.suppress(NoReverseMatch):
                reverse(f"{namespace}:{name}")


def _compile_templates():
    """Every template of the project's directories, into the cached loader."""
    compiled = 0
    for backend in engines.all():
        # The project's own directories: the admin's templates load when an editor asks.
        for directory in getattr(backend, "engine", backend).dirs:
            root = Path(directory)
            for path in sorted(root.rglob("*")):
                if path.is_file() and path.suffix in {".html", ".txt", ".xml"}:
                    backend.get_template(path.relative_to(root).as_posix())
                    compiled += 1
    return compiled
