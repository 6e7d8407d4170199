"""
Gunicorn's configuration for production: ``gunicorn -c screenmania/gunicorn.conf.py``.

Every value can be overridden from the environment, the usual way for gunicorn
(WEB_CONCURRENCY, GUNICORN_THREADS, PORT...), so that one file serves a laptop
(`make serve`), the benchmarks and a real server.
"""

import gc
import multiprocessing
import os

wsgi_app = "screenmania.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")

cores = multiprocessing.cpu_count()
if os.environ.get("REDIS_URL"):
    # Sync workers, gunicorn's advice for CPU-bound pages: two per core plus one,
    # so that a worker waiting on the database leaves the cores busy.
    workers = int(os.environ.get("WEB_CONCURRENCY", 2 * cores + 1))
    threads = int(os.environ.get("GUNICORN_THREADS", 1))
else:
    # Without Redis the cache is local memory, which is per process: one process
    # with threads keeps the page cache exact (an edit is seen by every request).
    workers = int(os.environ.get("WEB_CONCURRENCY", 1))
    threads = int(os.environ.get("GUNICORN_THREADS", 2 * cores + 1))

# Slow clients are a CDN's or a proxy's job; a request still running after this many
# seconds is a bug, interrupted whatever the worker class (screenmania/watchdog.py).
# One stuck where it cannot be interrupted ends its worker request_grace seconds later.
request_timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
request_grace = int(os.environ.get("GUNICORN_REQUEST_GRACE", 10))
# gunicorn's own limit, a heartbeat: the master kills a worker silent this long. A sync
# worker is silent while it serves, so this is the last resort behind the watchdog.
timeout = request_timeout + request_grace + 5
graceful_timeout = 20
keepalive = 5
# Recycles workers now and then, so that a slow leak cannot grow without bound;
# the jitter keeps them from restarting all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = max_requests // 10
# The application is imported once and forked: workers share its memory pages.
preload_app = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Which scheme and client a request had is for a TLS-terminating proxy to say, and only
# when there is one (DJANGO_BEHIND_TLS_PROXY, as for Django): then the proxy on this
# machine, or FORWARDED_ALLOW_IPS. Otherwise nobody may, whatever socket gunicorn listens on.
if os.environ.get("DJANGO_BEHIND_TLS_PROXY", "").strip().lower() in {"1", "true", "yes", "on"}:
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
else:
    forwarded_allow_ips = ""
    secure_scheme_headers = {}


# What a worker's first requests would load, loaded before it serves any
# (screenmania/warmup.py): once in the master, and its connections in each worker.
def when_ready(server):
    from screenmania.warmup import warm_up

    server.log.info("Warmed up before forking: %d templates compiled", warm_up())


def post_worker_init(worker):
    from screenmania.warmup import connect
    from screenmania.watchdog import Watchdog

    connect()
    worker.watchdog = Watchdog(request_timeout, request_grace)
    worker.watchdog.start()


# Both run in the thread that serves the request, sync or threaded worker alike.
def pre_request(worker, req):
    worker.watchdog.request_started(f"{req.method} {req.path}")


def post_request(worker, req, environ, resp):
    worker.watchdog.request_finished()


# The collector and the preloaded application. Django, its apps and their modules are
# a few hundred thousand objects that live as long as the process; left to the
# collector, each of its full passes walks all of them again in every worker, a pause
# of tens of milliseconds in the middle of some reader's request, and writes to their
# pages, which then stop being shared with the master. Frozen in the master just
# before each fork (gc.freeze), they are out of the collector's sight in the workers,
# which collect only what requests create. Python's documentation for gc.freeze gives
# this recipe: disabled in the parent while it loads, frozen before fork, enabled in
# the child. GUNICORN_GC_FREEZE=0 turns it off, to measure the difference.
if os.environ.get("GUNICORN_GC_FREEZE", "1") != "0":
    gc.disable()

    def pre_fork(server, worker):
        gc.freeze()

    def post_fork(server, worker):
        gc.enable()
