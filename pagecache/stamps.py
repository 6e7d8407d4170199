"""
Stamps in the shared cache: one counter, and a version per key.

- ``invalidate(keys)`` increments the counter and stamps each key with its value, once at
  once and once more when the transaction commits, then purges the CDN;
- a page remembers the counter as it was *before* it read anything;
- a page is stale when any of its keys was stamped after that.

A reader who built a page from data an editor was committing at the same moment
therefore stores a page that is already stale: the stamp at commit is later than the
counter the reader started from. A version the cache evicted could have been anything:
its pages are stale too.

When the cache fails (Redis down), stamps wait in the process that could not send them,
and are sent before the cache is trusted again.
"""

import logging
import threading
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from . import purge

logger = logging.getLogger("pagecache")

CACHE_ALIAS = "default"
PREFIX = "pagecache"
COUNTER = f"{PREFIX}:counter"
SCHEDULE = f"{PREFIX}:schedule"
# After a cache error, the cache is left alone this long before it is tried again,
# so that a Redis that is down costs one timeout, not one per request.
RETRY_AFTER_SECONDS = 5


class _Health:
    """Whether the cache answered lately; shared by the threads of a process."""

    def __init__(self):
        self.down_until = 0.0
        self.pending = set()
        self.lock = threading.Lock()

    def usable(self):
        if time.monotonic() < self.down_until:
            return False
        with self.lock:
            pending, self.pending = self.pending, set()
        if pending:
            # Stamps that failed while the cache was down are sent first: until they
            # are, its entries cannot be trusted.
            try:
                _stamp(pending)
            except Exception:
                with self.lock:
                    self.pending |= pending
                self.failed()
                return False
        return True

    def failed(self):
        self.down_until = time.monotonic() + RETRY_AFTER_SECONDS


health = _Health()

# How many times this process stamped anything: a page it copied before one of them may be
# stale, so a copy is trusted only while this has not moved (pagecache/middleware.py).
local_stamps = 0


def cache():
    return caches[CACHE_ALIAS]


def version_key(key):
    return f"{PREFIX}:v:{key}"


def counter():
    """The counter's value; a fresh cache starts it from the clock, above any past value."""
    value = cache().get(COUNTER)
    if value is None:
        cache().add(COUNTER, time.time_ns() // 1000, timeout=None)
        value = cache().get(COUNTER)
    return value


def _stamp(keys):
    cache().add(COUNTER, time.time_ns() // 1000, timeout=None)
    stamp = cache().incr(COUNTER)
    cache().set_many({version_key(key): stamp for key in keys}, timeout=None)


def invalidate(keys):
    """
    Pages showing any of ``keys`` are stale, here and on the CDN.

    Stamped at once (a page built from now on may still read the old data, in the
    transaction's lifetime) and again on commit (so that such a page is stale too).
    The CDN is purged once, after the commit.
    """
    keys = set(keys)
    if not keys:
        return
    _stamp_or_defer(keys)

    def after_commit():
        _stamp_or_defer(keys)
        purge.purge(keys)

    transaction.on_commit(after_commit)


def _stamp_or_defer(keys):
    global local_stamps
    try:
        _stamp(keys)
    except Exception:
        logger.warning("Page cache unreachable: invalidation of %s deferred", sorted(keys))
        with health.lock:
            health.pending |= keys
        health.failed()
    finally:
        # After the shared stamps: a copy checked against them before they were written
        # was kept with the count before this one.
        local_stamps += 1


def unchanged_since(stamp, keys, known=None):
    """Whether none of ``keys`` was stamped after ``stamp`` (``known``: versions read already)."""
    version_keys = [version_key(key) for key in keys]
    if known is None:
        known = cache().get_many(version_keys)
    found = [known[key] for key in version_keys if key in known]
    return len(found) == len(version_keys) and max(found, default=0) <= stamp


def adopt(keys, stamp):
    """
    Keys no change has stamped yet start at ``stamp``: what was stored with it is fresh
    for them until one does. ``add`` never overwrites a stamp made meanwhile; the read
    first spares a round trip per key once they exist.
    """
    version_keys = [version_key(key) for key in keys]
    known = cache().get_many(version_keys)
    for missing in set(version_keys) - known.keys():
        cache().add(missing, stamp, timeout=None)


# -- Time: scheduled publications ------------------------------------------------------

_schedule = None


def register_schedule(scheduled, key):
    """
    ``scheduled(until)`` lists the scheduled changes due before ``until`` as
    ``(datetime, keys it stamps)`` pairs; any change to them stamps ``key``. Registered
    by the app that schedules publications (articles.apps): the page cache knows no model.
    """
    global _schedule
    _schedule = (scheduled, key)


def expires(keys, now, stamp, expires_at):
    """
    When a page naming ``keys``, built now from the counter ``stamp`` and kept until
    ``expires_at`` at most, stops being exact: at the first scheduled change stamping one
    of its keys, if one is due before.
    """
    for at, stamped in _scheduled_changes(now, stamp):
        if at >= expires_at:
            break
        if stamped & keys:
            return at
    return expires_at


def _scheduled_changes(now, stamp):
    """
    The scheduled changes of the next two PAGE_CACHE_TIMEOUTs, as ``(timestamp, keys)``
    sorted, which a page built within the first can meet: kept in the cache until one of
    them is due, the first has passed, or a change to them stamped the schedule's key.
    """
    if _schedule is None:
        return []
    scheduled, key = _schedule
    timeout = settings.PAGE_CACHE_TIMEOUT
    found = cache().get_many([SCHEDULE, version_key(key)])
    kept = found.get(SCHEDULE)
    if (
        kept is not None
        and kept["stamp"] >= found.get(version_key(key), 0)
        and now < kept["until"] - timeout
        and (not kept["changes"] or kept["changes"][0][0] > now)
    ):
        return kept["changes"]
    until = now + 2 * timeout
    changes = sorted(
        (at.timestamp(), frozenset(keys))
        for at, keys in scheduled(datetime.fromtimestamp(until, tz=UTC))
    )
    cache().set(SCHEDULE, {"stamp": stamp, "until": until, "changes": changes}, timeout=None)
    return changes
