"""
« Sans spoiler » or « Contient des spoilers »: stated by the editor, shown to readers on
cards, on the article and at the start of the feed summary, so they can choose.
"""

from decimal import Decimal

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Spoilers
from tests.factories import make_article, make_section, make_work
from tests.pages import soup, text

pytestmark = pytest.mark.django_db

FEEDS = ["/feed/", "/feed/atom/"]
LABELS = {Spoilers.FREE: "Sans spoiler", Spoilers.CONTAINS: "Contient des spoilers"}


@pytest.fixture
def section():
    return make_section(name="Séries", slug="series")


def card_flags(client, url):
    return [
        [text(flag) for flag in card.select(".spoiler-flag")]
        for card in soup(client.get(url)).select(".card")
    ]


def feed_summary(client, path):
    feed = feedparser.parse(client.get(path).content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    [entry] = feed.entries
    return " ".join(entry.summary.split())


@pytest.mark.parametrize("spoilers", sorted(LABELS))
@pytest.mark.parametrize("page", ["/", "/rubriques/series/"])
def test_cards_show_the_stated_flag(client, section, spoilers, page):
    """A card says « Sans spoiler » or « Contient des spoilers », as the editor stated."""
    make_article(section=section, spoilers=spoilers)
    assert card_flags(client, page) == [[LABELS[spoilers]]]


def test_cards_say_nothing_when_nothing_was_stated(client, section):
    """An article whose editor stated nothing shows no flag, rather than a guess."""
    make_article(section=section, spoilers="")
    assert card_flags(client, "/") == [[]]
    assert soup(client.get("/")).select(".card__review") == []


def test_review_card_shows_the_flag_beside_the_stars(client, section):
    """A review's card shows its stars and its flag on one line."""
    make_article(
        section=section,
        reviewed_work=make_work(),
        rating=Decimal("3.5"),
        spoilers=Spoilers.CONTAINS,
    )
    line = soup(client.get("/")).select_one(".card__review")
    assert text(line) == "★★★★★ Note : 3,5 sur 5 Contient des spoilers"


def test_flag_reads_in_english_under_en(client, section):
    """Under /en/ the flag reads « Spoiler-free »."""
    make_article(section=section, spoilers=Spoilers.FREE)
    assert card_flags(client, "/en/") == [["Spoiler-free"]]


@pytest.mark.parametrize("spoilers", sorted(LABELS))
def test_article_page_shows_the_flag(client, section, spoilers):
    """The article's page shows the flag under its byline."""
    article = make_article(section=section, spoilers=spoilers)
    flags = soup(client.get(article.get_absolute_url())).select(".article-header .spoiler-flag")
    assert [text(flag) for flag in flags] == [LABELS[spoilers]]


def test_review_page_shows_the_flag_in_its_box(client, section):
    """A review's page shows the flag once, in the review's box."""
    review = make_article(
        section=section, reviewed_work=make_work(), rating=Decimal("4"), spoilers=Spoilers.FREE
    )
    flags = soup(client.get(review.get_absolute_url())).select("main .spoiler-flag")
    assert [text(flag) for flag in flags] == ["Sans spoiler"]
    assert flags[0].find_parent(class_="review-box")


@pytest.mark.parametrize("spoilers", sorted(LABELS))
@pytest.mark.parametrize("path", FEEDS)
def test_feed_summary_starts_with_the_flag(client, section, spoilers, path):
    """A feed item's summary opens with the flag, then the standfirst."""
    article = make_article(section=section, spoilers=spoilers)
    assert feed_summary(client, path) == f"{LABELS[spoilers]} — {article.standfirst}"


@pytest.mark.parametrize("path", FEEDS)
def test_review_feed_summary_gives_the_rating_then_the_flag(client, section, path):
    """A review's summary opens with its rating, then its flag."""
    review = make_article(
        section=section,
        reviewed_work=make_work(),
        rating=Decimal("2.5"),
        spoilers=Spoilers.CONTAINS,
    )
    assert feed_summary(client, path) == (
        f"★★½ Note : 2,5 sur 5 · Contient des spoilers — {review.standfirst}"
    )


def test_new_flag_shows_on_every_cached_card(client, section):
    """An editor's change of the flag shows at once on cards already cached."""
    article = make_article(section=section, spoilers=Spoilers.FREE)
    other = make_article(section=section)
    pages = ["/", "/rubriques/series/", other.get_absolute_url()]
    for url in pages:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        assert len(queries) == 0, f"{url} was built again"
    article.spoilers = Spoilers.CONTAINS
    article.save()
    for url in pages:
        flags = soup(client.get(url)).select(".card .spoiler-flag")
        assert [text(flag) for flag in flags] == ["Contient des spoilers"], url
