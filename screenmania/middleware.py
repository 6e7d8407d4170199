from django.middleware.locale import LocaleMiddleware
from django.utils.cache import cc_delim_re


class URLLocaleMiddleware(LocaleMiddleware):
    """
    LocaleMiddleware for a site whose language is in the URL alone.

    French pages have no prefix and English ones live under /en/, so the
    browser's Accept-Language header never changes a response. Django still
    adds ``Vary: Accept-Language`` to unprefixed pages, which would make a CDN
    keep one copy of each page per reader's header: it is removed here.
    """

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if response.has_header("Vary"):
            kept = [
                header
                for header in cc_delim_re.split(response["Vary"])
                if header.lower() != "accept-language"
            ]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
