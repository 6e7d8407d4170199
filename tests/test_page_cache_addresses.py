"""A page kept in the cache is served for exactly the requests that would have built it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import make_article
from tests.pages import soup, text

pytestmark = pytest.mark.django_db


def query_shown(response):
    return soup(response).select_one('input[name="q"]')["value"]


@pytest.fixture
def articles():
    return [make_article(title="Cannes"), make_article(title="Venise")]


def test_a_repeated_parameter_is_read_as_the_view_reads_it(client, articles):
    assert query_shown(client.get("/recherche/?q=Cannes&q=Venise")) == "Venise"
    assert query_shown(client.get("/recherche/?q=Venise&q=Cannes")) == "Cannes"
    assert query_shown(client.get("/recherche/?q=Cannes&q=Venise")) == "Venise"


def test_the_order_of_different_parameters_makes_no_other_copy(client, articles):
    first = client.get("/recherche/?q=Venise&utm_source=x")
    again = client.get("/recherche/?utm_source=x&q=%56enise")
    assert again.content == first.content
    titles = [text(a) for a in soup(again).select(".card__title a")]
    assert titles == ["Venise"]


def test_a_kept_page_is_not_served_for_a_host_the_site_refuses(settings, articles):
    settings.ALLOWED_HOSTS = ["screenmania.example"]
    client = Client(raise_request_exception=False)
    assert client.get("/", headers={"host": "screenmania.example"}).status_code == 200
    assert client.get("/", headers={"host": "screenmania.example"}).status_code == 200
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400


def page_served_from_cache(client, url):
    """The response to ``url``, and whether it cost no query (served from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries) == 0


@pytest.mark.parametrize("unread", ["x=1", "utm_source=newsletter&utm_medium=email", "fbclid=A"])
def test_a_parameter_the_page_does_not_read_is_answered_from_the_page_without_it(
    client, articles, unread
):
    page = client.get("/")
    response, from_cache = page_served_from_cache(client, f"/?{unread}")
    assert from_cache
    assert response.content == page.content


def test_a_parameter_the_page_does_not_read_stores_no_other_copy(client, articles):
    first = client.get("/?utm_source=newsletter")
    canonical = soup(first).select_one('link[rel="canonical"]')["href"]
    assert "utm_source" not in canonical
    response, from_cache = page_served_from_cache(client, "/")
    assert from_cache
    assert response.content == first.content


def test_the_parameters_a_page_reads_each_make_their_page(client, articles):
    client.get("/recherche/?q=Cannes")
    response, from_cache = page_served_from_cache(client, "/recherche/?utm_source=x&q=Cannes")
    assert from_cache
    assert query_shown(response) == "Cannes"
    response, from_cache = page_served_from_cache(client, "/recherche/?q=Venise&utm_source=x")
    assert not from_cache
    assert [text(a) for a in soup(response).select(".card__title a")] == ["Venise"]
