"""
The site's URLs plus ``/__floor__/``, the floor of bench/load.py: the bytes of the article
page, read once from the file the script saved (BENCH_FLOOR_FILE), returned by a view that
does nothing else. No page can be served faster by this server and this middleware.
"""

import functools
import os

from django.http import HttpResponse
from django.urls import path

from screenmania.urls import urlpatterns as site_urlpatterns


@functools.cache
def floor_bytes():
    with open(os.environ["BENCH_FLOOR_FILE"], "rb") as page:
        return page.read()


def floor(request):
    return HttpResponse(floor_bytes(), content_type="text/html; charset=utf-8")


urlpatterns = [path("__floor__/", floor, name="bench_floor"), *site_urlpatterns]
