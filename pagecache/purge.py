"""
Purging a CDN by key, through the backends PAGECACHE_PURGE_BACKENDS names, as Wagtail's
frontend cache does:

    PAGECACHE_PURGE_BACKENDS = {
        "default": {
            "BACKEND": "pagecache.purge.HTTPPurgeBackend",
            "LOCATION": "https://api.cdn.example/zones/…/purge_cache",
            "TOKEN": "…",
        },
    }

Each backend is given the keys of a change once it has committed (stamps.invalidate()).
A backend that fails is logged and the save stands: the CDN keeps the page until its
``s-maxage`` at worst.
"""

import json
import logging
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("pagecache")


class PurgeBackend:
    """Drops from a CDN every page tagged with one of the keys it is given."""

    def __init__(self, params):
        self.params = params

    def purge(self, keys):
        raise NotImplementedError


class HTTPPurgeBackend(PurgeBackend):
    """
    A ``POST`` of ``{"tags": [...]}`` to LOCATION, with ``Authorization: Bearer TOKEN``
    if one is set: Cloudflare's purge by cache tag; a small proxy adapts it to Fastly or
    Varnish. TIMEOUT (seconds, 2 by default) bounds what a save waits for it.
    """

    def purge(self, keys):
        body = json.dumps({"tags": sorted(keys)}).encode()
        request = urllib.request.Request(  # noqa: S310 (a URL from the settings, http or https)
            self.params["LOCATION"],
            data=body,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        if self.params.get("TOKEN"):
            request.add_header("Authorization", f"Bearer {self.params['TOKEN']}")
        timeout = self.params.get("TIMEOUT", 2)
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            answer.read()


class RecordingPurgeBackend(PurgeBackend):
    """For tests: remembers the keys of each purge in ``purged``, one set a purge."""

    purged = []

    def purge(self, keys):
        self.purged.append(set(keys))


def backends():
    return {
        name: import_string(params["BACKEND"])(params)
        for name, params in settings.PAGECACHE_PURGE_BACKENDS.items()
    }


def purge(keys):
    """Asks every configured CDN to drop the pages tagged with one of ``keys``."""
    for name, backend in backends().items():
        try:
            backend.purge(keys)
        except Exception as error:
            logger.error("CDN purge of %s by %r failed: %s", sorted(keys), name, error)
