"""
A time limit on every request, in every worker class gunicorn.conf.py configures.

gunicorn's own ``timeout`` is a heartbeat: the master kills a worker that has not
reported for that long. A sync worker reports only between requests, so a request
stuck there is killed with its worker; a threaded (gthread) worker reports from its
main thread whatever its request threads do, so a request stuck in one of them would
run for ever, holding a thread, a database connection and maybe a write lock.

So each worker keeps a watchdog thread. A request running past the limit gets a
RequestTimeout raised in its own thread, at the next Python instruction it executes:
its transaction rolls back, Django answers 500 and logs the error (and mails it to
ADMINS in production), and the worker goes on serving. A request stuck in C code
that never returns to Python (a regular expression running away, a blocking call
with no timeout) cannot be interrupted that way: after ``grace`` more seconds the
worker exits, and the master starts a new one. Requests served by that worker's
other threads are lost then, which is why the first remedy is the one above.
"""

import ctypes
import logging
import os
import threading
import time

from django.core.exceptions import RequestAborted

logger = logging.getLogger("screenmania.watchdog")


class RequestTimeout(RequestAborted):
    """
    A request ran past the server's time limit. Django's own word for a request that
    cannot finish, so that code in lower layers, which may not import this one, can
    tell it from its own failures: images/forms.py must not report it as a bad image.
    """


def _raise_in(thread_id, exception):
    """Raises ``exception`` in the thread ``thread_id`` (None cancels a pending one)."""
    return ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


class Watchdog:
    def __init__(self, limit, grace, check_every=0.25):
        self.limit = limit
        self.grace = grace
        self.check_every = check_every
        # Thread id -> [start (monotonic), what it serves, interrupted].
        self.running = {}
        self.lock = threading.Lock()

    def request_started(self, description):
        with self.lock:
            self.running[threading.get_ident()] = [time.monotonic(), description, False]

    def request_finished(self):
        thread_id = threading.get_ident()
        with self.lock:
            entry = self.running.pop(thread_id, None)
            if entry and entry[2]:
                # Interrupted as it was finishing: the exception must not reach the
                # next request this thread serves.
                _raise_in(thread_id, None)

    def start(self):
        threading.Thread(target=self._watch, name="request-watchdog", daemon=True).start()

    def _watch(self):
        while True:
            time.sleep(self.check_every)
            self.check(time.monotonic())

    def check(self, now):
        with self.lock:
            for thread_id, entry in self.running.items():
                started, description, interrupted = entry
                overdue = now - started - self.limit
                if overdue >= 0 and not interrupted:
                    logger.error(
                        "%s ran for %.0f s, past the limit of %s s: interrupted",
                        description,
                        now - started,
                        self.limit,
                    )
                    _raise_in(thread_id, RequestTimeout)
                    entry[2] = True
                elif overdue >= self.grace:
                    logger.critical(
                        "%s still runs %.0f s after it was interrupted: the worker exits",
                        description,
                        overdue,
                    )
                    logging.shutdown()
                    # Not sys.exit(): it would wait for the very thread that is stuck.
                    os._exit(1)
