"""Drafts, articles in review and scheduled articles appear nowhere on the public site."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_section
from tests.pages import LISTS, pages_showing, soup

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared():
    """A section, an author and a tag that public and hidden articles have in common."""
    section = make_section(slug="cinema")
    author = make_author(slug="marie")
    public = make_article(title="Visible", section=section, authors=[author], tags=["cannes"])
    return {"section": section, "author": author, "public": public}


HIDDEN = {
    "draft": {"status": Article.Status.DRAFT},
    "review": {"status": Article.Status.REVIEW},
    "scheduled": {"published_at": "future"},
}


@pytest.fixture(params=sorted(HIDDEN))
def hidden(request, shared):
    fields = dict(HIDDEN[request.param])
    if fields.get("published_at") == "future":
        fields["published_at"] = timezone.now() + timedelta(days=2)
    return make_article(
        title=f"Secret {request.param}",
        slug=f"secret-{request.param}",
        section=shared["section"],
        authors=[shared["author"]],
        tags=["cannes"],
        **fields,
    )


def listed_urls(client, url):
    return {a["href"] for a in soup(client.get(url)).select(".card__title a")}


def test_hidden_article_url_is_404(client, hidden):
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_hidden_article_absent_from_every_list(client, shared, hidden):
    pages = pages_showing(shared["public"], search="Secret")
    for url in [pages[name] for name in LISTS]:
        urls = listed_urls(client, url)
        assert shared["public"].get_absolute_url() in urls, url
        assert hidden.get_absolute_url() not in urls, url
    assert hidden.get_absolute_url() not in listed_urls(client, pages["search"])


def test_hidden_article_absent_from_related_articles(client, shared, hidden):
    page = soup(client.get(shared["public"].get_absolute_url()))
    assert hidden.get_absolute_url() not in {a["href"] for a in page.select(".related a")}


def test_scheduled_article_appears_once_its_time_has_come(client, shared):
    soon = make_article(
        slug="bientot", section=shared["section"], published_at=timezone.now() + timedelta(hours=1)
    )
    assert client.get(soon.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=soon.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(soon.get_absolute_url()).status_code == 200
    assert soon.get_absolute_url() in listed_urls(client, "/")


def test_tag_carried_only_by_drafts_has_no_page(client):
    make_article(status=Article.Status.DRAFT, tags=["film-secret"])
    assert client.get("/tags/film-secret/").status_code == 404


def test_published_is_status_and_date(shared):
    now = timezone.now()
    cases = {
        "published-past": (Article.Status.PUBLISHED, now - timedelta(minutes=1), True),
        "published-future": (Article.Status.PUBLISHED, now + timedelta(minutes=1), False),
        "draft-past": (Article.Status.DRAFT, now - timedelta(minutes=1), False),
        "review-past": (Article.Status.REVIEW, now - timedelta(minutes=1), False),
    }
    for slug, (status, published_at, visible) in cases.items():
        article = make_article(slug=slug, status=status, published_at=published_at)
        assert Article.objects.published().filter(pk=article.pk).exists() is visible, slug
        assert article.is_published is visible, slug


def test_publishing_without_a_date_publishes_now():
    article = make_article(status=Article.Status.PUBLISHED, published_at=None)
    assert article.published_at is not None
    assert article.is_published
