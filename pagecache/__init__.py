"""
Whole pages for anonymous readers, served from the cache and never stale.

A view whose page may be shared by every anonymous reader says so, and names
what the page shows, with ``public_page(response, keys)``: keys such as
``article-12``, ``section-3``, ``tag-5``, ``author-2``, ``image-7``, ``articles``
for anything that lists articles (which ones are published, in which order), and
``article-texts`` for what shows every article's text (feeds, sitemaps, search).
The same keys go out as ``Surrogate-Key`` and ``Cache-Tag`` so that a CDN can
purge by them, and the models' signals call ``invalidate(keys)`` when something a
page shows changes.

Exactness rests on one counter and a version per key, in the shared cache:

- ``invalidate`` increments the counter and stamps each key with its value,
  once at once and once more when the transaction commits;
- a page remembers the counter as it was *before* it read anything;
- a page is stale when any of its keys was stamped after that.

A reader who rendered a page from data an editor was committing at the same
moment therefore stores a page that is already stale: the stamp at commit is
later than the counter the reader started from. Time is the one change that
sends no signal: a page also expires when the next scheduled article is due.

Pieces of pages are kept the same way (``fragment()``): an article's card, which
a dozen lists show and a publication leaves as it was, though it makes every
list stale. They carry the counter read as the request began, before any of
their data was, so they are exact by the same argument, and they serve every
request: a page built after an invalidation, an editor's, or with the page
cache off (``DJANGO_FRAGMENT_CACHE=0`` turns them off). Parts (``parts()``) are
pieces whose keys are only known once built, such as the article page's own block:
they are stored with their keys, and expire when the next scheduled article is due.

A page gone stale is built by one request; others asking for it meanwhile wait for
that build (a lock in the cache, PAGE_CACHE_BUILD_WAIT at most) and are served its
page once stored, checked fresh like any other: under a spike, the page everyone is
reading is built once after a change, not once per request in flight.

With Redis, every server and worker shares the entries and the versions. With
local memory they are per process, which is why ``make serve`` runs one process
without Redis (screenmania/gunicorn.conf.py). When the cache fails (Redis
down), pages are served uncached, invalidations wait in the process that
could not send them, and both resume when the cache answers again.
"""

import hashlib
import itertools
import json
import logging
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag, urlencode
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

CACHE_ALIAS = "default"
PREFIX = "pagecache"
COUNTER = f"{PREFIX}:counter"
# Where the next scheduled publication time is kept, stamped like a page.
NEXT_PUBLICATION = f"{PREFIX}:next-publication"
# Every page carries it: a purge of this key empties a CDN of our pages.
SITE_KEY = "site"
# What every published article says, and when it was last changed: feeds carry the
# bodies, sitemaps the dates, a search matches the text. A page showing an article
# through its card has the article's own key instead.
ARTICLE_TEXTS = "article-texts"
# What a feed or a sitemap shows of every article it lists (and the sitemap of
# every work): too many to name one by one in a header, so any change to any of
# them makes it stale.
ALL_CONTENT_KEYS = frozenset({"articles", ARTICLE_TEXTS, "authors", "tags", "images", "works"})
# How long a page is kept after it expired, known to be stale: when it is asked for
# again meanwhile, one request builds it and the others wait (_wait_for_builder()).
STALE_KEPT_SECONDS = 60
# After a cache error, the cache is left alone this long before it is tried again,
# so that a Redis that is down costs one timeout, not one per request.
RETRY_AFTER_SECONDS = 5
# How often a request waiting for another to build the same page looks for it.
BUILD_POLL_SECONDS = 0.01
# Answers are never copied from the cache into a response (the outer middleware
# adds them to every response, cached or not) nor stored (they are per request).
PER_REQUEST_HEADERS = {"set-cookie", "date", "content-length"}


def key_for(instance):
    """The surrogate key naming one object: ``article-12``, ``tag-5``."""
    return f"{instance._meta.model_name}-{instance.pk}"


def public_page(response, keys, expires_at=None):
    """
    Mark ``response`` as the same for every anonymous reader, showing ``keys``.

    The page cache stores it and a CDN may; without this mark, a response is
    neither stored nor given shared-cache headers. ``expires_at`` (a datetime)
    is for a page that changes with time alone, like a window of recent articles.
    """
    response.surrogate_keys = {SITE_KEY, "sections", *keys}
    response.expires_at = expires_at.timestamp() if expires_at else None
    return response


# -- The cache, and what to do when it fails ----------------------------------------


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
            # Invalidations that failed while the cache was down are sent first:
            # until they are, its entries cannot be trusted.
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


def _cache():
    return caches[CACHE_ALIAS]


def _version_key(key):
    return f"{PREFIX}:v:{key}"


def _counter():
    """The counter's value; a fresh cache starts it from the clock, above any past value."""
    cache = _cache()
    value = cache.get(COUNTER)
    if value is None:
        cache.add(COUNTER, time.time_ns() // 1000, timeout=None)
        value = cache.get(COUNTER)
    return value


def _stamp(keys):
    cache = _cache()
    cache.add(COUNTER, time.time_ns() // 1000, timeout=None)
    stamp = cache.incr(COUNTER)
    cache.set_many({_version_key(key): stamp for key in keys}, timeout=None)
    if "articles" in keys:
        cache.delete(NEXT_PUBLICATION)


def invalidate(keys):
    """
    Pages showing any of ``keys`` are stale, here and on the CDN.

    Stamped at once (a page rebuilt from now on may still read the old data, in
    the transaction's lifetime) and again on commit (so that such a page is stale
    too). The CDN is purged once, after the commit.
    """
    keys = set(keys)
    if not keys:
        return
    _stamp_or_defer(keys)

    def after_commit():
        _stamp_or_defer(keys)
        purge_cdn(keys)

    transaction.on_commit(after_commit)


def _stamp_or_defer(keys):
    try:
        _stamp(keys)
    except Exception:
        logger.warning("Page cache unreachable: invalidation of %s deferred", sorted(keys))
        with health.lock:
            health.pending |= keys
        health.failed()


def purge_cdn(keys):
    """Ask the CDN to drop every page tagged with one of ``keys`` (CDN_PURGE_URL)."""
    if not settings.CDN_PURGE_URL:
        return
    body = json.dumps({"tags": sorted(keys)}).encode()
    request = urllib.request.Request(  # noqa: S310 (a URL from the settings, http or https)
        settings.CDN_PURGE_URL,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    if settings.CDN_PURGE_TOKEN:
        request.add_header("Authorization", f"Bearer {settings.CDN_PURGE_TOKEN}")
    try:
        with urllib.request.urlopen(request, timeout=settings.CDN_PURGE_TIMEOUT) as answer:  # noqa: S310
            answer.read()
    except OSError as error:
        # The save has happened: the CDN keeps the page until s-maxage at worst.
        logger.error("CDN purge of %s failed: %s", sorted(keys), error)


# -- Entries ---------------------------------------------------------------------------


@dataclass
class Entry:
    counter: int
    keys: frozenset
    status: int
    headers: list
    content: bytes
    etag: str
    last_modified: int
    expires: float

    def response(self, request):
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


def _release():
    """
    A digest of the code, templates and static manifest being served: a deployment
    starts with an empty page cache, whatever Redis kept, since pages name hashed
    static files that the new release may not have.
    """
    root = Path(settings.BASE_DIR)
    files = [
        path
        for pattern in ["*/*.py", "*/templatetags/*.py", "templates/**/*", "*/templates/**/*"]
        for path in root.glob(pattern)
        if path.is_file() and ".venv" not in path.parts
    ]
    files += list(root.glob("locale/*/LC_MESSAGES/*.po"))
    files += [Path(settings.STATIC_ROOT) / "staticfiles.json"]
    digest = hashlib.sha256()
    for path in sorted(files):
        if path.is_file():
            digest.update(str(path).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


RELEASE = _release()


def _entry_key(request):
    # The parameters as views read them (request.GET), by name, each name's values in the
    # order given: ?b=2&a=1 is ?a=1&b=2, but ?q=A&q=B is not ?q=B&q=A, since a view reads
    # the last value. Spellings of one value (%41, A) are one page too.
    has_query = request.META.get("QUERY_STRING")
    query = urlencode(sorted(request.GET.lists()), doseq=True) if has_query else ""
    address = f"{request.path}?{query}".encode()
    return f"{PREFIX}:{RELEASE}:page:{hashlib.sha256(address).hexdigest()}"


# Pages this process found fresh, with the counter as it stood then. Every stamp moves the
# counter first, so while it stands still nothing was stamped since, and the page's versions
# need not be read again: under a spike, a page served from the cache costs one round trip.
_checked = {}
MAX_CHECKED = 10_000


def _is_fresh(entry, now, counter, entry_key):
    """Whether ``entry`` may be served, ``counter`` being the counter's value now."""
    if entry.expires <= now:
        return False
    if counter is not None and (
        counter == entry.counter or _checked.get(entry_key) == (entry.counter, counter)
    ):
        return True
    version_keys = [_version_key(key) for key in entry.keys]
    fresh = _unchanged_since(entry.counter, _cache().get_many(version_keys), version_keys)
    if fresh and counter is not None:
        if len(_checked) >= MAX_CHECKED:
            _checked.clear()
        _checked[entry_key] = (entry.counter, counter)
    return fresh


def _unchanged_since(counter, versions, version_keys):
    """Whether no key of ``version_keys`` was stamped after ``counter``."""
    # A version the cache lost (evicted) could have been anything: stale.
    found = [versions[key] for key in version_keys if key in versions]
    return len(found) == len(version_keys) and max(found, default=0) <= counter


def _adopt(cache, version_keys, counter, known):
    """
    Keys no change has stamped yet start at ``counter``: what was stored with it is fresh
    for them until one does. ``add`` never overwrites a stamp made meanwhile.
    """
    for version_key in set(version_keys) - known.keys():
        cache.add(version_key, counter, timeout=None)


def fragment(request, name, keys, render):
    """
    The HTML ``render()`` returns, from the cache while nothing in ``keys`` changed since
    it was stored there: a piece that several pages show, built once for all of them.
    ``name`` tells one piece from another, with everything its HTML depends on besides
    the keys (the language, the options of the template).
    """
    return fragments(request, [(name, keys, render)])[0]


def fragments(request, pieces):
    """
    ``fragment()`` for each of ``pieces``, ``(name, keys, render)`` triples, in one round
    trip to the cache for all of them: a list reads its twelve cards at once.
    """
    counter = getattr(request, "fragment_counter", None)
    if counter is None:
        return [render() for _name, _keys, render in pieces]
    cache = _cache()
    entry_keys = [f"{PREFIX}:{RELEASE}:fragment:{name}" for name, _keys, _render in pieces]
    version_keys = [[_version_key(key) for key in keys] for _name, keys, _render in pieces]
    try:
        wanted = dict.fromkeys(itertools.chain(entry_keys, *version_keys))
        found = cache.get_many(list(wanted))
    except Exception:
        logger.warning("Page cache unreachable: fragments built", exc_info=True)
        health.failed()
        request.fragment_counter = None
        return [render() for _name, _keys, render in pieces]
    html, built, built_versions = [], {}, set()
    for (_name, _keys, render), entry_key, piece_versions in zip(
        pieces, entry_keys, version_keys, strict=True
    ):
        entry = found.get(entry_key)
        if entry is not None and _unchanged_since(entry[0], found, piece_versions):
            # Our own template's output, stored as it was rendered.
            html.append(mark_safe(entry[1]))  # noqa: S308
            continue
        piece = render()
        html.append(piece)
        # With the counter from before the request read anything: if the data changed
        # while it was rendered, the change's stamp is later, and this copy is stale.
        built[entry_key] = (counter, str(piece))
        built_versions.update(piece_versions)
    if built:
        try:
            _adopt(cache, built_versions, counter, known=found)
            cache.set_many(built, timeout=settings.PAGE_CACHE_TIMEOUT)
        except Exception:
            logger.warning("Page cache unreachable: fragments not stored", exc_info=True)
            health.failed()
    return html


def parts(request, pieces):
    """
    Pieces of a page whose keys are known only once they are built: an article's own
    block names its authors and tags, which only building it reads. ``pieces`` are
    ``(name, build)`` pairs, ``build()`` returning ``(html, keys)``; the keys are stored
    with the HTML, and a piece is served while none of them was stamped since, and
    until the next scheduled article goes live (a piece may pick among the published
    ones, as « À lire aussi » does). Returns ``(html, keys)`` pairs: the page names the
    keys it shows (public_page()) either way.

    One round trip for the pieces, and a second for their keys' versions unless the
    counter has not moved since they were stored (then nothing was stamped at all).
    """
    counter = getattr(request, "fragment_counter", None)
    if counter is None:
        return [build() for _name, build in pieces]
    cache = _cache()
    entry_keys = [f"{PREFIX}:{RELEASE}:part:{name}" for name, _build in pieces]
    try:
        found = cache.get_many(entry_keys)
        to_check = {
            _version_key(key) for entry in found.values() if entry[0] != counter for key in entry[2]
        }
        versions = cache.get_many(list(to_check)) if to_check else {}
    except Exception:
        logger.warning("Page cache unreachable: parts built", exc_info=True)
        health.failed()
        request.fragment_counter = None
        return [build() for _name, build in pieces]
    # Django's clock, as for pages: scheduling is reckoned with it.
    now = timezone.now().timestamp()
    results, built = [], {}
    for (_name, build), entry_key in zip(pieces, entry_keys, strict=True):
        entry = found.get(entry_key)
        if entry is not None:
            stored_counter, html, keys, expires = entry
            version_keys = [_version_key(key) for key in keys]
            if expires > now and (
                stored_counter == counter
                or _unchanged_since(stored_counter, versions, version_keys)
            ):
                # Our own templates' output, stored as it was rendered.
                results.append((mark_safe(html), keys))  # noqa: S308
                continue
        html, keys = build()
        results.append((html, keys))
        # With the counter from before the request read anything, as fragments are.
        built[entry_key] = (counter, str(html), frozenset(keys))
    if built:
        try:
            version_keys = {
                _version_key(key) for _counter, _html, keys in built.values() for key in keys
            }
            _adopt(cache, version_keys, counter, known=cache.get_many(list(version_keys)))
            expires = now + settings.PAGE_CACHE_TIMEOUT
            next_publication = _next_publication(counter)
            if next_publication is not None:
                expires = min(expires, next_publication)
            cache.set_many(
                {entry_key: (*entry, expires) for entry_key, entry in built.items()},
                timeout=max(1, int(expires - now)),
            )
        except Exception:
            logger.warning("Page cache unreachable: parts not stored", exc_info=True)
            health.failed()
    return results


# What says when the next scheduled change is due (a datetime, or None): registered by
# the app that schedules publications (articles.apps), as the page cache knows no model.
_next_change = None


def register_schedule(next_change):
    """``next_change()`` returns when the next scheduled publication is due, or None."""
    global _next_change
    _next_change = next_change


def _next_publication(counter):
    """When the next scheduled article goes live (a timestamp), or None."""
    if _next_change is None:
        return None
    cache = _cache()
    known = cache.get_many([NEXT_PUBLICATION, _version_key("articles")])
    stored = known.get(NEXT_PUBLICATION)
    stamp = known.get(_version_key("articles"), 0)
    # Once its time has come, it is published and another is next: no signal says so.
    if (
        stored is not None
        and stored["counter"] >= stamp
        and (stored["at"] is None or stored["at"] > timezone.now().timestamp())
    ):
        return stored["at"]
    at = _next_change()
    timestamp = at.timestamp() if at else None
    cache.set(NEXT_PUBLICATION, {"counter": counter, "at": timestamp}, timeout=None)
    return timestamp


# -- The middleware --------------------------------------------------------------------


def _is_anonymous(request):
    # Only the cookie's presence is looked at: reading the session would be a
    # database query, and a reader without one cannot be anyone in particular.
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


class PageCacheMiddleware:
    """
    Answers anonymous GET and HEAD requests for public pages from the cache, before
    any session, user or locale work; stores such pages when they were built; and
    gives every page its cache headers for browsers and CDNs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cacheable_request = (
            settings.PAGE_CACHE_ENABLED
            and request.method in ("GET", "HEAD")
            and _is_anonymous(request)
        )
        # Django's clock, not time.time(): scheduling is reckoned with it.
        now = timezone.now().timestamp()
        counter = None
        building = None
        if cacheable_request and health.usable():
            # What CommonMiddleware does after this one: a Host that ALLOWED_HOSTS refuses
            # is answered 400, not with a page kept for another.
            request.get_host()
            response, counter, stale = self._lookup(request, now)
            if response is not None:
                return response
            if stale:
                response, building = self._wait_for_builder(request)
                if response is not None:
                    return response
        request.fragment_counter = self._fragment_counter(request, counter)

        try:
            response = self._respond(request, now, counter)
        finally:
            if building:
                self._release(building)
        return response

    def _respond(self, request, now, counter):
        response = self.get_response(request)

        if not hasattr(response, "surrogate_keys"):
            return response
        if not self._is_shareable(request, response):
            # Built for someone in particular: no cache may keep it.
            patch_cache_control(response, private=True, no_store=True)
            return response
        expires = self._expires(now, counter)
        if response.expires_at:
            expires = min(expires, response.expires_at)
        self._add_headers(response, now, expires)
        if counter is not None and settings.PAGE_CACHE_ENABLED:
            self._store(request, response, counter, expires)
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )

    def _wait_for_builder(self, request):
        """
        For a stale page, whether this request builds it again, or another one already
        is: then this one waits for that page, up to PAGE_CACHE_BUILD_WAIT, rather than
        building it at the same time. Under a spike, a page gone stale would otherwise be built by
        every request arriving while it is. Only a fresh page is served, so waiting costs
        nothing in exactness; a builder that stores nothing (an error, a page with a
        cookie) lets the waiting requests build theirs. Returns (a response or None, the
        lock if this request holds it).

        A page never stored takes no lock: the address may not be a public page at all
        (a 404, a redirect, a personal page), and the two round trips of the lock would
        be spent on every such request. Expired pages are kept a while (STALE_KEPT_SECONDS)
        so that the spike after a scheduled publication, when they all expire at once,
        still finds them stale rather than gone.
        """
        cache = _cache()
        lock = f"{_entry_key(request)}:building"
        deadline = time.monotonic() + settings.PAGE_CACHE_BUILD_WAIT
        try:
            # The lock outlives a builder that died by a second at most.
            if cache.add(lock, 1, timeout=int(settings.PAGE_CACHE_BUILD_WAIT) + 1):
                return None, lock
            while time.monotonic() < deadline:
                time.sleep(BUILD_POLL_SECONDS)
                response, _counter, _stale = self._lookup(request, timezone.now().timestamp())
                if response is not None or cache.get(lock) is None:
                    return response, None
        except Exception:
            logger.warning("Page cache unreachable: building", exc_info=True)
            health.failed()
        return None, None

    def _release(self, lock):
        try:
            _cache().delete(lock)
        except Exception:
            logger.warning("Page cache unreachable: build lock left to expire", exc_info=True)
            health.failed()

    def _lookup(self, request, now):
        """
        The stored page if it is fresh; the counter as it stands before anything is read
        for a page built instead (None if the cache failed); and whether a page was stored
        but is stale. In one round trip.
        """
        entry_key = _entry_key(request)
        try:
            found = _cache().get_many([entry_key, COUNTER])
            entry = found.get(entry_key)
            if entry is not None and _is_fresh(entry, now, found.get(COUNTER), entry_key):
                response = entry.response(request)
                self._patch_cache_control(response, now, entry.expires)
                response = get_conditional_response(
                    request, etag=entry.etag, last_modified=entry.last_modified, response=response
                )
                return response, None, False
            return None, found.get(COUNTER) or _counter(), entry is not None
        except Exception:
            logger.warning("Page cache unreachable: serving uncached", exc_info=True)
            health.failed()
            return None, None, False

    def _fragment_counter(self, request, counter):
        """The counter as the request begins, for the pieces of its page (fragment())."""
        if not settings.FRAGMENT_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
            return None
        if counter is not None:
            return counter
        if not health.usable():
            return None
        try:
            return _counter()
        except Exception:
            logger.warning("Page cache unreachable: fragments built", exc_info=True)
            health.failed()
            return None

    def _is_shareable(self, request, response):
        vary = {header.strip().lower() for header in cc_delim_re.split(response.get("Vary", ""))}
        cache_control = response.get("Cache-Control", "")
        return (
            _is_anonymous(request)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "cookie" not in vary
            and "private" not in cache_control
            and "no-store" not in cache_control
        )

    def _expires(self, now, counter):
        expires = now + settings.PAGE_CACHE_TIMEOUT
        if counter is None:
            return expires
        try:
            next_publication = _next_publication(counter)
        except Exception:
            logger.warning("Page cache unreachable", exc_info=True)
            health.failed()
            return expires
        if next_publication is not None:
            expires = min(expires, next_publication)
        return expires

    def _patch_cache_control(self, response, now, expires):
        shared_max_age = max(0, int(expires - now))
        patch_cache_control(
            response,
            public=True,
            max_age=min(settings.PAGE_BROWSER_MAX_AGE, shared_max_age),
            s_maxage=shared_max_age,
            stale_while_revalidate=settings.PAGE_STALE_WHILE_REVALIDATE,
        )

    def _add_headers(self, response, now, expires):
        keys = sorted(response.surrogate_keys)
        response["Surrogate-Key"] = " ".join(keys)
        response["Cache-Tag"] = ",".join(keys)
        if not response.has_header("ETag"):
            response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(now)
        self._patch_cache_control(response, now, expires)

    def _store(self, request, response, counter, expires):
        timeout = int(expires - timezone.now().timestamp())
        if timeout <= 0:
            return
        # Served until ``expires`` (_is_fresh()), then kept as stale for the build lock.
        timeout += STALE_KEPT_SECONDS
        entry = Entry(
            counter=counter,
            keys=frozenset(response.surrogate_keys),
            status=response.status_code,
            headers=[
                (name, value)
                for name, value in response.items()
                if name.lower() not in PER_REQUEST_HEADERS and name.lower() != "cache-control"
            ],
            content=response.content,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            expires=expires,
        )
        try:
            cache = _cache()
            # The read first spares a round trip per key once they exist.
            version_keys = [_version_key(key) for key in entry.keys]
            _adopt(cache, version_keys, counter, known=cache.get_many(version_keys))
            cache.set(_entry_key(request), entry, timeout=timeout)
        except Exception:
            logger.warning("Page cache unreachable: page not stored", exc_info=True)
            health.failed()
