"""
The form on reader pages: part of pages every reader is served alike (page cache, CDN),
so it sets no cookie, carries no CSRF token and loads nothing from elsewhere; and what
a robot posts to it costs little.
"""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from newsletter.models import Letter, Subscriber
from tests.factories import make_article
from tests.pages import soup, text

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_the_cached_article_page_has_the_form_and_sets_no_cookie(letters):
    article = make_article()
    reader = Client(enforce_csrf_checks=True)
    reader.get(article.get_absolute_url())

    response, queries = queries_for(reader, article.get_absolute_url())

    assert queries == 0, "served from the page cache"
    assert not response.cookies and "Set-Cookie" not in response.headers
    form = soup(response).select_one(".newsletter-signup form")
    assert form["action"] == "/lettre/" and form["method"] == "post"
    assert not form.select("[name=csrfmiddlewaretoken]")
    assert [text(label.strong) for label in form.select(".newsletter-form__letter")] == [
        "La Quotidienne",
        "Critiques de la semaine",
        "Alertes",
    ]
    # No box ticked for the reader: a consent is given, never presumed.
    assert not form.select("[checked]")
    assert not [tag for tag in form.select("[src], [href]") if "//" in (tag.get("src") or "")]

    answer = reader.post("/lettre/", {"email": "a@exemple.fr", "letters": [letters["alertes"].pk]})
    assert answer.status_code == 302 and not answer.cookies
    assert Subscriber.objects.filter(email="a@exemple.fr").exists()


def test_a_letter_retired_leaves_the_cached_forms(client, letters):
    article = make_article()
    client.get(article.get_absolute_url())
    client.get("/lettre/")

    letters["alertes"].is_active = False
    letters["alertes"].save()

    for url in (article.get_absolute_url(), "/lettre/"):
        page = soup(client.get(url))
        assert "Alertes" not in text(page.select_one("form.newsletter-form")), url


def test_with_no_letter_offered_the_article_page_has_no_form(client, letters):
    Letter.objects.update(is_active=False)
    article = make_article()

    assert not soup(client.get(article.get_absolute_url())).select(".newsletter-signup")
    assert "Aucune lettre n’est proposée" in text(soup(client.get("/lettre/")))


def test_a_retired_letter_posted_anyway_is_refused(client, letters):
    letters["alertes"].is_active = False
    letters["alertes"].save()

    page = soup(
        client.post("/lettre/", {"email": "a@exemple.fr", "letters": [letters["alertes"].pk]})
    )

    assert "Cochez les lettres souhaitées parmi celles proposées." in text(page)
    assert not Subscriber.objects.exists()


def test_a_huge_body_is_refused_before_it_is_read(client, settings, django_assert_max_num_queries):
    body = "email=a%40exemple.fr&website=&letters=1&x=" + "a" * (
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    )

    with django_assert_max_num_queries(2):
        response = client.post("/lettre/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert "Le formulaire envoyé était trop long." in text(page.select_one("[role=alert]"))
    assert not Subscriber.objects.exists()


def test_ten_thousand_letters_cost_no_query(client, django_assert_max_num_queries):
    many = "&".join(f"letters={n}" for n in range(10_000))

    with django_assert_max_num_queries(2):
        response = client.post(
            "/lettre/",
            f"email=a%40exemple.fr&{many}",
            content_type="application/x-www-form-urlencoded",
        )

    assert response.status_code == 400
    assert not Subscriber.objects.exists()


def test_more_letters_than_offered_are_refused_before_any_query(
    client, letters, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        page = soup(client.post("/lettre/", {"email": "a@exemple.fr", "letters": list(range(500))}))

    assert "Cochez les lettres souhaitées parmi celles proposées." in text(page)


@pytest.mark.parametrize(
    "fields",
    [
        {"email": "a\x00@exemple.fr"},
        {"email": "a@exemple.fr", "letters": ["1\x00"]},
        {"email": "a@" + "b" * 300 + ".fr"},
        {"email": "a@exemple.fr", "letters": ["1; DROP TABLE newsletter_letter"]},
    ],
    ids=["nul in address", "nul in letter", "long address", "not a number"],
)
def test_a_hostile_field_gets_the_form_back_with_a_french_message(client, letters, fields):
    page = soup(client.post("/lettre/", fields))

    assert "Votre inscription n’est pas encore enregistrée" in text(page.select_one("[role=alert]"))
    assert not Subscriber.objects.exists()


def test_the_privacy_page_says_what_the_newsletter_keeps(client):
    page = text(soup(client.get("/confidentialite/")))

    assert "La lettre d’information" in page
    assert "aucun pixel" in page and "aucun lien réécrit" in page
