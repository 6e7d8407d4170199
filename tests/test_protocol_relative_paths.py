"""A path a browser would read as another site's address never becomes a link of ours."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "//evil.example/",
        "/%2F%2Fevil.example/",
        "/%2Fevil.example/",
        "/\\evil.example/",
        "/en//evil.example/",
    ],
)
def test_the_language_switcher_of_a_404_links_to_this_site(path):
    # An absolute URL, for the test client to keep the path's leading slashes.
    response = Client().get(f"http://testserver{path}")
    assert response.status_code == 404
    links = BeautifulSoup(response.content, "html.parser").select(".language-switch a")
    assert len(links) == 2
    for link in links:
        # Browsers read a backslash as a slash.
        href = link["href"].replace("\\", "/")
        assert href.startswith("/") and not href.startswith("//"), href
