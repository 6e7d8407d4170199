"""Reading a response the way a browser would: parsed HTML, CSS selectors."""

from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext


def soup(response):
    assert response.status_code == 200, f"expected a page, got {response.status_code}"
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    """The text a reader sees, with every kind of space folded to one."""
    return " ".join(element.get_text().split())


def count_queries(client, url):
    """The queries a page costs once warm: content types are cached after the first request."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)
