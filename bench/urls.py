"""
The site's URLs plus two references for bench/load.py:

- ``/__floor__/``, the floor: the bytes of the article page, read once from the file the
  script saved (BENCH_FLOOR_FILE), returned by a view that does nothing else. No page can
  be served faster by this server and this middleware.
- ``/__shell__/``, the shell: base.html built around an empty main, as every page builds
  it (head, header with the sections, footer with the languages), and never cached. No
  page the site builds can cost less than its own frame.

And the switches bench/load.py turns each cache layer off with, one at a time, to measure
what it earns under a spike (none is a setting of the site):

- ``BENCH_CARD_FRAGMENTS=0``: article cards rendered every time (pagecache.fragments());
  the other fragments and the article page's parts are kept as usual;
- ``BENCH_ARTICLE_PARTS=0``: the article page builds its parts every time, as its
  preview does (``keeps_parts``);
- ``BENCH_PAGE_CACHE_MEMO=0``: the page cache checks a stored page's keys on every
  request, never remembering that this process found it fresh at the current counter.

The build lock has a setting of its own: ``DJANGO_PAGE_CACHE_BUILD_WAIT=0``.
"""

import functools
import os
from types import SimpleNamespace

from django.http import HttpResponse
from django.template import engines
from django.urls import path

import pagecache
from reader.templatetags import screenmania as reader_tags
from reader.views.articles import ArticleDetailView
from screenmania.urls import urlpatterns as site_urlpatterns


def switched_off(name):
    return os.environ.get(name) == "0"


class NeverRemembered(dict):
    """A memo that forgets at once: every lookup misses."""

    def __setitem__(self, key, value):
        pass


def rendered_every_time(request, pieces):
    return [render() for _name, _keys, render in pieces]


# URLs are imported once, before gunicorn forks its workers (screenmania/warmup.py).
if switched_off("BENCH_CARD_FRAGMENTS"):
    # The card tags are fragments()' only callers; section_links() keeps fragment().
    reader_tags.pagecache = SimpleNamespace(
        fragments=rendered_every_time, fragment=pagecache.fragment
    )
if switched_off("BENCH_ARTICLE_PARTS"):
    ArticleDetailView.keeps_parts = False
if switched_off("BENCH_PAGE_CACHE_MEMO"):
    pagecache._checked = NeverRemembered()


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
