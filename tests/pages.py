"""Reading a response the way a browser would: parsed HTML, CSS selectors."""

from bs4 import BeautifulSoup


def soup(response):
    assert response.status_code == 200, f"expected a page, got {response.status_code}"
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    """The text a reader sees, with every kind of space folded to one."""
    return " ".join(element.get_text().split())
