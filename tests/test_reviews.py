"""
Reviews (« critiques »): the rating in stars with its words on the article, on cards and
in feeds, the reviewed work in a box on the page, and a schema.org Review for search
engines, read with extruct as a crawler reads it.
"""

from decimal import Decimal
from zoneinfo import ZoneInfo

import extruct
import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_article, make_author, make_image, make_section, make_work
from tests.pages import soup, text
from works.models import Work

pytestmark = pytest.mark.django_db

SITE = "https://screenmania.example"
PARIS = ZoneInfo("Europe/Paris")
FEEDS = ["/feed/", "/feed/atom/"]


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def work():
    return make_work(
        title="Marée basse",
        slug="maree-basse",
        year=2024,
        directors="Odile Ferrand, Lucien Marsac",
        poster=make_image(alt_text="L'affiche de Marée basse"),
    )


@pytest.fixture
def review(work):
    return make_article(
        title="« Marée basse », la critique",
        slug="maree-basse-critique",
        section=make_section(name="Cinéma", slug="cinema"),
        authors=[make_author(name="Marie Dubois", slug="marie-dubois")],
        reviewed_work=work,
        rating=Decimal("3.5"),
    )


def json_ld(response):
    assert response.status_code == 200
    extracted = extruct.extract(
        response.content.decode(), base_url=SITE, syntaxes=["json-ld"], uniform=False
    )
    [item] = extracted["json-ld"]
    return item


def rating_texts(response):
    return [text(rating) for rating in soup(response).select("main .rating .rating__text")]


def read_feed(client, path):
    feed = feedparser.parse(client.get(path).content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def summary(entry):
    return " ".join(entry.summary.split())


# -- Structured data ---------------------------------------------------------------------


def test_review_page_is_a_review_for_search_engines(client, review, work):
    """The page's main entity is a Review of the work, by its author, with its rating."""
    item = json_ld(client.get(review.get_absolute_url()))
    assert item["@context"] == "https://schema.org"
    assert item["@type"] == "Review"
    assert item["headline"] == review.title
    assert item["url"] == SITE + review.get_absolute_url()
    assert item["author"] == [
        {"@type": "Person", "name": "Marie Dubois", "url": f"{SITE}/auteurs/marie-dubois/"}
    ]
    assert item["datePublished"] == review.published_at.astimezone(PARIS).isoformat()
    assert item["publisher"]["name"] == "Screenmania"
    assert "articleSection" not in item


def test_review_rating_is_a_number_out_of_five(client, review):
    """reviewRating says 3.5 as a number, on a scale from 0 to 5."""
    rating = json_ld(client.get(review.get_absolute_url()))["reviewRating"]
    assert rating == {"@type": "Rating", "ratingValue": 3.5, "bestRating": 5, "worstRating": 0}


def test_whole_rating_is_a_whole_number(client, review):
    """A rating of 4 is the number 4, not "4.0"."""
    review.rating = Decimal("4")
    review.save()
    rating = json_ld(client.get(review.get_absolute_url()))["reviewRating"]
    assert rating["ratingValue"] == 4
    assert isinstance(rating["ratingValue"], int)


def test_item_reviewed_is_the_film(client, review, work):
    """itemReviewed is the film, a Movie with its name, address and director."""
    reviewed = json_ld(client.get(review.get_absolute_url()))["itemReviewed"]
    assert reviewed["@type"] == "Movie"
    assert reviewed["name"] == "Marée basse"
    assert reviewed["url"] == SITE + work.get_absolute_url()
    assert [person["name"] for person in reviewed["director"]] == ["Odile Ferrand", "Lucien Marsac"]
    assert "@context" not in reviewed


def test_item_reviewed_of_a_series_review_is_a_tv_series(client):
    """A series' review reviews a TVSeries."""
    series = make_work(title="Station Véga", kind=Work.Kind.SERIES, seasons=2, runtime=None)
    review = make_article(reviewed_work=series, rating=Decimal("4.5"))
    reviewed = json_ld(client.get(review.get_absolute_url()))["itemReviewed"]
    assert reviewed["@type"] == "TVSeries"
    assert reviewed["name"] == "Station Véga"


def test_unrated_review_stays_a_news_article_about_the_work(client, work):
    """A review without a rating is no Review snippet: a NewsArticle about the work."""
    review = make_article(reviewed_work=work, rating=None)
    item = json_ld(client.get(review.get_absolute_url()))
    assert item["@type"] == "NewsArticle"
    assert item["about"]["name"] == "Marée basse"
    assert "reviewRating" not in item


def test_plain_article_is_no_review(client):
    """An article that reviews nothing stays a NewsArticle, with no rating."""
    article = make_article()
    item = json_ld(client.get(article.get_absolute_url()))
    assert item["@type"] == "NewsArticle"
    assert not {"reviewRating", "itemReviewed", "about"} & item.keys()


# -- The article page --------------------------------------------------------------------


def test_review_box_names_the_work_and_links_to_its_page(client, review, work):
    """The box says « Critique », links to the work's page, and gives its kind, year, directors."""
    box = soup(client.get(review.get_absolute_url())).select_one(".article-header .review-box")
    assert text(box.select_one(".review-box__label")) == "Critique"
    link = box.select_one(".review-box__title a")
    assert text(link) == "Marée basse"
    assert link["href"] == work.get_absolute_url()
    assert text(box.select_one(".review-box__facts")) == (
        "Film · 2024 · Réalisation : Odile Ferrand et Lucien Marsac"
    )
    poster = box.select_one(".review-box__poster")
    assert poster["href"] == work.get_absolute_url()
    assert poster.img["alt"] == ""


def test_review_box_of_a_series_names_its_creators(client):
    """A series is « créée », not « réalisée »."""
    series = make_work(kind=Work.Kind.SERIES, directors="Léa Fehner", runtime=None)
    review = make_article(reviewed_work=series, rating=Decimal("3"))
    facts = soup(client.get(review.get_absolute_url())).select_one(".review-box__facts")
    assert text(facts).endswith("· Création : Léa Fehner")


def test_review_page_shows_the_stars_with_their_words(client, review):
    """Five stars, hidden from screen readers, filled to 3.5, with « Note : 3,5 sur 5 »."""
    rating = soup(client.get(review.get_absolute_url())).select_one(".review-box .rating")
    assert "rating--7" in rating["class"]
    assert rating.select_one(".rating__stars")["aria-hidden"] == "true"
    assert text(rating.select_one(".rating__text")) == "Note : 3,5 sur 5"


def test_whole_rating_reads_without_decimals(client, review):
    """A rating of 4 reads « Note : 4 sur 5 », not « 4,0 »."""
    review.rating = Decimal("4")
    review.save()
    assert rating_texts(client.get(review.get_absolute_url())) == ["Note : 4 sur 5"]


def test_rating_reads_in_english_under_en(client, review):
    """Under /en/ the stars read « Rating: 3.5 out of 5 »."""
    response = client.get("/en" + review.get_absolute_url())
    assert rating_texts(response) == ["Rating: 3.5 out of 5"]


def test_plain_article_page_shows_no_review_box_nor_stars(client):
    """An article that reviews nothing has no box and no stars."""
    page = soup(client.get(make_article().get_absolute_url()))
    assert page.select(".review-box, .rating") == []


def test_review_page_costs_no_more_queries_than_an_article(client, review, page_cache_off):
    """
    The work and its poster are read with the rest of the review's page when it is
    rendered, and stored with it (reader/stored_page.py): a page built from what is
    stored reads them no more than an article's page reads a work it has not.
    """
    plain = make_article(section=review.section, authors=list(review.authors.all()))

    def cost(article):
        client.get(article.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        return len(queries), soup(response).select_one(".review-box__title")

    (review_cost, box), (plain_cost, no_box) = cost(review), cost(plain)
    assert review_cost == plain_cost
    assert text(box) == review.reviewed_work.title and no_box is None


# -- Cards and feeds ---------------------------------------------------------------------


@pytest.mark.parametrize("page", ["/", "/rubriques/cinema/"])
def test_cards_show_the_stars_with_their_words(client, review, page):
    """On the home and section pages, a review's card shows its stars and rating."""
    make_article(section=review.section)
    cards = soup(client.get(page)).select(".card")
    assert len(cards) == 2
    assert [text(rating) for rating in cards[0].select(".rating__text")] == []
    assert [text(rating) for rating in cards[1].select(".rating__text")] == ["Note : 3,5 sur 5"]


def test_related_cards_show_the_stars(client, review):
    """The compact cards under an article show a review's stars too."""
    other = make_article(section=review.section)
    related = soup(client.get(other.get_absolute_url())).select(".related .card .rating__text")
    assert [text(rating) for rating in related] == ["Note : 3,5 sur 5"]


def test_cards_read_in_english_under_en(client, review):
    """Under /en/ a card's rating reads « Rating: 3.5 out of 5 »."""
    ratings = soup(client.get("/en/")).select(".card .rating__text")
    assert [text(rating) for rating in ratings] == ["Rating: 3.5 out of 5"]


def test_cards_cost_no_query_per_review(client, page_cache_off):
    """A list of ten reviews costs what a list of two does."""
    section = make_section(slug="critiques")
    author = make_author()

    def cost():
        client.get("/rubriques/critiques/")
        with CaptureQueriesContext(connection) as queries:
            client.get("/rubriques/critiques/")
        return len(queries)

    for _ in range(2):
        make_article(section=section, authors=[author], reviewed_work=make_work(), rating=4)
    two = cost()
    for _ in range(8):
        make_article(section=section, authors=[author], reviewed_work=make_work(), rating=4)
    assert cost() == two


@pytest.mark.parametrize("path", FEEDS)
def test_feed_summary_starts_with_the_rating(client, review, path):
    """A feed item's summary opens with the stars and « Note : 3,5 sur 5 »."""
    [entry] = read_feed(client, path).entries
    assert summary(entry) == f"★★★½ Note : 3,5 sur 5 — {review.standfirst}"


@pytest.mark.parametrize("path", FEEDS)
def test_feed_summary_of_a_whole_rating(client, review, path):
    """A rating of 4 reads « ★★★★ Note : 4 sur 5 » in feeds."""
    review.rating = Decimal("4")
    review.save()
    [entry] = read_feed(client, path).entries
    assert summary(entry).startswith("★★★★ Note : 4 sur 5 — ")


@pytest.mark.parametrize("path", FEEDS)
def test_feed_summary_of_a_zero_rating_has_no_star(client, review, path):
    """A rating of 0 has no star to show, and says so in words."""
    review.rating = Decimal("0")
    review.save()
    [entry] = read_feed(client, path).entries
    assert summary(entry).startswith("Note : 0 sur 5 — ")


@pytest.mark.parametrize("path", FEEDS)
def test_feed_summary_reads_in_english_under_en(client, review, path):
    """Under /en/ the feed's summary reads « Rating: 3.5 out of 5 »."""
    [entry] = read_feed(client, "/en" + path).entries
    assert summary(entry).startswith("★★★½ Rating: 3.5 out of 5 — ")


@pytest.mark.parametrize("path", FEEDS)
def test_feed_summary_of_a_plain_article_is_its_standfirst(client, path):
    """An article that is no review keeps its standfirst alone, with no stars."""
    article = make_article()
    [entry] = read_feed(client, path).entries
    assert summary(entry) == article.standfirst


# -- The page cache ----------------------------------------------------------------------


def stored(client, url):
    """Asks twice: the second answer must come from the cache, with no query."""
    assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == 0, f"{url} was built again"


def test_new_rating_shows_on_the_page_and_every_card(client, review):
    """A review's rating changed shows at once on its page, on cards and in the feed."""
    other = make_article(section=review.section)
    pages = [review.get_absolute_url(), "/", "/rubriques/cinema/", other.get_absolute_url()]
    for url in pages:
        stored(client, url)
    stored(client, "/feed/")
    review.rating = Decimal("2")
    review.save()
    for url in pages:
        assert rating_texts(client.get(url)) == ["Note : 2 sur 5"], url
    summaries = [summary(entry) for entry in read_feed(client, "/feed/").entries]
    assert summaries[1].startswith("★★ Note : 2 sur 5 — ")


def test_renamed_work_shows_on_its_reviews(client, review, work):
    """A work's new title shows at once in the box and the JSON-LD of its review."""
    stored(client, review.get_absolute_url())
    work.title = "Marée haute"
    work.save()
    response = client.get(review.get_absolute_url())
    assert text(soup(response).select_one(".review-box__title")) == "Marée haute"
    assert json_ld(response)["itemReviewed"]["name"] == "Marée haute"


def test_new_poster_shows_on_its_reviews(client, review, work):
    """A work's poster changed shows at once in the box of its review."""
    stored(client, review.get_absolute_url())
    work.poster = make_image()
    work.save()
    poster = soup(client.get(review.get_absolute_url())).select_one(".review-box__poster img")
    assert poster["src"] == work.poster.picture("full").src


def test_review_page_names_its_work_and_poster_for_the_cache(client, review, work):
    """The page's surrogate keys name the work and its poster, for a CDN's purge."""
    keys = client.get(review.get_absolute_url())["Surrogate-Key"].split()
    assert {f"work-{work.pk}", f"image-{work.poster_id}"} <= set(keys)
