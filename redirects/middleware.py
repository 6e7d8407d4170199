"""
An old address answered where no page is: before Django builds its 404 page, and as a
public page, which the page cache (placed before this middleware) keeps and serves again
at no query.

Three ways in, one answer (``answer()``):
- a view found nothing for the address (an article's old slug): ``process_exception()``;
- no URL matches it (/2023/07/28/slug/): the site's 404 handler asks first
  (reader/views/errors.py); under DEBUG, Django's technical page stands in for that
  handler, so the middleware asks once that page is made;
- WordPress's query form on the front page (/?p=123), which the front page would
  otherwise answer: before the view runs. An unknown one is not found, rather than one
  more copy of the front page in every cache.
"""

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render

from articles.models import Section
from pagecache import key_for, keys_for, public_page

from .models import Redirect, wordpress_query_of

ANSWERED_METHODS = ("GET", "HEAD")


def answer(request):
    """The response to ``request`` at an old address, or None: asked once a request."""
    if request.method not in ANSWERED_METHODS or getattr(request, "old_address_asked", False):
        return None
    request.old_address_asked = True
    redirect = Redirect.objects.answering(request)
    if redirect is None:
        return None
    # Counted once per answer built: one the page cache or a CDN serves again is not.
    Redirect.objects.count_hit(redirect)
    if redirect.status == Redirect.Status.GONE:
        response = render(request, "410.html", status=410)
        # Its navigation shows the sections, as every page's does.
        return public_page(response, {key_for(redirect), *keys_for(Section)})
    if redirect.status == Redirect.Status.FOUND:
        response = HttpResponseRedirect(redirect.target)
    else:
        response = HttpResponsePermanentRedirect(redirect.target)
    return public_page(response, {key_for(redirect)})


class RedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/" and wordpress_query_of(request) is not None:
            response = answer(request)
            if response is None:
                raise Http404
            return response
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            return answer(request) or response
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return answer(request)
        return None
