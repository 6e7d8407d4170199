from django.views import defaults
from taggit.models import Tag

from articles.models import Article, Section
from authors.models import Author
from pagecache import keys_for, public_page, texts_key
from redirects.middleware import answer
from redirects.models import Redirect
from sitepages.models import SitePage
from works.models import Work


def page_not_found(request, exception):
    """
    Django's 404 page, public for CDNs like any public page: robots ask for the same
    missing addresses again and again. The page cache keeps none (pagecache/middleware.py).

    An old address is answered first, before the page is built (redirects/middleware.py).
    The page names what could make its address a page: an article published or renamed
    (the articles' list and what they say), a new section, tag, author, work, site page or
    redirect (their lists). Any of them makes it stale; the navigation's sections, as on
    every page, are among them.
    """
    old_address = answer(request)
    if old_address is not None:
        return old_address
    response = defaults.page_not_found(request, exception)
    shown = keys_for(Section, Article, Tag, Author, Work, SitePage, Redirect)
    return public_page(response, shown | {texts_key(Article)})
