"""
Whole pages for anonymous readers, answered from the cache before any session, user or
locale work, and never stale (the contract: pagecache/keys.py).

With Redis, every server and worker shares the pages and the stamps. With local memory
they are per process, which is why ``make serve`` runs one process without Redis
(screenmania/gunicorn.conf.py). A deployment starts with an empty page cache: the
entries' names carry a digest of the code, templates and static manifest served.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag, urlencode

from . import stamps
from .keys import SITE_KEY

logger = logging.getLogger("pagecache")

# Headers never stored with a page: the outer middleware adds the first three to every
# response, cached or not, and Cache-Control is worked out again from the time left.
PER_REQUEST_HEADERS = {"set-cookie", "date", "content-length", "cache-control"}
# What is kept of public pages: the pages, and the answers of old addresses (a redirect,
# or 410 Gone), which are as public and as often asked. A page not found is not kept.
STORED_STATUSES = {200, 301, 302, 410}
# A request without any of these gets the page itself (RFC 9110, section 13).
CONDITIONAL_HEADERS = {
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
}


def public_page(response, keys, expires_at=None):
    """
    Mark ``response`` as the same for every anonymous reader, showing ``keys``.

    The page cache stores it and a CDN may; without this mark, a response is neither
    stored nor given shared-cache headers. ``expires_at`` (a datetime) is for a page
    that changes with time alone, like the week under way.
    """
    response.surrogate_keys = {SITE_KEY, *keys}
    response.expires_at = expires_at.timestamp() if expires_at else None
    return response


@dataclass
class Entry:
    stamp: int
    keys: frozenset
    status: int
    headers: list
    content: bytes
    etag: str
    last_modified: int
    expires: float

    def response(self):
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


class LocalCopies:
    """
    The pages this worker served lately, each with when the shared cache last found it
    fresh: trusted without asking again for ``settings.PAGE_CACHE_LOCAL_SECONDS``.

    Another server's change is therefore seen within that time (the issue allows « within
    the second »), a change made in this process at once: any stamp it makes
    (``stamps.local_stamps``) outdates every copy. Asking Redis on every request cost the
    workers 1.31 ms of processor time a request instead of 1.11 under the spike
    (bench/load.md, measured on fb7d95e): this is what that per-process memo earned.
    """

    # A few hundred pages of some 50 KB: the home, the sections and the articles of the day.
    SIZE = 256

    def __init__(self):
        self.pages = OrderedDict()
        self.lock = threading.Lock()

    def get(self, entry_key, now):
        copy = self.pages.get(entry_key)
        if copy is None:
            return None
        entry, checked_at, local_stamps = copy
        if (
            local_stamps != stamps.local_stamps
            or time.monotonic() - checked_at >= settings.PAGE_CACHE_LOCAL_SECONDS
            or entry.expires <= now
        ):
            return None
        return entry

    def keep(self, entry_key, entry, checked_at, local_stamps):
        """``entry`` was found fresh by a check that started at ``checked_at``."""
        if settings.PAGE_CACHE_LOCAL_SECONDS <= 0:
            return
        with self.lock:
            self.pages[entry_key] = (entry, checked_at, local_stamps)
            self.pages.move_to_end(entry_key)
            while len(self.pages) > self.SIZE:
                self.pages.popitem(last=False)

    def clear(self):
        with self.lock:
            self.pages.clear()


local_copies = LocalCopies()


def forget_local_copies():
    """After the shared cache was emptied, which no stamp says: this process's copies go too."""
    local_copies.clear()


def _release():
    """A digest of the code, templates and static manifest being served."""
    # Pages name hashed static files that a new release may not have.
    root = Path(settings.BASE_DIR)
    files = [
        path
        for pattern in ["*/*.py", "*/*/*.py", "templates/**/*", "*/templates/**/*"]
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
    return f"{stamps.PREFIX}:{RELEASE}:page:{hashlib.sha256(address).hexdigest()}"


def _parameters_read(request):
    """
    The query parameters the view of this address reads (its ``cache_parameters``), or
    None: an address that is no page of ours, or a view that does not say.
    """
    # Resolved in the address's own language, as URLLocaleMiddleware will: /en/ pages
    # live under a prefix that only English resolves.
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            view = resolve(request.path_info).func
    except Resolver404:
        return None
    view = getattr(view, "view_class", view)
    return getattr(view, "cache_parameters", None)


def _keep_only(request, parameters):
    """Drops from ``request`` the query parameters its view does not read."""
    kept = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name in parameters:
            kept.setlist(name, values)
    request.GET = kept
    request.META["QUERY_STRING"] = kept.urlencode()


def _is_anonymous(request):
    # Only the cookie's presence is looked at: reading the session would be a database
    # query, and a reader without one cannot be anyone in particular.
    # Without a Cookie header, there are no cookies to parse.
    return "HTTP_AUTHORIZATION" not in request.META and (
        "HTTP_COOKIE" not in request.META or settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class PageCacheMiddleware:
    """
    Answers anonymous GET and HEAD requests for public pages from the cache; stores such
    pages when they were built; and gives every page its cache headers for browsers and
    CDNs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        anonymous_read = request.method in ("GET", "HEAD") and _is_anonymous(request)
        # Only an address with a query string is resolved, for what its view reads.
        if anonymous_read and request.META.get("QUERY_STRING"):
            parameters = _parameters_read(request)
            if parameters is not None:
                _keep_only(request, parameters)
        # Django's clock, not time.time(): scheduling is reckoned with it.
        now = timezone.now().timestamp()
        stamp = None
        if anonymous_read and settings.PAGE_CACHE_ENABLED and stamps.health.usable():
            # What CommonMiddleware does after this one: a Host that ALLOWED_HOSTS refuses
            # is answered 400, not with a page kept for another.
            request.get_host()
            response, stamp = self._lookup(request, now)
            if response is not None:
                return response
        return self._respond(request, now, stamp)

    def _lookup(self, request, now):
        """
        The stored page if it is fresh, else None and the counter as it stands before
        anything is read for the page built instead (None if the cache failed).
        """
        entry_key = _entry_key(request)
        entry = local_copies.get(entry_key, now)
        if entry is not None:
            return self._answer(request, entry, now), None
        # Read before the shared cache is: a stamp made meanwhile outdates the copy.
        checked_at, local_stamps = time.monotonic(), stamps.local_stamps
        try:
            found = stamps.cache().get_many([entry_key, stamps.COUNTER])
            entry, counter = found.get(entry_key), found.get(stamps.COUNTER)
            if entry is not None and self._is_fresh(entry, now, counter):
                local_copies.keep(entry_key, entry, checked_at, local_stamps)
                return self._answer(request, entry, now), None
            return None, counter or stamps.counter()
        except Exception:
            logger.warning("Page cache unreachable: serving uncached", exc_info=True)
            stamps.health.failed()
            return None, None

    def _answer(self, request, entry, now):
        response = entry.response()
        # A stored page has no Cache-Control: written whole, not patched.
        shared_max_age = max(0, int(entry.expires - now))
        response["Cache-Control"] = (
            f"public, max-age={min(settings.PAGE_BROWSER_MAX_AGE, shared_max_age)}, "
            f"s-maxage={shared_max_age}, "
            f"stale-while-revalidate={settings.PAGE_STALE_WHILE_REVALIDATE}"
        )
        if not CONDITIONAL_HEADERS.intersection(request.META):
            return response
        return get_conditional_response(
            request, etag=entry.etag, last_modified=entry.last_modified, response=response
        )

    def _is_fresh(self, entry, now, counter):
        if entry.expires <= now:
            return False
        # Every stamp moves the counter: while it stands still, nothing was stamped since.
        return counter == entry.stamp or stamps.unchanged_since(entry.stamp, entry.keys)

    def _respond(self, request, now, stamp):
        response = self.get_response(request)
        if not hasattr(response, "surrogate_keys"):
            return response
        if not self._is_shareable(request, response):
            # Built for someone in particular: no cache may keep it.
            patch_cache_control(response, private=True, no_store=True)
            return response
        expires = self._expires(response, now, stamp)
        self._add_headers(response, now, expires)
        # A page not found goes to CDNs, which purge it by key, but is not kept here:
        # each address a robot makes up would take an entry for an hour.
        if stamp is not None and response.status_code in STORED_STATUSES:
            self._store(request, response, stamp, expires)
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )

    def _is_shareable(self, request, response):
        vary = {header.strip().lower() for header in cc_delim_re.split(response.get("Vary", ""))}
        cache_control = response.get("Cache-Control", "")
        return (
            _is_anonymous(request)
            # A page not found is public too when its view says so (public_page()).
            and response.status_code in {*STORED_STATUSES, 404}
            and not response.streaming
            and not response.cookies
            and "cookie" not in vary
            and "private" not in cache_control
            and "no-store" not in cache_control
        )

    def _expires(self, response, now, stamp):
        expires = now + settings.PAGE_CACHE_TIMEOUT
        if response.expires_at:
            expires = min(expires, response.expires_at)
        if stamp is None:
            return expires
        try:
            return stamps.expires(response.surrogate_keys, now, stamp, expires)
        except Exception:
            logger.warning("Page cache unreachable", exc_info=True)
            stamps.health.failed()
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

    def _store(self, request, response, stamp, expires):
        timeout = int(expires - timezone.now().timestamp())
        if timeout <= 0:
            return
        entry = Entry(
            stamp=stamp,
            keys=frozenset(response.surrogate_keys),
            status=response.status_code,
            headers=[
                (name, value)
                for name, value in response.items()
                if name.lower() not in PER_REQUEST_HEADERS
            ],
            content=response.content,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            expires=expires,
        )
        try:
            stamps.adopt(entry.keys, stamp)
            stamps.cache().set(_entry_key(request), entry, timeout=timeout)
        except Exception:
            logger.warning("Page cache unreachable: page not stored", exc_info=True)
            stamps.health.failed()
