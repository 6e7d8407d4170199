"""
Whatever a stranger sends, every public page answers without a server error, and links
to no site it did not link to already: absurd page numbers, NUL bytes, invalid UTF-8,
overlong slugs, unknown and repeated parameters, protocol-relative paths, odd methods.
"""

import functools
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.pages import public_pages

pytestmark = pytest.mark.django_db

SITE_URL = "https://screenmania.example"
EVIL = "evil.example"
# The newsroom has its own tests; its login page is the one a stranger reaches. The mail
# provider's webhooks refuse whoever is not the provider (tests/newsletter/test_bounces.py).
NOT_READER_PAGES = {"admin", "security", "anymail"}

QUERIES = [
    "page=768614336404564652",
    "page=-1",
    "page=1e9",
    "page=%EF%BC%92",  # a full-width 2
    "p=768614336404564652",
    "p=%EF%BC%92",
    "q=%00",
    "q=a%00b&page=2",
    "page=%00",
    "%00=%00",
    "q=%FF%FE",  # no UTF-8 at all
    "q=%ED%A0%80",  # a lone surrogate, in UTF-8
    "q=" + "a" * 5000,
    "utm_source=x&fbclid=y&unknown=%3Cscript%3E",
    "q=a&q=b&page=1&page=2",
    f"next=//{EVIL}/",
]
PATH_PREFIXES = ["/", "/%2F", "/\\", "/%5C", "/%5C%5C", f"//{EVIL}", f"/%2F{EVIL}"]
PATH_SUFFIXES = ["%00/", "%FF/", "%ED%A0%80/", "a" * 2000 + "/", "%2F%2F" + EVIL + "/"]


def hostile_requests(path):
    """(method, URL) pairs around ``path``: its query, its path, its method."""
    separator = "&" if "?" in path else "?"
    yield from (("GET", f"{path}{separator}{query}") for query in QUERIES)
    # An absolute URL, so that the test client keeps a path starting with two slashes
    # as the path, where a browser's address bar would too.
    yield from (("GET", f"http://testserver{prefix}{path}") for prefix in PATH_PREFIXES)
    bare = path.partition("?")[0]
    # Without its final slash, which CommonMiddleware redirects to add.
    yield from (("GET", f"http://testserver{prefix}{bare.rstrip('/')}") for prefix in PATH_PREFIXES)
    yield from (("GET", bare.rstrip("/") + "/" + suffix) for suffix in PATH_SUFFIXES)
    yield from ((method, path) for method in ("HEAD", "OPTIONS", "POST", "PUT", "DELETE"))


# Our pages are UTF-8 whatever they declare, as Django encodes them.
HTML_PARSER = lxml.html.HTMLParser(encoding="utf-8")


@functools.lru_cache(maxsize=256)
def addresses_in(html):
    """
    What an HTML page links to, loads from or posts to. Most hostile requests are
    answered with a page already seen (the page itself, a 404): each is parsed once,
    by lxml, which reads the walk's thousand pages twenty times faster than
    BeautifulSoup's pure-Python parser.
    """
    if not html.strip():
        return ()  # A HEAD answer, or a refused method's.
    page = lxml.html.document_fromstring(html, parser=HTML_PARSER)
    return tuple(
        address
        for element in page.iter()
        for attribute in ("href", "src", "action", "srcset", "formaction")
        if (address := element.get(attribute)) is not None
    )


def hosts_linked(response, url):
    """
    The hosts an answer sends the browser to: its redirect, and what an HTML page links
    to, loads from or posts to, as a browser resolves them.
    """
    page_url = SITE_URL + url.removeprefix("http://testserver")
    addresses = [response["Location"]] if response.has_header("Location") else []
    if response.get("Content-Type", "").startswith("text/html"):
        addresses += addresses_in(response.content)
    hosts = set()
    for address in addresses:
        for candidate in address.split(","):
            # Browsers read a backslash as a slash in an http(s) address.
            candidate = candidate.strip().split(" ")[0].replace("\\", "/")
            hosts.add(urlsplit(urljoin(page_url, candidate)).hostname)
    return hosts


def view_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace not in NOT_READER_PAGES:
                yield from view_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


@pytest.fixture
def pages(settings):
    settings.SITE_URL = SITE_URL
    return public_pages()


def test_the_map_holds_every_public_route(pages):
    # The English pages are the French ones again, which resolve() matches in French.
    mapped = {
        resolve(urlsplit(path).path).view_name
        for name, path in pages.items()
        if name != "404" and not name.endswith("(English)")
    }
    assert set(view_names(get_resolver().url_patterns)) <= mapped


def test_no_hostile_request_gets_a_server_error_or_a_link_off_the_site(pages):
    client = Client(raise_request_exception=False)
    pages = {**pages, "admin login": "/admin/login/"}
    failures = []
    for name, path in pages.items():
        page = client.get(path)
        assert page.status_code == (404 if name == "404" else 200), name
        known_hosts = hosts_linked(page, path) | {urlsplit(SITE_URL).hostname, None}
        for method, url in hostile_requests(path):
            response = client.generic(method, url)
            if response.status_code >= 500:
                failures.append(f"{name}: {method} {url[:120]} answered {response.status_code}")
            off_site = hosts_linked(response, url) - known_hosts
            if off_site:
                failures.append(f"{name}: {method} {url[:120]} links to {sorted(off_site)}")
    assert not failures, "\n".join(failures)
