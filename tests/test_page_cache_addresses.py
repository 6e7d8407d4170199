"""A page kept in the cache is served for exactly the requests that would have built it."""

import pytest
from django.test import Client

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
