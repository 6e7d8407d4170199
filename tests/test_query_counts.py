"""Every reader page costs a small, fixed number of queries, whatever it shows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from tests.factories import make_article, make_author, make_image, make_section, make_work
from tests.pages import pages_showing, soup

# What building a page costs: the page cache would answer the second request
# with none (tests/test_page_cache.py counts that).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off")]

MAX_QUERIES = 6


def build_site(articles, authors_each, tags_each, prefix=""):
    section = make_section(slug=f"{prefix}cinema")
    authors = [
        make_author(slug=f"{prefix}plume-{n}", avatar=make_image()) for n in range(authors_each)
    ]
    made = [
        make_article(
            section=section,
            authors=authors,
            tags=[f"{prefix}tag-{n}" for n in range(tags_each)],
            featured_image=make_image(),
        )
        for _ in range(articles)
    ]
    return made[0]


PAGES = ["home", "article", "section", "tag", "author", "search"]


def url_of(page, article):
    return pages_showing(article, search="Article")[page]


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_stays_within_budget(client, django_assert_max_num_queries, page):
    article = build_site(articles=15, authors_each=3, tags_each=4)
    url = url_of(page, article)
    # Once per process, Django caches content types (taggit's tag lookups need
    # them): measure the steady state a reader meets, not the first hit.
    client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_cost_does_not_grow_with_content(client, page):
    small_site = build_site(articles=2, authors_each=1, tags_each=1, prefix="small-")
    small = count_queries(client, url_of(page, small_site))
    Article.objects.all().delete()
    large_site = build_site(articles=14, authors_each=4, tags_each=5, prefix="large-")
    large = count_queries(client, url_of(page, large_site))
    assert large == small


@pytest.mark.parametrize("page", ["home", "section", "tag", "author"])
def test_article_lists_never_count_every_article(client, page):
    # A COUNT reads every article a list holds: at 100,000 articles it costs more than
    # the page itself (bench/explain.md). A list reads only the rows it shows, plus one.
    article = build_site(articles=15, authors_each=1, tags_each=1)
    url = url_of(page, article)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]


def test_the_home_page_reads_every_byline_in_one_query(client):
    """The headline's authors come with the cards', not in a query of their own."""
    build_site(articles=15, authors_each=2, tags_each=1)
    Article.objects.filter(pk=Article.objects.order_by("published_at")[0].pk).update(
        is_featured=True
    )
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/")
    assert page.context["lead"].is_featured
    author_queries = [query for query in queries if '"authors_author"' in query["sql"]]
    assert len(author_queries) == 1, [query["sql"][:120] for query in author_queries]
    # The front page's blocks, the articles of its leads and blocks, the latest, all
    # their bylines and the navigation's sections.
    assert len(queries) == 5


@pytest.mark.parametrize("page", ["home", "section", "tag", "author", "search"])
def test_lists_read_the_bylines_without_the_portraits(client, page):
    """A card names its authors; their portraits, with renditions, are the article page's."""
    url = url_of(page, build_site(articles=3, authors_each=2, tags_each=1))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    byline_reads = 'FROM "authors_author" INNER JOIN "articles_authorship"'
    bylines = [query["sql"] for query in queries if byline_reads in query["sql"]]
    assert bylines and not [sql for sql in bylines if '"images_image"' in sql]


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="PostgreSQL reads a table this small whole; bench/explain.md has its plan at scale",
)
def test_the_home_page_finds_its_headline_by_its_own_index(client):
    # Few articles are flagged: walking every published one to find the newest of them
    # read 800 rows at 100,000 articles, on each home page built.
    build_site(articles=3, authors_each=1, tags_each=1)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    # The flag as a condition of the lead's subquery, not as a column read.
    (headline,) = [query["sql"] for query in queries if '."is_featured")' in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {headline}")
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "INDEX article_featured_idx" in plan


def test_a_review_stays_within_budget(client, django_assert_max_num_queries):
    # The review's box (its film and poster), bylines, tags and the related articles'
    # cards are all read.
    build_site(articles=6, authors_each=2, tags_each=3)
    review = make_article(
        section=Article.objects.first().section,
        authors=[make_author(slug="critique", avatar=make_image())],
        tags=["tag-0", "tag-1"],
        reviewed_work=make_work(poster=make_image()),
        rating=Decimal("4"),
    )
    client.get(review.get_absolute_url())
    with django_assert_max_num_queries(MAX_QUERIES):
        page = client.get(review.get_absolute_url())
    assert page.status_code == 200
    assert len(soup(page).select(".related .card")) == 3
    assert soup(page).select_one(".review-box") is not None


def test_a_correction_shows_at_once_and_costs_no_query_after(client):
    """
    A correction puts the page stored with the article out of date: the next view shows
    it, and the views after it read it from the stored page, no more queries than before.
    """
    article = build_site(articles=4, authors_each=2, tags_each=2)
    uncorrected = count_queries(client, article.get_absolute_url())
    article.corrections.create(text="Le film sort en mars, et non en avril.")
    page = client.get(article.get_absolute_url())
    assert "et non en avril" in soup(page).select_one(".corrections").get_text()
    assert count_queries(client, article.get_absolute_url()) == uncorrected
