"""
The article page prints its own part (head, text, byline, tags, share links) and its
related articles' cards as stored with each article, per interface language, and every
page its header and footer as rendered before in the process: the page is the same as
rendered afresh, and every change to what they show is on the next page built, with no
page cache to hide it or help.
"""

from decimal import Decimal

import pytest
from django.utils import translation

from articles.models import Article
from reader import stored_page
from tests.factories import make_article, make_image, make_work
from tests.pages import soup, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off")]


@pytest.fixture
def article():
    """Tagged Cannes, with a featured image, and a related article sharing the tag."""
    make_article(title="Le palmarès commenté", tags=["Cannes"], featured_image=make_image())
    return make_article(
        title="Le tournage secret",
        tags=["Cannes"],
        featured_image=make_image(alt_text="Un plateau"),
    )


def stored(client, url):
    """The page once its part is stored: the first request renders and stores it."""
    client.get(url)
    return client.get(url)


def related_titles(response):
    return [text(title) for title in soup(response).select(".related .card__title")]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_stored_page_is_the_page_rendered_afresh(client, article, prefix):
    url = prefix + article.get_absolute_url()
    rendered = client.get(url)
    assert Article.objects.get(pk=article.pk).stored_page["release"] == stored_page.release()
    assert client.get(url).content == rendered.content


def test_each_language_is_stored_in_its_own_words(client, article):
    url = article.get_absolute_url()
    french = stored(client, url)
    english = stored(client, "/en" + url)
    assert text(soup(french).select_one("#share-title")).startswith("Partager")
    assert text(soup(english).select_one("#share-title")) == "Share:"
    assert soup(english).select_one(".article-header__section a")["href"].startswith("/en/")
    assert client.get(url).content == french.content


def test_a_renamed_section_shows_on_the_next_page(client, article):
    url = article.get_absolute_url()
    stored(client, url)
    section = article.section
    section.name = "Coulisses"
    section.save()
    page = soup(client.get(url))
    assert text(page.select_one(".article-header__section a")) == "Coulisses"
    assert '"articleSection": "Coulisses"' in str(
        page.select_one("script[type='application/ld+json']")
    )


def test_a_featured_image_described_again_shows_on_the_next_page(client, article):
    url = article.get_absolute_url()
    stored(client, url)
    image = article.featured_image
    image.alt_text = "Le plateau de tournage, la nuit"
    image.save()
    page = soup(client.get(url))
    assert page.select_one(".featured-image img")["alt"] == "Le plateau de tournage, la nuit"
    assert page.select_one("meta[property='og:image:alt']")["content"] == image.alt_text


def test_a_renamed_film_shows_on_the_next_page_of_its_review(client):
    review = make_article(reviewed_work=make_work(title="Marée basse"), rating=Decimal("4"))
    url = review.get_absolute_url()
    stored(client, url)
    work = review.reviewed_work
    work.title = "Marée haute"
    work.save()
    assert text(soup(client.get(url)).select_one(".review-box__title")) == "Marée haute"


def test_an_edited_related_article_shows_on_the_next_page_linking_to_it(client, article):
    related = Article.objects.get(title="Le palmarès commenté")
    url = article.get_absolute_url()
    # Both pages stored, so the related article's card is.
    stored(client, related.get_absolute_url())
    assert related_titles(stored(client, url)) == ["Le palmarès commenté"]
    related.title = "Le palmarès, commenté"
    related.save()
    assert related_titles(client.get(url)) == ["Le palmarès, commenté"]


def test_a_page_rendered_before_a_change_is_not_stored_over_it(client, article):
    """A reader's page built from the row as it was read cannot hide an edit made meanwhile."""
    read = Article.objects.for_stored_page().get(pk=article.pk)
    before = Article.objects.for_page().get(pk=article.pk)
    part, shown = stored_page.render(before), stored_page.shown_by(before)
    article.title = "Le tournage dévoilé"
    article.save()
    stored_page.store(read, part, shown)
    assert text(soup(client.get(article.get_absolute_url())).select_one("h1")) == (
        "Le tournage dévoilé"
    )


def test_a_page_stored_by_another_release_is_rendered_again(client, article):
    url = article.get_absolute_url()
    page = stored(client, url)
    outdated = Article.objects.get(pk=article.pk).stored_page
    outdated["release"] = "an-older-release"
    outdated["fr"] = {**outdated["fr"], "article": "<p>Gabarit d’hier</p>"}
    Article.objects.filter(pk=article.pk).update(stored_page=outdated)
    assert client.get(url).content == page.content
    assert Article.objects.get(pk=article.pk).stored_page["release"] == stored_page.release()


def test_the_header_shows_a_renamed_section_on_the_next_page(client, article):
    url = article.get_absolute_url()
    client.get(url)
    section = article.section
    section.name = "Coulisses"
    section.save()
    assert "Coulisses" in [text(link) for link in soup(client.get(url)).select(".site-nav a")]


def test_the_footer_links_each_page_to_itself_in_the_other_language(client, article):
    other = Article.objects.get(title="Le palmarès commenté")
    for shown in [article, other]:
        url = shown.get_absolute_url()
        english = soup(client.get(url)).select_one(".language-switch a[hreflang='en']")
        assert english["href"] == "/en" + url


def test_every_worker_of_a_release_sums_it_up_the_same():
    """Else workers would render and store each other's pages again and again."""
    summed = []
    for language in ["fr", "en"]:
        with translation.override(language):
            summed.append(stored_page.release.__wrapped__())
    assert summed[0] == summed[1] == stored_page.release()


def test_a_page_stored_under_another_site_address_is_rendered_again(client, article, settings):
    # A live server's address in the tests, a new domain in production: the canonical
    # address, share links and JSON-LD name it.
    url = article.get_absolute_url()
    stored(client, url)
    settings.SITE_URL = "https://cinema.example"
    settings.SITE_NAME = "Cinéma Exemple"
    page = soup(client.get(url))
    assert page.select_one('link[rel="canonical"]')["href"].startswith("https://cinema.example/")
    assert "Cinéma Exemple" in text(page.select_one(".site-header"))
