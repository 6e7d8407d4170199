"""
A film's or series' page: its details, poster and rating, every published article about
it newest first, its feeds, and what search engines and social networks read of it.
"""

from datetime import date, timedelta
from decimal import Decimal

import extruct
import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_image, make_section, make_work
from tests.pages import count_queries, soup, text
from works.models import Work

pytestmark = pytest.mark.django_db

SITE = "https://screenmania.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def film():
    return make_work(
        title="Marée basse",
        original_title="Low Tide",
        slug="maree-basse",
        year=2026,
        directors="Odile Ferrand, Lucien Marsac",
        cast="Isabelle Huppert, Vincent Lindon",
        countries=["FR", "BE"],
        runtime=112,
        release_date=date(2026, 12, 2),
        platform="Paravent",
        platform_date=date(2027, 4, 1),
        synopsis="Un village de pêcheurs attend la marée.",
        poster=make_image(alt_text="L'affiche de Marée basse"),
    )


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def facts(page):
    """{label: value} of the details list, as a reader reads it."""
    return {text(row.dt): text(row.dd) for row in page.select(".work__facts > div") if row.dt}


def card_titles(page):
    return [text(a) for a in page.select(".card__title a")]


def test_work_page_shows_the_details_of_a_film(client, film):
    page = soup(client.get("/oeuvres/maree-basse/"))
    assert text(page.h1) == "Marée basse"
    assert text(page.select_one(".work__original-title")) == "Titre original : Low Tide"
    assert text(page.select_one(".work .list-header__kicker")) == "Film"
    assert facts(page) == {
        "Année": "2026",
        "Réalisation": "Odile Ferrand et Lucien Marsac",
        "Avec": "Isabelle Huppert et Vincent Lindon",
        "Pays": "Belgique et France",
        "Durée": "1 h 52",
        "Au cinéma": "2 décembre 2026",
        "En streaming": "Paravent, 1er avril 2027",
    }
    assert page.select_one(".work__facts time")["datetime"] == "2026-12-02"
    assert text(page.select_one(".work__synopsis")) == "Un village de pêcheurs attend la marée."
    poster = page.select_one(".work__poster img")
    assert poster["alt"] == "L'affiche de Marée basse"
    assert poster["fetchpriority"] == "high"


def test_a_series_is_created_by_and_counted_in_seasons(client):
    make_work(
        title="Les Marées",
        slug="les-marees",
        kind=Work.Kind.SERIES,
        directors="Marie Dupont",
        runtime=None,
        seasons=3,
        countries=["FR"],
    )
    found = facts(soup(client.get("/oeuvres/les-marees/")))
    assert found["Création"] == "Marie Dupont"
    assert found["Saisons"] == "3 saisons"
    assert found["Pays"] == "France"
    assert "Réalisation" not in found
    assert "Durée" not in found


def test_the_original_title_shows_only_when_it_differs(client):
    make_work(title="Titane", original_title="Titane", slug="titane")
    assert not soup(client.get("/oeuvres/titane/")).select(".work__original-title")


def test_work_page_lists_only_published_articles_about_it_newest_first(client, film):
    older = make_article(title="Le tournage", works=[film], published_at=ago(days=3))
    newer = make_article(title="La bande-annonce", works=[film], published_at=ago(hours=2))
    # Reviewing it is enough, even when the work is not also listed among those discussed.
    review = make_article(
        title="Critique", reviewed_work=film, rating=Decimal("4"), published_at=ago(days=1)
    )
    review.works.clear()
    make_article(title="Brouillon", works=[film], status=Article.Status.DRAFT, published_at=None)
    make_article(title="En relecture", works=[film], status=Article.Status.REVIEW)
    make_article(title="Programmé", works=[film], published_at=timezone.now() + timedelta(days=1))
    make_article(title="Sur un autre film", works=[make_work()])

    titles = card_titles(soup(client.get(film.get_absolute_url())))
    assert titles == [newer.title, review.title, older.title]


def test_an_article_both_discussing_and_reviewing_the_work_is_listed_once(client, film):
    make_article(title="Critique", reviewed_work=film, works=[film], rating=Decimal("3"))
    assert card_titles(soup(client.get(film.get_absolute_url()))) == ["Critique"]


def test_the_magazine_rating_links_to_the_latest_published_review(client, film):
    make_article(reviewed_work=film, rating=Decimal("2"), published_at=ago(days=5))
    latest = make_article(reviewed_work=film, rating=Decimal("3.5"), published_at=ago(days=1))
    make_article(
        reviewed_work=film, rating=Decimal("5"), status=Article.Status.DRAFT, published_at=None
    )
    rating = soup(client.get(film.get_absolute_url())).select_one(".work__rating")
    assert "Note : 3,5 sur 5" in text(rating)
    assert rating.select_one(".rating--7")
    assert rating.a["href"] == latest.get_absolute_url()


def test_an_upcoming_work_has_its_page_without_articles_nor_rating(client):
    make_work(title="Bientôt", slug="bientot", release_date=date(2027, 2, 3))
    make_article(
        reviewed_work=Work.objects.get(slug="bientot"),
        rating=Decimal("5"),
        status=Article.Status.DRAFT,
        published_at=None,
    )
    page = soup(client.get("/oeuvres/bientot/"))
    assert text(page.h1) == "Bientôt"
    assert not page.select(".work__rating, .card")
    assert text(page.select_one(".empty")) == "Aucun article sur cette œuvre pour l’instant."


def test_an_unknown_work_is_not_found(client):
    assert client.get("/oeuvres/inconnu/").status_code == 404
    assert client.get("/oeuvres/inconnu/feed/").status_code == 404


def test_work_page_is_paginated_like_other_lists(client, film):
    for n in range(13):
        make_article(title=f"Article {n:02d}", works=[film], published_at=ago(hours=n + 1))
    first = soup(client.get(film.get_absolute_url()))
    assert len(card_titles(first)) == 12
    assert first.select_one("a[rel=next]")["href"] == "/oeuvres/maree-basse/?page=2"
    second = soup(client.get("/oeuvres/maree-basse/?page=2"))
    assert card_titles(second) == ["Article 12"]
    assert client.get("/oeuvres/maree-basse/?page=3").status_code == 404


def build_work(articles, authors_each, prefix):
    work = make_work(slug=f"{prefix}film", poster=make_image())
    authors = [
        make_author(slug=f"{prefix}plume-{n}", avatar=make_image()) for n in range(authors_each)
    ]
    section = make_section(slug=f"{prefix}cinema")
    for n in range(articles):
        make_article(
            section=section,
            authors=authors,
            tags=[f"{prefix}tag-{n}"],
            featured_image=make_image(),
            reviewed_work=work if n % 3 == 0 else None,
            rating=Decimal("3") if n % 3 == 0 else None,
            works=[work],
        )
    return work.get_absolute_url()


@pytest.mark.usefixtures("page_cache_off")
def test_work_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    small = count_queries(client, build_work(articles=2, authors_each=1, prefix="s-"))
    large_url = build_work(articles=14, authors_each=3, prefix="l-")
    assert count_queries(client, large_url) == small
    # The navigation, the work with its rating, its reviews, the articles, their authors.
    with django_assert_max_num_queries(5):
        client.get(large_url)


def json_ld(response):
    extracted = extruct.extract(
        response.content.decode(), base_url=SITE, syntaxes=["json-ld"], uniform=False
    )
    [item] = extracted["json-ld"]
    return item


def test_a_film_describes_itself_as_a_movie_with_the_magazine_review(client, film):
    review = make_article(title="Critique", reviewed_work=film, rating=Decimal("4.5"))
    data = json_ld(client.get(film.get_absolute_url()))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Movie"
    assert data["name"] == "Marée basse"
    assert data["alternateName"] == "Low Tide"
    assert data["url"] == f"{SITE}/oeuvres/maree-basse/"
    assert data["director"] == [
        {"@type": "Person", "name": "Odile Ferrand"},
        {"@type": "Person", "name": "Lucien Marsac"},
    ]
    assert data["duration"] == "PT112M"
    assert data["image"]["url"].startswith(f"{SITE}/media/")
    assert data["review"]["url"] == review.absolute_url
    assert data["review"]["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 4.5,
        "worstRating": 0,
        "bestRating": 5,
    }
    trail = data["mainEntityOfPage"]["breadcrumb"]["itemListElement"]
    assert [(crumb["name"], crumb["item"]) for crumb in trail] == [
        ("Accueil", f"{SITE}/"),
        ("Marée basse", f"{SITE}/oeuvres/maree-basse/"),
    ]


def test_a_series_describes_itself_as_a_tv_series(client):
    make_work(slug="serie", kind=Work.Kind.DOCUSERIES, seasons=2, runtime=None)
    data = json_ld(client.get("/oeuvres/serie/"))
    assert data["@type"] == "TVSeries"
    assert data["numberOfSeasons"] == 2
    assert "review" not in data


def test_social_networks_get_the_work_its_poster_and_kind(client, film):
    extracted = extruct.extract(
        client.get(film.get_absolute_url()).content.decode(),
        base_url=SITE,
        syntaxes=["opengraph"],
        uniform=False,
    )
    [found] = extracted["opengraph"]
    card = dict(found["properties"])
    assert card["og:type"] == "video.movie"
    assert card["og:title"] == "Marée basse (2026)"
    assert card["og:description"] == "Un village de pêcheurs attend la marée."
    assert card["og:url"] == f"{SITE}/oeuvres/maree-basse/"
    assert card["og:image:alt"] == "L'affiche de Marée basse"


@pytest.mark.parametrize("path", ["feed/", "feed/atom/"])
def test_the_work_feed_lists_its_published_articles(client, film, path):
    make_article(title="Le tournage", works=[film], published_at=ago(days=2))
    make_article(
        title="Critique", reviewed_work=film, rating=Decimal("4"), published_at=ago(hours=1)
    )
    make_article(title="Brouillon", works=[film], status=Article.Status.DRAFT, published_at=None)
    make_article(title="Ailleurs", works=[make_work()])

    response = client.get(f"/oeuvres/maree-basse/{path}")
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert feed.feed.title == "Marée basse · Screenmania"
    assert feed.feed.link == f"{SITE}/oeuvres/maree-basse/"
    assert [entry.title for entry in feed.entries] == ["Critique", "Le tournage"]
    # The same items as every other feed: full text and byline.
    assert feed.entries[0].content[0].value
    assert feed.entries[0].author


def test_the_work_page_announces_its_feeds(client, film):
    links = soup(client.get(film.get_absolute_url())).select("link[rel=alternate][type*=xml]")
    hrefs = [link["href"] for link in links]
    assert f"{SITE}/oeuvres/maree-basse/feed/" in hrefs
    assert f"{SITE}/oeuvres/maree-basse/feed/atom/" in hrefs


# -- The page cache: each change shows on the next request -----------------------------


def stored(client, url):
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert len(queries) == 0, f"{url} was built again"
    assert second.content == first.content


def test_editing_a_work_shows_on_its_page(client, film):
    stored(client, film.get_absolute_url())
    film.synopsis = "Le village attend toujours la marée."
    film.save()
    page = soup(client.get(film.get_absolute_url()))
    assert text(page.select_one(".work__synopsis")) == "Le village attend toujours la marée."


def test_publishing_an_article_about_a_work_shows_on_its_page(client, film):
    draft = make_article(
        title="Critique",
        reviewed_work=film,
        rating=Decimal("4"),
        status=Article.Status.DRAFT,
        published_at=None,
    )
    stored(client, film.get_absolute_url())
    draft.status = Article.Status.PUBLISHED
    draft.save()
    page = soup(client.get(film.get_absolute_url()))
    assert card_titles(page) == ["Critique"]
    assert "Note : 4 sur 5" in text(page.select_one(".work__rating"))


def test_work_page_names_what_it_shows_for_the_cache(client, film):
    article = make_article(works=[film], featured_image=make_image())
    keys = set(client.get(film.get_absolute_url())["Surrogate-Key"].split())
    assert {
        f"work-{film.pk}",
        f"image-{film.poster_id}",
        f"article-{article.pk}",
        f"image-{article.featured_image_id}",
        "articles",
    } <= keys


def test_editing_a_work_shows_in_its_feed_and_the_sitemap(client, film):
    make_article(works=[film], published_at=ago(days=1))
    stored(client, "/oeuvres/maree-basse/feed/")
    sitemap = client.get("/sitemap-works.xml").content
    stored(client, "/sitemap-works.xml")
    film.title = "Marée haute"
    film.save()
    feed = feedparser.parse(client.get("/oeuvres/maree-basse/feed/").content)
    assert feed.feed.title == "Marée haute · Screenmania"
    # Dated by the edit, later than its article.
    assert client.get("/sitemap-works.xml").content != sitemap
