"""« À lire aussi »: the published articles sharing most tags, then the newest, at a fixed cost."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_image
from tests.pages import soup

pytestmark = pytest.mark.django_db


def related_on_page(client, article):
    page = soup(client.get(article.get_absolute_url()))
    return [link["href"] for link in page.select(".related .card__title a")]


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def test_most_shared_tags_first_then_newest(client):
    article = make_article(tags=["cannes", "palme", "jury"])
    both_old = make_article(tags=["cannes", "palme"], published_at=days_ago(30))
    one_new = make_article(tags=["jury"], published_at=days_ago(1))
    one_old = make_article(tags=["cannes"], published_at=days_ago(20))
    make_article(tags=["séries"], published_at=days_ago(0.5))

    assert related_on_page(client, article) == [
        both_old.get_absolute_url(),
        one_new.get_absolute_url(),
        one_old.get_absolute_url(),
    ]


def test_only_the_latest_articles_are_candidates(client, monkeypatch):
    """Past the window, an article sharing every tag is not picked: the cost stays flat."""
    monkeypatch.setattr("articles.models.RELATED_CANDIDATES", 3)
    article = make_article(tags=["cannes", "palme"], published_at=days_ago(40))
    make_article(tags=["cannes", "palme"], published_at=days_ago(50))
    recent = [make_article(tags=["séries"], published_at=days_ago(n)) for n in (3, 2, 1)]
    sharing = make_article(tags=["cannes"], published_at=days_ago(0.5))

    assert related_on_page(client, article) == [
        sharing.get_absolute_url(),
        recent[2].get_absolute_url(),
        recent[1].get_absolute_url(),
    ]


def test_untagged_article_is_followed_by_the_newest(client):
    article = make_article(published_at=days_ago(10))
    older = make_article(published_at=days_ago(3))
    newest = make_article(published_at=days_ago(1))

    assert related_on_page(client, article) == [
        newest.get_absolute_url(),
        older.get_absolute_url(),
    ]


def test_neither_itself_nor_what_readers_may_not_see(client):
    article = make_article(tags=["cannes"])
    make_article(tags=["cannes"], status=Article.Status.DRAFT)
    make_article(tags=["cannes"], status=Article.Status.REVIEW)
    make_article(tags=["cannes"], published_at=timezone.now() + timedelta(days=1))

    assert related_on_page(client, article) == []
    assert soup(client.get(article.get_absolute_url())).select(".related") == []


def page_queries(client, article):
    client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.get_absolute_url()).status_code == 200
    return len(queries)


def candidates(count, tags):
    authors = [make_author(avatar=make_image()) for _ in range(2)]
    for _ in range(count):
        make_article(tags=tags, authors=authors, featured_image=make_image())


@pytest.mark.usefixtures("page_cache_off")
def test_cost_does_not_grow_with_the_candidates(client):
    tags = ["cannes", "palme", "jury", "festival"]
    few = make_article(tags=tags)
    candidates(2, tags)
    with_few = page_queries(client, few)
    Article.objects.all().delete()

    many = make_article(tags=tags)
    candidates(12, tags)
    with_many = page_queries(client, many)

    assert with_few == with_many <= 6
    assert len(related_on_page(client, many)) == 3
