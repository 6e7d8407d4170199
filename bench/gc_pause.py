"""
What a full pass of Python's garbage collector costs in a worker, with and without
``gc.freeze()`` before the fork (screenmania/gunicorn.conf.py), written to gc-pause.md.

Gunicorn preloads the application in its master and forks the workers. Everything loaded
then (Django, the apps, their modules, translations, URL patterns) lives as long as the
process, yet the collector's full passes walk all of it again: a pause in the middle of
whichever reader's request triggered it. The script builds the same process (the WSGI
application, then a few pages rendered, as a worker has after its first requests), times
a full collection, freezes what exists as gunicorn.conf.py does before a fork, and times
it again. It uses a temporary SQLite database, so it touches nothing of the checkout's.
"""

import gc
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = Path(__file__).with_name("gc-pause.md")
PAGES = ["/", "/sorties/", "/recherche/?q=cinema", "/feed/"]
PASSES = 5


def full_collection_ms():
    """The fastest of a few full passes: the pause a worker pays at best."""
    timings = []
    for _ in range(PASSES):
        start = time.perf_counter()
        gc.collect()
        timings.append((time.perf_counter() - start) * 1000)
    return min(timings)


def main():
    sys.path.insert(0, str(ROOT))
    workdir = tempfile.mkdtemp(prefix="screenmania-gc-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="screenmania.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="gc-pause-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"sqlite:///{workdir}/db.sqlite3",
        MEDIA_ROOT=f"{workdir}/media",
    )
    os.environ.pop("REDIS_URL", None)
    # What gunicorn.conf.py does in the master while it loads the application.
    gc.disable()
    from django.core.management import call_command

    from screenmania.wsgi import application  # noqa: F401 (loaded as gunicorn preloads it)

    call_command("migrate", verbosity=0)
    from django.test import Client

    client = Client()
    for page in PAGES:
        client.get(page)
    gc.enable()
    # The garbage made while collection was off goes first: it is not the application.
    gc.collect()

    tracked = len(gc.get_objects())
    before = full_collection_ms()
    gc.freeze()
    frozen = gc.get_freeze_count()
    after = full_collection_ms()

    REPORT.write_text(
        "# A full garbage collection in a worker\n\n"
        f"Measured by `bench/gc_pause.py` on {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores.\n\n"
        "| | Objects the collector walks | Full collection |\n"
        "| --- | ---: | ---: |\n"
        f"| Loaded application, not frozen | {tracked:,} | {before:.1f} ms |\n"
        f"| After `gc.freeze()` ({frozen:,} objects frozen) | "
        f"{len(gc.get_objects()):,} | {after:.2f} ms |\n",
        encoding="utf-8",
    )
    print(REPORT.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
