"""
The site's URLs plus two references for bench/load.py:

- ``/__floor__/``, the floor: the bytes of the article page, read once from the file the
  script saved (BENCH_FLOOR_FILE), returned by a view that does nothing else. No page can
  be served faster by this server and this middleware.
- ``/__shell__/``, the shell: base.html built around an empty main, as every page builds
  it (head, header with the sections, footer with the languages), and never cached. No
  page the site builds can cost less than its own frame.

The per-worker copy of pages has a setting of its own, which bench/load.py turns off to
measure what it earns under a spike: ``DJANGO_PAGE_CACHE_LOCAL_SECONDS=0``.
"""

import functools
import os

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from screenmania.urls import handler404  # noqa: F401 (the site's, for this URLconf too)
from screenmania.urls import urlpatterns as site_urlpatterns


@functools.cache
def floor_bytes():
    with open(os.environ["BENCH_FLOOR_FILE"], "rb") as page:
        return page.read()


def floor(request):
    return HttpResponse(floor_bytes(), content_type="text/html; charset=utf-8")


@functools.cache
def empty_frame():
    # Compiled once, as the cached template loader keeps every real page's template.
    return engines["django"].from_string('{% extends "base.html" %}')


def shell(request):
    return HttpResponse(empty_frame().render({}, request))


urlpatterns = [
    path("__floor__/", floor, name="bench_floor"),
    path("__shell__/", shell, name="bench_shell"),
    *site_urlpatterns,
]
