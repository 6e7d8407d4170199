"""Every address the WordPress site answered at leads to the new one, in one 301."""

import pytest

from articles.models import Article, Section
from authors.models import Author
from sitepages.models import SitePage
from wordpress.importer import import_wxr

from .wxr_files import page, post, write

pytestmark = pytest.mark.django_db

CATEGORIES = [
    {"id": 10, "slug": "cinema", "name": "Cinéma"},
    {"id": 11, "slug": "festivals", "name": "Festivals", "parent": "cinema"},
]
TAGS = [{"id": 20, "slug": "cannes", "name": "Cannes"}]


@pytest.fixture
def imported(tmp_path):
    items = [
        # Three permalink structures, as sites choose them.
        post(1, post_name="date-et-nom", categories=[("category", "festivals", "Festivals")]),
        post(
            2,
            post_name="nom-seul",
            link="https://cinerevue.example/nom-seul/",
            categories=[("category", "cinema", "Cinéma"), ("post_tag", "cannes", "Cannes")],
        ),
        post(
            3,
            post_name="par-rubrique",
            link="https://cinerevue.example/cinema/par-rubrique/",
            categories=[("category", "cinema", "Cinéma")],
        ),
        # Plain permalinks: the address is the query form.
        post(4, post_name="sans-joli-lien", link="https://cinerevue.example/?p=4"),
        post(5, post_name="brouillon", status="draft"),
        page(6, post_name="qui-sommes-nous"),
    ]
    export = write(tmp_path / "export.xml", *items, categories=CATEGORIES, tags=TAGS)
    import_wxr(export)


def moved_to(client, old, new):
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, new), old
    # One hop: the new address answers itself.
    assert client.get(new).status_code == 200, new


def test_posts_permalinks_and_query_forms(client, imported):
    for slug, permalink in [
        ("date-et-nom", "/2023/07/28/date-et-nom/"),
        ("nom-seul", "/nom-seul/"),
        ("par-rubrique", "/cinema/par-rubrique/"),
    ]:
        new = Article.objects.get(slug=slug).get_absolute_url()
        moved_to(client, permalink, new)
    plain = Article.objects.get(slug="sans-joli-lien").get_absolute_url()
    moved_to(client, "/?p=4", plain)
    moved_to(client, "/?p=1", Article.objects.get(slug="date-et-nom").get_absolute_url())


def test_a_draft_gets_no_redirect_that_would_give_its_title_away(client, imported):
    assert client.get("/?p=5").status_code != 301


def test_pages_permalink_and_page_id(client, imported):
    new = SitePage.objects.get(slug="qui-sommes-nous").get_absolute_url()
    assert new == "/qui-sommes-nous/"
    # Same address on both sites: the page answers itself, no redirect needed.
    assert client.get("/qui-sommes-nous/").status_code == 200
    moved_to(client, "/?page_id=6", new)


def test_categories_tags_authors_and_their_feeds(client, imported):
    festivals = Section.objects.get(name="Festivals")
    moved_to(client, "/category/cinema/festivals/", festivals.get_absolute_url())
    moved_to(client, "/category/festivals/", festivals.get_absolute_url())
    moved_to(client, "/category/cinema/festivals/feed/", f"/rubriques/{festivals.slug}/feed/")
    cinema = Section.objects.get(name="Cinéma")
    moved_to(client, "/category/cinema/", cinema.get_absolute_url())
    moved_to(client, "/tag/cannes/", "/tags/cannes/")
    moved_to(client, "/tag/cannes/feed/", "/tags/cannes/feed/")
    marie = Author.objects.get(name="Marie Curieux")
    moved_to(client, "/author/marie/", marie.get_absolute_url())
    moved_to(client, "/author/marie/feed/", f"/auteurs/{marie.slug}/feed/")
    # WordPress's main feed is at our own feed's address.
    assert client.get("/feed/").status_code == 200
