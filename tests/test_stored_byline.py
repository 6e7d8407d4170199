"""
The article page shows its byline, the authors' portraits and its tags as stored with the
article, without reading them, and every change to what that copy holds shows on the page,
through the page cache.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from articles.models import Article, Authorship
from newsroom.tags import merge_tags
from tests.factories import make_article, make_author, make_image
from tests.pages import soup, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    """By Marie (with her portrait) then Paul, tagged Cannes and Palme d'or."""
    marie = make_author(name="Marie Curieuse", slug="marie", avatar=make_image(alt_text="Marie"))
    paul = make_author(name="Paul Lecteur", slug="paul")
    return make_article(
        title="Le tournage secret",
        authors=[marie, paul],
        tags=["Cannes", "Palme d'or"],
        featured_image=make_image(),
    )


def cached(client, url):
    """The page, built then kept by the page cache: a change must make it stale."""
    client.get(url)
    return client.get(url)


def byline(response):
    return [text(link) for link in soup(response).select(".article-meta__byline a")]


def author_boxes(response):
    return [text(name) for name in soup(response).select(".author-box__name")]


def tags(response):
    return [text(link) for link in soup(response).select(".article-tags a")]


def portraits(response):
    return [img["src"] for img in soup(response).select(".author-box img")]


def test_the_article_page_reads_neither_authors_nor_tags(client, page_cache_off, article):
    url = article.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    read = " ".join(query["sql"] for query in queries)
    assert '"authors_author"' not in read and '"taggit_tag"' not in read
    assert byline(response) == ["Marie Curieuse", "Paul Lecteur"]
    assert tags(response) == ["Cannes", "Palme d'or"]


def test_the_page_is_the_same_as_read_from_the_relations(client, page_cache_off, article):
    """An article stored before the copy existed is read in full, into the same page."""
    url = article.get_absolute_url()
    from_the_copy = client.get(url).content
    Article.objects.filter(pk=article.pk).update(byline_and_tags={})
    assert client.get(url).content == from_the_copy


def test_renaming_an_author_shows_on_their_articles(client, article):
    url = article.get_absolute_url()
    cached(client, url)
    paul = article.authors.get(slug="paul")
    paul.name = "Paul Relecteur"
    paul.save()
    assert byline(client.get(url)) == ["Marie Curieuse", "Paul Relecteur"]


def test_a_new_portrait_shows_in_the_author_box(client, article):
    url = article.get_absolute_url()
    before = portraits(cached(client, url))
    paul = article.authors.get(slug="paul")
    paul.avatar = make_image()
    paul.save()
    after = portraits(client.get(url))
    assert len(before) == 1 and len(after) == 2 and after[0] == before[0]


def test_a_portrait_edited_in_the_library_shows_in_the_author_box(client, article):
    url = article.get_absolute_url()
    before = portraits(cached(client, url))
    portrait = article.authors.get(slug="marie").avatar
    # A new focal point: new square crops, under new names.
    portrait.focal_x, portrait.focal_y = 0.1, 0.1
    portrait.save()
    after = portraits(client.get(url))
    assert len(after) == 1 and after != before


def test_a_byline_changed_shows_at_once(client, article):
    url = article.get_absolute_url()
    cached(client, url)
    Authorship.objects.get(article=article, author__slug="paul").delete()
    assert author_boxes(client.get(url)) == ["Marie Curieuse"]
    article.authorships.create(author=make_author(name="Inès Nouvelle"), position=5)
    assert byline(client.get(url)) == ["Marie Curieuse", "Inès Nouvelle"]


def test_authors_added_at_one_position_are_named_in_the_order_they_were_added(client):
    albert = make_author(name="Albert Blanc", slug="albert")
    zoe = make_author(name="Zoé Arnaud", slug="zoe")
    article = make_article(title="Le tournage secret", authors=[zoe])
    article.authors.add(albert)  # At the default position, as Zoé's.
    # Zoé's row written again: PostgreSQL then reads it after Albert's.
    Authorship.objects.get(author=zoe).save()
    article.save()

    assert byline(client.get(article.get_absolute_url())) == ["Zoé Arnaud", "Albert Blanc"]
    card = text(soup(client.get("/")).select_one(".card__meta"))
    assert card.endswith("Zoé Arnaud et Albert Blanc")


def test_retagging_renaming_merging_and_deleting_tags_show_at_once(client, article):
    url = article.get_absolute_url()
    cached(client, url)
    article.tags.add("Festival")
    assert tags(client.get(url)) == ["Cannes", "Palme d'or", "Festival"]
    Tag.objects.filter(name="Festival").get().delete()
    assert tags(client.get(url)) == ["Cannes", "Palme d'or"]
    cannes = Tag.objects.get(name="Cannes")
    cannes.name = "Festival de Cannes"
    cannes.save()
    assert tags(client.get(url)) == ["Festival de Cannes", "Palme d'or"]
    merge_tags(list(Tag.objects.all()), "Croisette")
    assert tags(client.get(url)) == ["Croisette"]


def test_saving_a_copy_read_before_a_rename_keeps_the_new_name(client, article):
    """A save of the article never writes back the byline its copy was loaded with."""
    copy = Article.objects.get(pk=article.pk)
    paul = article.authors.get(slug="paul")
    paul.name = "Paul Relecteur"
    paul.save()
    copy.title = "Le tournage dévoilé"
    copy.save()
    page = client.get(article.get_absolute_url())
    assert text(soup(page).h1) == "Le tournage dévoilé"
    assert byline(page) == ["Marie Curieuse", "Paul Relecteur"]


def test_generated_articles_are_shown_as_read_from_their_relations(client, page_cache_off):
    call_command("generate_articles", "12", "--images", "2", "--seed", "7", stdout=io.StringIO())
    article = Article.objects.published().filter(authorships__position=2).first()
    url = article.get_absolute_url()
    from_the_copy = client.get(url).content
    assert article.byline_and_tags["authors"]
    Article.objects.update(byline_and_tags={})
    assert client.get(url).content == from_the_copy
