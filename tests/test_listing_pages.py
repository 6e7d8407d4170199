"""Home, section, tag, author and search pages: what they list, and how they paginate."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_article, make_author, make_image, make_section, make_work
from tests.pages import soup, text

pytestmark = pytest.mark.django_db


def make_dated(count, **fields):
    now = timezone.now()
    return [make_article(published_at=now - timedelta(hours=n + 1), **fields) for n in range(count)]


def card_urls(page):
    return [a["href"] for a in page.select(".card__title a")]


def test_home_shows_the_headline_large_then_the_latest(client):
    newest, older, *_rest = make_dated(5)
    headline = make_article(is_featured=True, published_at=timezone.now() - timedelta(days=3))
    page = soup(client.get("/"))
    assert card_urls(page)[0] == headline.get_absolute_url()
    assert (
        page.select_one(".headline .card--large .card__title a")["href"]
        == headline.get_absolute_url()
    )
    # The secondary leads, then the list: the latest articles, each shown once.
    shown_after = ".front-leads__others .card__title a, .latest .card__title a"
    latest = [a["href"] for a in page.select(shown_after)]
    assert latest[:2] == [newest.get_absolute_url(), older.get_absolute_url()]
    assert len(latest) == 5
    assert headline.get_absolute_url() not in latest


def test_home_without_headline_flag_puts_the_newest_first(client):
    articles = make_dated(3)
    page = soup(client.get("/"))
    assert page.select_one(".headline .card__title a")["href"] == (articles[0].get_absolute_url())


def test_section_page_lists_its_articles_newest_first(client):
    section = make_section(name="Séries", slug="series", description="Tout sur les séries.")
    mine = make_dated(3, section=section)
    make_article()  # another section
    page = soup(client.get("/rubriques/series/"))
    assert text(page.h1) == "Séries"
    assert card_urls(page) == [article.get_absolute_url() for article in mine]
    assert page.select_one('.site-nav a[aria-current="page"]')["href"] == "/rubriques/series/"


def test_a_section_s_description_is_set_in_french(client):
    make_section(slug="series", description="L'actualité des séries: saison après saison.")
    page = soup(client.get("/rubriques/series/"))
    assert page.select_one(".list-header__description").get_text() == (
        "L’actualité des séries\u00a0: saison après saison."
    )


def test_tag_page_lists_tagged_articles(client):
    tagged = make_dated(2, tags=["Cannes"])
    make_article(tags=["Venise"])
    page = soup(client.get("/tags/cannes/"))
    assert text(page.h1) == "Cannes"
    assert card_urls(page) == [article.get_absolute_url() for article in tagged]


def test_author_page_shows_avatar_bio_and_their_articles(client):
    author = make_author(
        name="Inès Roy", slug="ines-roy", bio="Elle a vu **tous** les films.", avatar=make_image()
    )
    theirs = make_dated(2, authors=[author])
    make_article()
    page = soup(client.get("/auteurs/ines-roy/"))
    assert text(page.h1) == "Inès Roy"
    portrait = page.select_one(".author-header__avatar")
    assert portrait["src"].startswith("/media/renditions/")
    assert portrait["width"] == portrait["height"]
    assert portrait["fetchpriority"] == "high"
    assert page.select_one(".author-header__bio strong").string == "tous"
    assert card_urls(page) == [article.get_absolute_url() for article in theirs]


def test_unknown_section_tag_and_author_are_404(client):
    for url in ["/rubriques/nope/", "/tags/nope/", "/auteurs/nope/", "/articles/nope/"]:
        assert client.get(url).status_code == 404, url


def test_pagination_has_rel_links_and_twelve_per_page(client, settings):
    settings.SITE_URL = "https://screenmania.example"
    section = make_section(slug="cinema")
    articles = make_dated(30, section=section)
    first = soup(client.get("/rubriques/cinema/"))
    assert card_urls(first) == [a.get_absolute_url() for a in articles[:12]]
    assert first.select_one('a[rel="next"]')["href"] == "/rubriques/cinema/?page=2"
    assert first.select_one('a[rel="prev"]') is None
    assert first.select_one('link[rel="next"]')["href"] == (
        "https://screenmania.example/rubriques/cinema/?page=2"
    )

    second = soup(client.get("/rubriques/cinema/?page=2"))
    assert card_urls(second) == [a.get_absolute_url() for a in articles[12:24]]
    assert second.select_one('a[rel="prev"]')["href"] == "/rubriques/cinema/"
    assert second.select_one('a[rel="next"]')["href"] == "/rubriques/cinema/?page=3"
    assert second.select_one('link[rel="canonical"]')["href"].endswith("/rubriques/cinema/?page=2")
    # Never counted (tests/test_query_counts.py), so never « sur 3 ».
    assert text(second.select_one(".pagination__current")) == "Page 2"

    last = soup(client.get("/rubriques/cinema/?page=3"))
    assert len(card_urls(last)) == 6
    assert last.select_one('a[rel="next"]') is None


def test_page_out_of_range_or_malformed_is_404(client):
    make_dated(3)
    assert client.get("/?page=9").status_code == 404
    assert client.get("/?page=abc").status_code == 404
    assert client.get("/?page=0").status_code == 404
    assert client.get("/?page=last").status_code == 404
    assert client.get("/tags/nope/?page=2").status_code == 404


@pytest.mark.parametrize(
    ("asked", "canonical"),
    [
        ("/?page=1", "/"),
        ("/rubriques/cinema/?page=1", "/rubriques/cinema/"),
        ("/recherche/?q=documentaires&page=1", "/recherche/?q=documentaires"),
        ("/oeuvres/?type=film&page=1", "/oeuvres/?type=film"),
        ("/auteurs/?page=1&utm_source=x", "/auteurs/"),
    ],
)
def test_page_one_by_number_moves_to_the_list_address(client, asked, canonical):
    make_dated(13, section=make_section(slug="cinema"), works=[make_work()])
    response = client.get(asked)

    assert response.status_code == 301
    assert response["Location"] == canonical
    assert client.get(canonical).status_code == 200


def test_a_full_last_page_offers_no_older_page(client):
    section = make_section(slug="cinema")
    make_dated(24, section=section)
    last = soup(client.get("/rubriques/cinema/?page=2"))
    assert len(card_urls(last)) == 12
    assert last.select_one('a[rel="next"]') is None
    assert last.select_one('link[rel="next"]') is None
    assert client.get("/rubriques/cinema/?page=3").status_code == 404


def test_search_pages_say_how_many_results(client):
    for _ in range(13):
        make_article(body="Un festival de documentaires.")
    page = soup(client.get("/recherche/?q=documentaires"))
    assert text(page.select_one(".pagination__current")) == "Page 1 sur 2"
    assert "13 résultats" in text(page.select_one(".list-header__description"))


def test_search_finds_published_words_and_keeps_the_query_in_pages(client):
    for _ in range(13):
        make_article(body="Un festival de documentaires.")
    make_article(title="Autre chose")
    page = soup(client.get("/recherche/?q=documentaires"))
    assert len(card_urls(page)) == 12
    assert page.select_one('a[rel="next"]')["href"] == "/recherche/?q=documentaires&page=2"
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    assert page.select_one("#search-q")["value"] == "documentaires"


def test_empty_site_home_says_so(client):
    page = soup(client.get("/"))
    assert page.select_one(".empty") is not None
