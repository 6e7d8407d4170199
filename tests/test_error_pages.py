"""Errors speak French and still look like Screenmania."""

import pytest
from django.test import Client
from django.urls import path

from tests.pages import text

pytestmark = pytest.mark.django_db


def test_404_is_french_with_search_and_way_home(client):
    response = client.get("/articles/introuvable/")
    assert response.status_code == 404
    from bs4 import BeautifulSoup

    page = BeautifulSoup(response.content, "html.parser")
    assert page.html["lang"] == "fr"
    assert "Cette page n’existe pas" in text(page.h1)
    assert page.select_one('form[action="/recherche/"]') is not None
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", broken_view)]


def test_500_is_french_and_needs_no_database(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    from bs4 import BeautifulSoup

    page = BeautifulSoup(response.content, "html.parser")
    assert page.html["lang"] == "fr"
    assert "Une erreur est survenue" in text(page.h1)
