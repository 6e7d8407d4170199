"""
`generate_articles` fills a site for measurements: readers find the articles on every page,
the bulk-written fields are those save() writes, and pages cost what they cost with a few.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from articles.models import Article, Authorship, BodyImage
from authors.models import Author
from images.models import Image
from tests.pages import pages_showing, soup, text

# Pages built by their views, not answered by the page cache: what they cost is counted.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off")]

# Two drawn images (and avatars) rather than twelve: drawing is the slow part.
OPTIONS = ["--images", "2", "--seed", "7"]


def generate(count):
    output = io.StringIO()
    call_command("generate_articles", str(count), *OPTIONS, stdout=output)
    return output.getvalue()


def card_urls(response):
    return [a["href"] for a in soup(response).select(".card__title a")]


def search_entry(article):
    """What the search index holds for ``article``, on either database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT search_vector FROM articles_article WHERE id = %s", [article.pk])
        else:
            cursor.execute(
                "SELECT title, standfirst, body FROM articles_article_search WHERE rowid = %s",
                [article.pk],
            )
        return cursor.fetchone()


def test_generates_the_magazine_it_reports():
    output = generate(200)
    assert "Generated 200 articles" in output
    assert Article.objects.count() == 200
    assert Author.objects.count() == 200
    assert Tag.objects.count() == 2000
    # 2 featured images and 2 avatars, with the renditions pages print.
    assert Image.objects.count() == 4
    assert all(image.renditions.get("shapes") for image in Image.objects.all())
    hidden = Article.objects.count() - Article.objects.published().count()
    assert 0 < hidden < 20
    bylines = Article.objects.annotate(n=Count("authorships")).values_list("n", flat=True)
    assert set(bylines) == {1, 2}
    positions = Authorship.objects.values_list("position", flat=True).distinct()
    assert set(positions) == {1, 2}
    tag_counts = Article.objects.annotate(n=Count("tagged_items")).values_list("n", flat=True)
    assert set(tag_counts) <= {2, 3, 4, 5}
    # Zipf-like: the most used tag is on far more articles than the median one.
    per_tag = sorted(
        TaggedItem.objects.values("tag").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    assert per_tag[-1] > 10 * per_tag[len(per_tag) // 2]


def test_running_again_adds_articles_and_reuses_the_rest():
    generate(20)
    generate(30)
    assert Article.objects.count() == 50
    assert Author.objects.count() == 200
    assert Tag.objects.count() == 2000
    assert Image.objects.count() == 4


def one_per_body():
    firsts = {}
    for article in Article.objects.order_by("pk"):
        firsts.setdefault(article.body, article)
    assert len(firsts) > 1
    return firsts.values()


def saved_state(article):
    """What save() writes for ``article``, in its row and beside it, as stored."""
    article.refresh_from_db()
    return (
        article.title,
        article.standfirst,
        article.body_html,
        article.reading_time,
        search_entry(article),
        set(BodyImage.objects.filter(article=article).values_list("image_id", flat=True)),
    )


def test_a_generated_article_is_stored_as_saving_it_again_stores_it():
    generate(200)
    # One article per body template, so every body is checked.
    for article in one_per_body():
        generated = saved_state(article)
        article.save()
        assert saved_state(article) == generated
    # Not one empty index or missing link matching another.
    assert BodyImage.objects.exists()
    assert all(search_entry(article) for article in Article.objects.all())


def test_readers_find_the_latest_article_on_every_page(client):
    generate(200)
    article = Article.objects.published().for_page().first()
    url = article.get_absolute_url()
    page = soup(client.get(url))
    assert text(page.h1) == " ".join(article.title.split())
    # The headline's card included: the latest article may be it.
    assert url in card_urls(client.get("/"))
    assert url in card_urls(client.get(article.section.get_absolute_url()))
    for tag in article.tags.all():
        assert url in card_urls(client.get(reverse("articles:tag", args=[tag.slug])))
    for author in article.authors.all():
        assert url in card_urls(client.get(author.get_absolute_url()))
    assert url in card_urls(client.get("/recherche/", {"q": article.title}))


def test_search_finds_generated_articles_by_a_word_of_their_text(client):
    generate(200)
    page = soup(client.get("/recherche/", {"q": "camera"}))
    assert len(page.select(".card__title a")) == 12
    assert page.select(".card__excerpt mark")


def pages_of(article):
    """Pages as a reader reaches them from ``article``, and a page deep in the home page's list."""
    return {**pages_showing(article, search="camera"), "deep page": "/?page=3"}


def count_queries(client, url):
    # The first request fills Django's per-process caches (content types): count the second.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_page_cost_does_not_grow_with_generated_content(client):
    generate(40)
    article = Article.objects.published().order_by("pk").first()
    urls = pages_of(article)
    few = {page: count_queries(client, url) for page, url in urls.items()}
    generate(200)
    many = {page: count_queries(client, url) for page, url in urls.items()}
    assert many == few
