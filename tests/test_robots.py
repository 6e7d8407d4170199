"""robots.txt, read with urllib.robotparser as a well-behaved crawler reads it."""

from datetime import timedelta
from urllib.robotparser import RobotFileParser

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, PreviewLink
from newsroom.preview import token_for
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db

SITE_URL = "https://www.screenmania.example"


@pytest.fixture(autouse=True)
def public_origin(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def robots(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert not response.cookies
    parser = RobotFileParser(f"{SITE_URL}/robots.txt")
    parser.parse(response.content.decode().splitlines())
    return parser


def in_both_languages(name, **kwargs):
    paths = []
    for language in ("fr", "en"):
        with translation.override(language):
            paths.append(reverse(name, **kwargs))
    return paths


def test_reader_pages_and_feeds_may_be_crawled(robots):
    article = make_article(tags=["cannes"], featured_image=make_image())
    author = article.authors.get()
    paths = [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        "/tags/cannes/",
        author.get_absolute_url(),
        "/feed/",
        "/rubriques/cinema/feed/atom/",
        "/sitemap.xml",
        article.featured_image.social_card.src,
        *in_both_languages("articles:detail", kwargs={"slug": article.slug}),
    ]
    for path in paths:
        assert robots.can_fetch("Googlebot", SITE_URL + path), path


def test_newsroom_previews_and_search_stay_out(robots, editor):
    article = make_article(status=Article.Status.DRAFT)
    link = PreviewLink.objects.create(
        article=article, created_by=editor, expires_at=timezone.now() + timedelta(hours=1)
    )
    paths = [
        "/admin/",
        reverse("admin:articles_article_changelist"),
        *in_both_languages("newsroom:preview", kwargs={"token": token_for(link)}),
        *in_both_languages("articles:search"),
        "/recherche/?q=cannes",
    ]
    for path in paths:
        assert not robots.can_fetch("Googlebot", SITE_URL + path), path
        assert not robots.can_fetch("*", SITE_URL + path), path


def test_robots_points_at_the_sitemaps(client, robots):
    assert robots.site_maps() == [f"{SITE_URL}/sitemap.xml", f"{SITE_URL}/sitemap-news.xml"]
    for url in robots.site_maps():
        assert client.get(url.removeprefix(SITE_URL)).status_code == 200


def test_robots_exists_once(client):
    assert client.get("/en/robots.txt").status_code == 404
