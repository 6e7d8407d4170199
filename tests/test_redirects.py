"""
Old addresses answer: every form of redirect in one hop, 302 and 410, the hit count,
and the answer kept by the page cache like a page.
"""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from redirects.models import Redirect
from tests.factories import make_article
from tests.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article(title="Le tournage", slug="tournage")


@pytest.mark.parametrize(
    "old_address, asked",
    [
        # WordPress's permalink structures, and its query forms.
        ("/2023/07/28/le-tournage/", "/2023/07/28/le-tournage/"),
        ("/le-tournage/", "/le-tournage/"),
        ("/category/cinema/le-tournage/", "/category/cinema/le-tournage/"),
        ("/?p=123", "/?p=123"),
        ("/?page_id=7", "/?page_id=7"),
        ("/?cat=4", "/?cat=4"),
        ("/?tag=cannes", "/?tag=cannes"),
        ("/?author=2", "/?author=2"),
        ("/index.php?p=123", "/index.php?p=123"),
        ("/category/cinema/", "/category/cinema/"),
        ("/tag/cannes/", "/tag/cannes/"),
        ("/author/marie/", "/author/marie/"),
        ("/feed/rss/", "/feed/rss/"),
        ("/category/cinema/feed/", "/category/cinema/feed/"),
        # An article's old slug: a page of ours that no longer finds it.
        ("/articles/ancien-titre/", "/articles/ancien-titre/"),
        # Accents as WordPress writes them, percent-encoded; a tracking parameter.
        ("/2023/07/28/l%C3%A9t%C3%A9/", "/2023/07/28/l%C3%A9t%C3%A9/"),
        ("/2023/07/28/le-tournage/", "/2023/07/28/le-tournage/?utm_source=x"),
        # Asked without the slash its permalink had.
        ("/2023/07/28/le-tournage/", "/2023/07/28/le-tournage"),
    ],
)
def test_each_old_address_redirects_in_one_hop(client, article, old_address, asked):
    Redirect.objects.point(old_address, article.get_absolute_url(), source="wordpress")
    response = client.get(asked)
    assert response.status_code == 301
    assert response["Location"] == "/articles/tournage/"
    assert client.get(response["Location"]).status_code == 200


def test_an_unknown_wordpress_query_is_not_found_rather_than_the_front_page(client):
    assert client.get("/?p=999").status_code == 404
    assert client.get("/").status_code == 200


def test_a_page_that_exists_is_never_redirected(client, article):
    Redirect.objects.point("/articles/tournage/", "/ailleurs/")
    assert client.get("/articles/tournage/").status_code == 200


def test_a_temporary_redirect_answers_302(client, article):
    Redirect.objects.point("/festival/", "/articles/tournage/", status=302)
    response = client.get("/festival/")
    assert (response.status_code, response["Location"]) == (302, "/articles/tournage/")


def test_an_address_gone_on_purpose_answers_410_in_french(client):
    Redirect.objects.gone("/2019/01/01/retire/")
    response = client.get("/2019/01/01/retire/")
    assert response.status_code == 410
    page = BeautifulSoup(response.content, "html.parser")
    assert page.html["lang"] == "fr"
    assert "retirée volontairement" in text(page.h1)
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_an_absolute_target_elsewhere_is_followed(client):
    Redirect.objects.point("/boutique/", "https://boutique.example/films/")
    assert client.get("/boutique/")["Location"] == "https://boutique.example/films/"


def test_each_answer_built_counts_one_hit_in_one_update(client, article):
    redirect = Redirect.objects.point("/ancien/", "/articles/tournage/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/ancien/")
    # Read once, counted by the database: no read-modify-write that two readers would race.
    on_redirects = [q["sql"] for q in queries.captured_queries if "redirects_redirect" in q["sql"]]
    assert [sql.split()[0] for sql in on_redirects] == ["SELECT", "UPDATE"]
    assert '"hits" = ("redirects_redirect"."hits" + 1)' in on_redirects[1]
    redirect.refresh_from_db()
    assert redirect.hits == 1 and redirect.last_hit_at is not None
    # Answered again by the page cache: not counted (« visits » says so in the admin).
    client.get("/ancien/")
    redirect.refresh_from_db()
    assert redirect.hits == 1


def test_a_cached_redirect_costs_no_query(client, article, django_assert_num_queries):
    Redirect.objects.point("/ancien/", "/articles/tournage/")
    Redirect.objects.gone("/retire/")
    Redirect.objects.point("/?p=12", "/articles/tournage/")
    for address in ["/ancien/", "/retire/", "/?p=12"]:
        first = client.get(address)
        with django_assert_num_queries(0):
            again = Client().get(address)
        assert again.status_code == first.status_code
        assert again.get("Location") == first.get("Location")
        assert "public" in again["Cache-Control"]


def test_a_changed_redirect_is_answered_afresh(client, article):
    redirect = Redirect.objects.point("/ancien/", "/articles/tournage/")
    assert client.get("/ancien/")["Location"] == "/articles/tournage/"
    other = make_article(slug="autre")
    Redirect.objects.point("/ancien/", other.get_absolute_url())
    assert client.get("/ancien/")["Location"] == "/articles/autre/"
    redirect.delete()
    assert client.get("/ancien/").status_code == 404


def test_a_new_redirect_stamps_the_pages_not_found(client):
    response = client.get("/ancien/")
    assert "redirects" in response["Surrogate-Key"].split()


def test_a_post_to_an_old_address_is_not_redirected(client):
    Redirect.objects.point("/2019/ancien/", "/")
    assert client.post("/2019/ancien/").status_code == 404
