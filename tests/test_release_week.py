"""
« Sorties de la semaine »: the films out in French cinemas on a week's Wednesday and what
reaches the platforms until the Tuesday after, read from the works alone.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from reader.views.works import ReleaseWeekView
from tests.factories import make_article, make_image, make_work
from tests.pages import count_queries, soup, text
from works.models import Work
from works.weeks import ReleaseWeek

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
WEEK_OF_2_DECEMBER = "/sorties/2026-12-02/"


def titles(page, group):
    return [text(a) for a in page.select(f"#{group}-title ~ ul .release__title a")]


def in_cinemas(page):
    return titles(page, "in-cinemas")


def on_platforms(page):
    return titles(page, "on-platforms")


# -- Which week a release belongs to -----------------------------------------------------


def test_a_film_out_on_a_wednesday_opens_that_week_not_the_one_before(client):
    make_work(title="Marée basse", release_date=date(2026, 12, 2))
    assert in_cinemas(soup(client.get(WEEK_OF_2_DECEMBER))) == ["Marée basse"]
    assert in_cinemas(soup(client.get("/sorties/2026-11-25/"))) == []


def test_a_platform_release_on_tuesday_closes_the_week_and_wednesday_opens_the_next(client):
    make_work(title="Mardi", platform="Paravent", platform_date=date(2026, 12, 8))
    make_work(title="Mercredi", platform="Lumen+", platform_date=date(2026, 12, 9))
    assert on_platforms(soup(client.get(WEEK_OF_2_DECEMBER))) == ["Mardi"]
    assert on_platforms(soup(client.get("/sorties/2026-12-09/"))) == ["Mercredi"]


def test_the_week_under_way_turns_at_midnight_in_paris():
    tuesday_night = datetime(2026, 12, 8, 23, 59, tzinfo=PARIS)
    assert ReleaseWeek.current(tuesday_night).start == date(2026, 12, 2)
    # 23:00 in London and UTC: already Wednesday in Paris.
    assert ReleaseWeek.current(tuesday_night + timedelta(minutes=1)).start == date(2026, 12, 9)
    assert ReleaseWeek.current(datetime(2026, 12, 8, 23, 0, tzinfo=ZoneInfo("UTC"))).start == (
        date(2026, 12, 9)
    )


@pytest.mark.usefixtures("page_cache_off")
def test_the_current_week_page_shows_the_week_under_way(client, monkeypatch):
    make_work(title="Sortie du 2", release_date=date(2026, 12, 2))
    make_work(title="Sortie du 9", release_date=date(2026, 12, 9))

    def current_page(moment):
        monkeypatch.setattr(ReleaseWeekView, "now", staticmethod(lambda: moment))
        return soup(client.get("/sorties/"))

    tuesday = current_page(datetime(2026, 12, 8, 23, 59, tzinfo=PARIS))
    assert text(tuesday.h1) == "Sorties de la semaine du 2 au 8 décembre 2026"
    assert in_cinemas(tuesday) == ["Sortie du 2"]
    wednesday = current_page(datetime(2026, 12, 9, 0, 0, tzinfo=PARIS))
    assert text(wednesday.h1) == "Sorties de la semaine du 9 au 15 décembre 2026"
    assert in_cinemas(wednesday) == ["Sortie du 9"]


# -- Addresses ---------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2026-12-03", "2026-12-08", "2026-12-06"])
def test_any_day_leads_permanently_to_its_week(client, day):
    response = client.get(f"/sorties/{day}/")
    assert response.status_code == 301
    assert response["Location"] == WEEK_OF_2_DECEMBER


def test_english_pages_lead_to_the_english_week(client):
    response = client.get("/en/sorties/2026-12-08/")
    assert response["Location"] == "/en" + WEEK_OF_2_DECEMBER


@pytest.mark.parametrize("day", ["2026-02-30", "2026-13-01", "2026-1-07", "0001-01-01", "demain"])
def test_impossible_dates_are_not_found(client, day):
    assert client.get(f"/sorties/{day}/").status_code == 404


# -- What the page shows -----------------------------------------------------------------


def test_headings_name_the_months_and_years_the_week_spans(client):
    for path, heading in [
        (WEEK_OF_2_DECEMBER, "Sorties de la semaine du 2 au 8 décembre 2026"),
        ("/sorties/2026-11-25/", "Sorties de la semaine du 25 novembre au 1er décembre 2026"),
        ("/sorties/2026-12-30/", "Sorties de la semaine du 30 décembre 2026 au 5 janvier 2027"),
    ]:
        assert text(soup(client.get(path)).h1) == heading


def test_each_work_shows_its_poster_kind_directors_rating_and_articles(client):
    film = make_work(
        title="Marée basse",
        directors="Odile Ferrand, Lucien Marsac",
        release_date=date(2026, 12, 2),
        poster=make_image(),
    )
    now = timezone.now()
    news = make_article(title="Le tournage", works=[film], published_at=now - timedelta(hours=1))
    review = make_article(
        title="Une marée d’émotions",
        reviewed_work=film,
        rating=Decimal("4.5"),
        published_at=now - timedelta(days=2),
    )
    make_article(title="Brouillon", works=[film], status=Article.Status.DRAFT, published_at=None)

    [release] = soup(client.get(WEEK_OF_2_DECEMBER)).select(".release")
    assert release.select_one(".release__poster img")["alt"] == ""
    assert text(release.select_one(".release__meta")) == (
        "Film · Réalisation : Odile Ferrand et Lucien Marsac"
    )
    rating = release.select_one(".release__rating a")
    assert text(rating) == "★★★★★ Note : 4,5 sur 5"
    assert rating["href"] == review.get_absolute_url()
    links = release.select(".release__articles a")
    # The review first, then the other articles, newest first; never a draft.
    assert [(text(a), a["href"]) for a in links] == [
        ("Critique : Une marée d’émotions", review.get_absolute_url()),
        ("Le tournage", news.get_absolute_url()),
    ]


def test_platform_releases_give_the_platform_and_the_day(client):
    make_work(
        title="Les Marées",
        kind=Work.Kind.SERIES,
        directors="Marie Dupont",
        platform="Lumen TV",
        platform_date=date(2026, 12, 4),
    )
    page = soup(client.get(WEEK_OF_2_DECEMBER))
    assert in_cinemas(page) == []
    assert text(page.select_one(".releases .empty")) == (
        "Aucun film ne sort au cinéma cette semaine."
    )
    [release] = page.select(".release")
    assert text(release.select_one(".release__meta")) == "Série · Création : Marie Dupont"
    assert text(release.select_one(".release__platform")) == "Lumen TV, vendredi 4 décembre"
    assert release.select_one(".release__platform time")["datetime"] == "2026-12-04"
    assert not release.select(".release__rating, .release__articles")


def test_releases_come_in_date_order(client):
    make_work(title="Z en salles mercredi", release_date=date(2026, 12, 2))
    make_work(title="A en salles vendredi", release_date=date(2026, 12, 4))
    make_work(title="Dimanche", platform="Paravent", platform_date=date(2026, 12, 6))
    make_work(title="Jeudi", platform="Paravent", platform_date=date(2026, 12, 3))
    page = soup(client.get(WEEK_OF_2_DECEMBER))
    assert in_cinemas(page) == ["Z en salles mercredi", "A en salles vendredi"]
    assert on_platforms(page) == ["Jeudi", "Dimanche"]


def test_an_empty_week_says_so(client):
    make_work(release_date=date(2026, 11, 4))
    page = soup(client.get(WEEK_OF_2_DECEMBER))
    assert not page.select(".release")
    assert text(page.select_one("main .empty")) == "Aucune sortie cette semaine."


def test_weeks_link_to_the_weeks_around_as_far_as_the_releases_go(client):
    make_work(release_date=date(2026, 11, 18))
    make_work(release_date=date(2026, 12, 2))
    make_work(platform="Paravent", platform_date=date(2026, 12, 18))

    page = soup(client.get(WEEK_OF_2_DECEMBER))
    navigation = page.select_one("nav.pagination")
    assert navigation.select_one("a[rel=prev]")["href"] == "/sorties/2026-11-25/"
    assert navigation.select_one("a[rel=next]")["href"] == "/sorties/2026-12-09/"
    assert page.select_one("link[rel=prev]")["href"].endswith("/sorties/2026-11-25/")

    first = soup(client.get("/sorties/2026-11-18/"))
    assert not first.select("a[rel=prev]")
    last = soup(client.get("/sorties/2026-12-16/"))
    assert not last.select("a[rel=next]")
    assert last.select_one("a[rel=prev]")["href"] == "/sorties/2026-12-09/"


def test_every_page_links_to_the_release_week(client):
    page = soup(client.get("/"))
    link = page.select_one(".site-nav a[href='/sorties/']")
    assert text(link) == "Sorties de la semaine"
    current = soup(client.get("/sorties/")).select_one(".site-nav a[href='/sorties/']")
    assert current["aria-current"] == "page"


def build_week(works, articles_each, prefix):
    for n in range(works):
        work = make_work(
            slug=f"{prefix}film-{n}",
            poster=make_image(),
            release_date=date(2026, 12, 2),
            platform="Paravent",
            platform_date=date(2026, 12, 5),
        )
        make_article(reviewed_work=work, rating=Decimal("3"))
        for _ in range(articles_each):
            make_article(works=[work])


@pytest.mark.usefixtures("page_cache_off")
def test_the_week_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    build_week(works=1, articles_each=1, prefix="s-")
    small = count_queries(client, WEEK_OF_2_DECEMBER)
    Work.objects.all().update(release_date=None, platform_date=None, platform="")
    build_week(works=6, articles_each=3, prefix="l-")
    assert count_queries(client, WEEK_OF_2_DECEMBER) == small
    # The navigation, the works with their ratings, their reviews, their other
    # articles, and how far the releases go.
    with django_assert_max_num_queries(5):
        client.get(WEEK_OF_2_DECEMBER)


# -- The page cache ----------------------------------------------------------------------


def stored(client, url):
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert len(queries) == 0, f"{url} was built again"
    assert second.content == first.content
    return second


def test_editing_a_work_shows_on_its_week(client):
    film = make_work(title="Marée basse", release_date=date(2026, 12, 2))
    stored(client, WEEK_OF_2_DECEMBER)
    film.title = "Marée haute"
    film.save()
    assert in_cinemas(soup(client.get(WEEK_OF_2_DECEMBER))) == ["Marée haute"]
    # Moved to another week, it leaves this one.
    film.release_date = date(2026, 12, 9)
    film.save()
    assert in_cinemas(soup(client.get(WEEK_OF_2_DECEMBER))) == []


def test_publishing_a_review_shows_its_rating_on_the_week(client):
    film = make_work(release_date=date(2026, 12, 2))
    review = make_article(
        reviewed_work=film, rating=Decimal("2"), status=Article.Status.DRAFT, published_at=None
    )
    stored(client, WEEK_OF_2_DECEMBER)
    review.status = Article.Status.PUBLISHED
    review.save()
    rating = soup(client.get(WEEK_OF_2_DECEMBER)).select_one(".release__rating")
    assert "Note : 2 sur 5" in text(rating)


def test_the_current_week_is_not_kept_past_its_end(client, settings):
    settings.PAGE_CACHE_TIMEOUT = 30 * 24 * 3600
    response = stored(client, "/sorties/")
    left = (ReleaseWeek.current().ends_at - timezone.now()).total_seconds()
    cache_control = dict(
        part.strip().partition("=")[::2] for part in response["Cache-Control"].split(",")
    )
    assert 0 < int(cache_control["s-maxage"]) <= left
    # Another week's page does not change with time.
    dated = client.get(WEEK_OF_2_DECEMBER)
    assert f"s-maxage={settings.PAGE_CACHE_TIMEOUT}" in dated["Cache-Control"].replace(" ", "")


def test_the_week_names_what_it_shows_for_the_cache(client):
    film = make_work(release_date=date(2026, 12, 2), poster=make_image())
    review = make_article(reviewed_work=film, rating=Decimal("3"))
    keys = set(client.get(WEEK_OF_2_DECEMBER)["Surrogate-Key"].split())
    assert {
        "works",
        "articles",
        f"work-{film.pk}",
        f"image-{film.poster_id}",
        f"article-{review.pk}",
    } <= keys
