"""
The indexes a reader browses: the team at /auteurs/, the films and series at /oeuvres/
(filtered by kind and year) and the tags at /tags/; paginated, cached, and made stale by
what changes them.
"""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article
from tests.factories import make_article, make_author, make_image, make_work
from tests.pages import soup, text
from tests.test_page_cache import stored

pytestmark = pytest.mark.django_db

AUTHORS, WORKS, TAGS = "/auteurs/", "/oeuvres/", "/tags/"


def entry_titles(response):
    return [text(title) for title in soup(response).select(".index-entry__title")]


def tag_names(response):
    return [text(link.span) for link in soup(response).select(".tag-index a")]


def item_list(response):
    (data,) = [
        json.loads(script.string)
        for script in soup(response).select('script[type="application/ld+json"]')
    ]
    assert data["@type"] == "CollectionPage"
    return [(item["position"], item["name"]) for item in data["mainEntity"]["itemListElement"]]


# -- The team ---------------------------------------------------------------------------


def test_the_team_lists_by_name_who_has_published_with_role_and_latest_article(client):
    now = timezone.now()
    ines = make_author(name="Inès Marchand", slug="ines-marchand", role="Rédactrice en chef")
    elodie = make_author(name="Élodie Brun", slug="elodie-brun", avatar=make_image())
    zoe = make_author(name="Zoé Muette", slug="zoe-muette")
    make_article(title="Ancien papier", authors=[ines], published_at=now - timedelta(days=3))
    latest = make_article(
        title="Dernier papier", authors=[ines], published_at=now - timedelta(days=1)
    )
    make_article(title="Brouillon", authors=[ines], status=Article.Status.DRAFT)
    make_article(title="À paraître", authors=[ines], published_at=now + timedelta(days=1))
    make_article(title="Premier papier", authors=[elodie])
    make_article(title="Jamais lu", authors=[zoe], status=Article.Status.DRAFT)

    page = soup(client.get(AUTHORS))
    # « Élodie » among the E, not after every unaccented letter; Zoé has published nothing.
    assert entry_titles(client.get(AUTHORS)) == ["Élodie Brun", "Inès Marchand"]
    elodie_entry, ines_entry = page.select(".index-entry")
    assert text(ines_entry.select_one(".index-entry__meta")) == "Rédactrice en chef"
    link = ines_entry.select_one(".index-entry__latest a")
    assert (text(link), link["href"]) == ("Dernier papier", latest.get_absolute_url())
    assert "Ancien papier" not in text(ines_entry)
    assert elodie_entry.select_one(".index-entry__portrait img") is not None
    assert ines_entry.select_one(".index-entry__portrait") is None


def test_the_team_is_paginated_and_described_as_a_list(client):
    authors = [make_author(name=f"Plume {n:02}", slug=f"plume-{n:02}") for n in range(26)]
    make_article(authors=authors)

    first, second = client.get(AUTHORS), client.get(AUTHORS + "?page=2")
    assert len(entry_titles(first)) == 24
    assert entry_titles(second) == ["Plume 24", "Plume 25"]
    assert soup(first).select_one("a[rel=next]")["href"] == AUTHORS + "?page=2"
    assert item_list(second) == [(25, "Plume 24"), (26, "Plume 25")]
    assert client.get(AUTHORS + "?page=3").status_code == 404


# -- Films and series -------------------------------------------------------------------


@pytest.fixture
def works():
    series = make_work(title="Station Vega", slug="station-vega", kind="series", year=2025)
    film = make_work(title="À bout de course", slug="a-bout-de-course", year=2025)
    old = make_work(title="Les Ombres", slug="les-ombres", year=1971)
    make_article(reviewed_work=series, rating=Decimal("4.5"))
    make_article(reviewed_work=film, rating=Decimal("2"), status=Article.Status.DRAFT)
    return {"series": series, "film": film, "old": old}


def test_every_work_is_listed_by_title_with_its_published_rating(client, works):
    page = client.get(WORKS)
    assert entry_titles(page) == ["À bout de course", "Les Ombres", "Station Vega"]
    ratings = [text(entry) for entry in soup(page).select(".index-entry__rating")]
    # The draft review's rating is nobody's to see yet.
    assert ratings == ["★★★★★ Note : 4,5 sur 5"]
    assert item_list(page)[0] == (1, "À bout de course (2025)")


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("?type=serie", ["Station Vega"]),
        ("?type=film", ["À bout de course", "Les Ombres"]),
        ("?annee=1971", ["Les Ombres"]),
        ("?type=film&annee=2025", ["À bout de course"]),
        ("?type=documentaire", []),
    ],
)
def test_works_are_filtered_by_kind_and_year(client, works, query, shown):
    assert entry_titles(client.get(WORKS + query)) == shown


def test_filter_links_keep_the_other_filter_and_mark_the_current_one(client, works):
    page = soup(client.get(WORKS + "?type=film&annee=2025"))
    current = [(text(a), a["href"]) for a in page.select(".index-filters a[aria-current]")]
    assert current == [
        ("Film", "/oeuvres/?annee=2025&type=film"),
        ("2025", "/oeuvres/?annee=2025&type=film"),
    ]
    links = {text(a): a["href"] for a in page.select(".index-filters a")}
    assert links["Série"] == "/oeuvres/?annee=2025&type=serie"
    assert links["Tous les types"] == "/oeuvres/?annee=2025"
    assert links["Toutes les années"] == "/oeuvres/?type=film"
    # Only the years a work has.
    assert [year for year in links if year.isdigit()] == ["2025", "1971"]


def test_the_next_page_of_a_filtered_list_keeps_its_filters(client):
    for n in range(25):
        make_work(title=f"Série {n:02}", slug=f"serie-{n:02}", kind="series", year=2024)
    page = soup(client.get(WORKS + "?type=serie&annee=2024&utm_source=x"))
    assert page.select_one("a[rel=next]")["href"] == "/oeuvres/?annee=2024&type=serie&page=2"
    assert entry_titles(client.get("/oeuvres/?annee=2024&type=serie&page=2")) == ["Série 24"]


@pytest.mark.parametrize(
    "query", ["?type=series", "?type=", "?type=Film", "?annee=0", "?annee=02025", "?annee=3000"]
)
def test_a_filter_the_index_does_not_offer_is_not_found(client, works, query):
    # Each would otherwise be one more copy of the page in every cache.
    assert client.get(WORKS + query).status_code == 404


# -- Tags -------------------------------------------------------------------------------


def test_the_tags_of_published_articles_are_listed_with_their_counts(client):
    make_article(tags=["Économie", "Cannes"])
    make_article(tags=["Cannes"])
    make_article(tags=["Zoom", "Secret"], status=Article.Status.DRAFT)
    make_article(tags=["Cannes"], published_at=timezone.now() + timedelta(hours=2))

    page = client.get(TAGS)
    assert tag_names(page) == ["Cannes", "Économie"]
    counts = [text(count) for count in soup(page).select(".tag-index__count")]
    assert counts == ["2 articles", "1 article"]
    assert soup(page).select_one(".tag-index a")["href"] == "/tags/cannes/"
    assert item_list(page) == [(1, "Cannes"), (2, "Économie")]


# -- Each index in the footer, in French and in English ------------------------------------


def test_every_page_links_to_the_indexes(client):
    make_article()
    footer = soup(client.get("/")).select_one(".site-footer")
    links = {text(a): a["href"] for a in footer.select(".site-footer__links a")}
    assert (
        links.items() >= {"L’équipe": AUTHORS, "Films et séries": WORKS, "Étiquettes": TAGS}.items()
    )
    english = soup(client.get("/en/")).select_one(".site-footer")
    links = {text(a): a["href"] for a in english.select(".site-footer__links a")}
    assert (
        links.items()
        >= {
            "The team": "/en/auteurs/",
            "Films and series": "/en/oeuvres/",
            "Tags": "/en/tags/",
        }.items()
    )


def test_the_english_indexes_keep_the_french_titles_marked_as_french(client, works):
    page = soup(client.get("/en/oeuvres/"))
    assert text(page.h1) == "Films and series"
    assert page.select_one(".index-entry__title")["lang"] == "fr"


# -- The page cache ---------------------------------------------------------------------


def test_the_team_is_cached_until_an_author_or_a_publication_changes_it(client):
    ines = make_author(name="Inès Marchand", slug="ines-marchand")
    article = make_article(title="Premier papier", authors=[ines])
    stored(client, AUTHORS)
    ines.role = "Rédactrice en chef"
    ines.save()
    assert "Rédactrice en chef" in text(soup(client.get(AUTHORS)).main)

    stored(client, AUTHORS)
    newcomer = make_author(name="Yann Le Goff", slug="yann-le-goff")
    draft = make_article(title="Début", authors=[newcomer], status=Article.Status.DRAFT)
    assert entry_titles(stored(client, AUTHORS)) == ["Inès Marchand"]
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert entry_titles(client.get(AUTHORS)) == ["Inès Marchand", "Yann Le Goff"]

    stored(client, AUTHORS)
    article.title = "Premier papier, corrigé"
    article.save()
    assert "Premier papier, corrigé" in text(soup(client.get(AUTHORS)).main)


def test_the_works_index_is_cached_until_a_work_or_a_review_changes_it(client, works):
    stored(client, WORKS)
    stored(client, WORKS + "?type=serie")
    works["old"].title = "Les Ombres de Sainte-Aube"
    works["old"].save()
    assert "Les Ombres de Sainte-Aube" in entry_titles(client.get(WORKS))

    stored(client, WORKS)
    review = Article.objects.get(reviewed_work=works["film"])
    review.status = Article.Status.PUBLISHED
    review.save()
    ratings = [text(entry) for entry in soup(client.get(WORKS)).select(".index-entry__rating")]
    assert ratings == ["★★★★★ Note : 2 sur 5", "★★★★★ Note : 4,5 sur 5"]

    stored(client, WORKS + "?type=serie")
    series_review = Article.objects.get(reviewed_work=works["series"])
    series_review.rating = Decimal("3")
    series_review.save()
    rating = soup(client.get(WORKS + "?type=serie")).select_one(".index-entry__rating")
    assert text(rating) == "★★★★★ Note : 3 sur 5"


def test_the_tag_index_is_cached_until_a_tag_or_a_publication_changes_it(client):
    article = make_article(tags=["Cannes"])
    stored(client, TAGS)
    article.tags.add("Venise")
    assert tag_names(client.get(TAGS)) == ["Cannes", "Venise"]

    stored(client, TAGS)
    tag = Tag.objects.get(slug="cannes")
    tag.name = "Festival de Cannes"
    tag.save()
    assert tag_names(client.get(TAGS)) == ["Festival de Cannes", "Venise"]

    stored(client, TAGS)
    make_article(tags=["Venise"])
    counts = [text(count) for count in soup(client.get(TAGS)).select(".tag-index__count")]
    assert counts == ["1 article", "2 articles"]


def test_indexes_name_what_they_show_for_cdns(client, works):
    make_article(authors=[author := make_author(avatar=make_image())], tags=["Cannes"])
    review = Article.objects.get(reviewed_work=works["series"])
    keys = {url: set(client.get(url)["Surrogate-Key"].split()) for url in (AUTHORS, WORKS, TAGS)}
    assert {"authors", "articles", f"author-{author.pk}", f"image-{author.avatar_id}"} <= keys[
        AUTHORS
    ]
    assert {"works", "articles", f"work-{works['old'].pk}", f"article-{review.pk}"} <= keys[WORKS]
    tag = Tag.objects.get(slug="cannes")
    assert {"tags", "articles", f"tag-{tag.pk}"} <= keys[TAGS]
