"""
The page cache: anonymous readers get stored pages, which are never stale.

Each test first has a page stored (a second request costs no query), then makes
one kind of change the way the newsroom makes it, and reads the page again. What
a CDN is asked to purge is read from the recording purge backend.
"""

import json
import os
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Correction
from pagecache.purge import RecordingPurgeBackend
from pagecache.stamps import health
from tests.admin_forms import EMPTY_INLINES, article_fields
from tests.factories import (
    EDITOR,
    logged_in,
    make_article,
    make_author,
    make_image,
    make_member,
    make_section,
    make_work,
)
from tests.pages import soup, text

pytestmark = pytest.mark.django_db

PAGES = {
    "home": "/",
    "article": "/articles/tournage/",
    "section": "/rubriques/cinema/",
    "tag": "/tags/cannes/",
    "author": "/auteurs/marie/",
    "search": "/recherche/?q=tournage",
    "feed": "/feed/",
    "atom feed": "/tags/cannes/feed/atom/",
    "sitemap index": "/sitemap.xml",
    "sitemap": "/sitemap-articles.xml",
    "news sitemap": "/sitemap-news.xml",
    "english home": "/en/",
}


@pytest.fixture
def site():
    """One article on every kind of page, by Marie, in Cinéma, tagged Cannes."""
    section = make_section(name="Cinéma", slug="cinema")
    author = make_author(name="Marie Curieuse", slug="marie", avatar=make_image())
    article = make_article(
        title="Le tournage secret",
        slug="tournage",
        section=section,
        authors=[author],
        tags=["Cannes"],
        featured_image=make_image(alt_text="Un plateau de tournage"),
    )
    return article


def queries_for(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


def stored(client, url):
    """Asks twice: the second answer must come from the cache, with no query."""
    first = client.get(url)
    assert first.status_code == 200, url
    second, count = queries_for(client, url)
    assert count == 0, f"{url} was built again ({count} queries)"
    assert second.content == first.content
    return second


def shared_max_age(response):
    return int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])


def titles(response):
    return [text(a) for a in soup(response).select(".card__title a")]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_public_page_is_served_from_the_cache(client, site, page):
    response = stored(client, PAGES[page])
    assert "public" in response["Cache-Control"]
    assert "site" in response["Surrogate-Key"].split()


def test_a_page_is_kept_per_address_query_included(client, site):
    make_article(title="Un autre tournage", section=site.section)
    stored(client, "/recherche/?q=tournage")
    other = client.get("/recherche/?q=secret")
    assert [text(a) for a in soup(other).select(".card__title a")] == ["Le tournage secret"]


# -- Every kind of change ----------------------------------------------------------------


def test_publishing_shows_the_article_on_every_cached_list(client, site):
    lists = ["/", "/rubriques/cinema/", "/tags/cannes/", "/auteurs/marie/"]
    for url in lists:
        stored(client, url)
    feed, sitemap = stored(client, "/feed/"), stored(client, "/sitemap-articles.xml")

    draft = make_article(
        title="La suite du tournage",
        slug="suite-du-tournage",
        section=site.section,
        authors=list(site.authors.all()),
        tags=["Cannes"],
        status=Article.Status.DRAFT,
        published_at=None,
    )
    for url in lists:
        assert "La suite du tournage" not in titles(client.get(url)), url
    draft.status = Article.Status.PUBLISHED
    draft.save()

    for url in lists:
        assert titles(client.get(url))[0] == "La suite du tournage", url
    assert client.get("/feed/").content != feed.content
    assert b"suite-du-tournage" in client.get("/sitemap-articles.xml").content
    assert client.get("/sitemap-articles.xml").content != sitemap.content


def test_editing_shows_on_the_article_and_on_every_card(client, site):
    stored(client, site.get_absolute_url())
    stored(client, "/")
    site.title = "Le tournage dévoilé"
    site.save()
    assert text(soup(client.get(site.get_absolute_url())).h1) == "Le tournage dévoilé"
    assert titles(client.get("/")) == ["Le tournage dévoilé"]


def test_a_change_made_in_this_process_is_seen_at_once_though_it_keeps_copies(
    client, site, settings
):
    # Copies trusted for a minute: only this process's own change can end them in time.
    settings.PAGE_CACHE_LOCAL_SECONDS = 60
    stored(client, site.get_absolute_url())
    stored(client, "/")
    # A change that stamps nothing is not seen: the page comes from a copy.
    Article.objects.filter(pk=site.pk).update(title="Changé en douce")
    assert text(soup(client.get(site.get_absolute_url())).h1) == "Le tournage secret"

    site.refresh_from_db()
    site.title = "Le tournage dévoilé"
    site.save()

    assert text(soup(client.get(site.get_absolute_url())).h1) == "Le tournage dévoilé"
    assert titles(client.get("/")) == ["Le tournage dévoilé"]


def test_unpublishing_takes_the_article_off_every_cached_page(client, site):
    pages = ["/", "/rubriques/cinema/", "/auteurs/marie/", site.get_absolute_url(), "/feed/"]
    for url in pages:
        stored(client, url)
    site.status = Article.Status.DRAFT
    site.save()
    assert client.get(site.get_absolute_url()).status_code == 404
    assert titles(client.get("/")) == []
    assert b"tournage" not in client.get("/feed/").content
    # Its tag now belongs to a draft only: the page is gone too.
    assert client.get("/tags/cannes/").status_code == 404


def test_deleting_takes_the_article_off(client, site):
    stored(client, "/")
    Article.objects.filter(pk=site.pk).delete()
    assert titles(client.get("/")) == []


def test_a_scheduled_article_appears_on_the_cached_home_page_at_its_time(client, site):
    due = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    make_article(title="L'avant-première", section=site.section, published_at=due)
    before = stored(client, "/")
    assert titles(before) == ["Le tournage secret"]
    # Shared caches are told to keep it no longer than that either.
    assert shared_max_age(before) <= 3 * 3600

    with mock.patch("django.utils.timezone.now", return_value=due - timedelta(seconds=1)):
        assert titles(client.get("/")) == ["Le tournage secret"]
    with mock.patch("django.utils.timezone.now", return_value=due):
        assert titles(client.get("/")) == ["L’avant-première", "Le tournage secret"]


def test_pages_are_cached_again_once_the_scheduled_article_is_out(client, site):
    due = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    make_article(title="L'avant-première", section=site.section, published_at=due)
    later = due + timedelta(hours=1)
    make_article(title="La suite", section=site.section, published_at=later)
    stored(client, "/")

    with mock.patch("django.utils.timezone.now", return_value=due + timedelta(minutes=1)):
        response = stored(client, "/")
        assert titles(response)[0] == "L’avant-première"
        # Until the next one is due.
        assert 0 < shared_max_age(response) <= 59 * 60


def test_a_scheduled_article_appears_in_read_also_at_its_time(client, site):
    """The cached article page sharing its tag ends when it is due."""
    due = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    make_article(title="L'avant-première", section=site.section, tags=["Cannes"], published_at=due)
    assert titles(client.get(site.get_absolute_url())) == []
    assert titles(client.get(site.get_absolute_url())) == []

    with mock.patch("django.utils.timezone.now", return_value=due - timedelta(seconds=1)):
        assert titles(client.get(site.get_absolute_url())) == []
    with mock.patch("django.utils.timezone.now", return_value=due):
        assert titles(client.get(site.get_absolute_url())) == ["L’avant-première"]


def test_a_scheduled_publication_ends_only_the_pages_it_changes(client, site, settings):
    due = (timezone.now() + timedelta(minutes=10)).replace(microsecond=0)
    make_article(title="L'avant-première", section=site.section, tags=["Séries"], published_at=due)
    assert shared_max_age(stored(client, "/")) <= 10 * 60
    assert shared_max_age(stored(client, site.get_absolute_url())) > 10 * 60


def test_a_publication_rebuilds_read_also_on_the_pages_sharing_its_tags(client, site):
    url = site.get_absolute_url()
    assert titles(stored(client, url)) == []
    make_article(title="La suite", section=site.section, tags=["Cannes"])
    assert titles(client.get(url)) == ["La suite"]


def test_a_publication_leaves_the_other_article_pages_in_the_cache(
    client, site, cdn, django_capture_on_commit_callbacks
):
    """
    « À lire aussi » is picked by shared tags: an article sharing none leaves every other
    article page as it was, in our cache and on the CDN.
    """
    url = site.get_absolute_url()
    page = stored(client, url)
    assert "articles" not in page["Surrogate-Key"].split()
    draft = make_article(
        title="Sans rapport", section=site.section, tags=["Séries"], status=Article.Status.DRAFT
    )
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Article.Status.PUBLISHED
        draft.save()
    assert queries_for(client, url)[1] == 0, "the article page was built again"
    assert not purged(cdn) & set(page["Surrogate-Key"].split())
    assert titles(client.get("/"))[0] == "Sans rapport"


@pytest.fixture
def pages_linking_to(site):
    """Every kind of page linking to ``site``: lists, a work's, another's « À lire aussi »."""
    film = make_work(title="Marée basse", slug="maree-basse")
    site.works.add(film)
    neighbour = make_article(title="Le voisin", slug="voisin", tags=["Cannes"])
    return [
        "/",
        "/rubriques/cinema/",
        "/tags/cannes/",
        "/auteurs/marie/",
        film.get_absolute_url(),
        neighbour.get_absolute_url(),
        "/feed/",
    ]


@pytest.mark.parametrize("change", ["unpublished", "deleted"])
def test_an_article_taken_away_leaves_no_page_linking_to_it(
    client, site, pages_linking_to, cdn, django_capture_on_commit_callbacks, change
):
    kept = {url: stored(client, url) for url in pages_linking_to}
    assert all(site.get_absolute_url().encode() in page.content for page in kept.values())
    with django_capture_on_commit_callbacks(execute=True):
        if change == "deleted":
            site.delete()
        else:
            site.status = Article.Status.DRAFT
            site.save()
    for url, page in kept.items():
        assert site.get_absolute_url().encode() not in client.get(url).content, url
        assert purged(cdn) & set(page["Surrogate-Key"].split()), f"{url} left on the CDN"


def test_a_scheduled_article_has_no_page_before_its_time(client, site, page_cache_off):
    due = timezone.now() + timedelta(hours=1)
    scheduled = make_article(title="L'avant-première", slug="avant-premiere", published_at=due)
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    with mock.patch("django.utils.timezone.now", return_value=due):
        assert text(soup(client.get(scheduled.get_absolute_url())).h1) == "L’avant-première"


def test_renaming_the_author_changes_every_byline(client, site):
    stored(client, site.get_absolute_url())
    stored(client, "/")
    stored(client, "/auteurs/marie/")
    author = site.authors.get()
    author.name = "Marie Savante"
    author.save()
    for url in [site.get_absolute_url(), "/", "/auteurs/marie/"]:
        assert "Marie Savante" in text(soup(client.get(url)).main), url


def test_a_new_byline_moves_the_article_between_author_pages(client, site):
    other = make_author(name="Paul", slug="paul")
    assert client.get("/auteurs/paul/").status_code == 200
    stored(client, "/auteurs/paul/")
    site.authorships.create(author=other, position=1)
    assert titles(client.get("/auteurs/paul/")) == ["Le tournage secret"]


def test_renaming_a_section_changes_the_navigation_of_every_page(client, site):
    other = make_article(title="Sans rapport", section=make_section(slug="series"))
    stored(client, other.get_absolute_url())
    section = site.section
    section.name = "Grand écran"
    section.save()
    navigation = soup(client.get(other.get_absolute_url())).select("nav a")
    assert "Grand écran" in [text(link) for link in navigation]


def test_renaming_a_section_changes_its_feed(client, site):
    stored(client, "/rubriques/cinema/feed/")
    section = site.section
    section.name = "Grand écran"
    section.save()
    assert "Grand écran" in client.get("/rubriques/cinema/feed/").content.decode()


def test_the_navigation_marks_the_section_shown_in_each_language(client, site):
    make_article(title="Sans rapport", section=make_section(name="Séries", slug="series"))
    for url, current in [
        ("/", None),
        ("/rubriques/cinema/", "/rubriques/cinema/"),
        ("/rubriques/series/", "/rubriques/series/"),
        ("/", None),
        (site.get_absolute_url(), None),
        ("/en/rubriques/cinema/", "/en/rubriques/cinema/"),
        ("/en/", None),
    ]:
        links = soup(client.get(url)).select(".site-nav a")
        sections = [link["href"] for link in links if "/rubriques/" in link["href"]]
        language_prefix = "/en/" if url.startswith("/en/") else "/rubriques/"
        assert len(sections) == 2 and all(h.startswith(language_prefix) for h in sections), url
        marked = [link["href"] for link in links if link.get("aria-current") == "page"]
        assert marked == ([current] if current else []), url


def test_retagging_and_renaming_tags(client, site):
    stored(client, "/tags/cannes/")
    stored(client, site.get_absolute_url())
    site.tags.add("Palme")
    assert "Palme" in text(soup(client.get(site.get_absolute_url())).main)
    tag = Tag.objects.get(slug="cannes")
    tag.name = "Festival de Cannes"
    tag.save()
    assert "Festival de Cannes" in text(soup(client.get("/tags/cannes/")).h1)


def test_editing_an_image_changes_the_pages_showing_it(client, site):
    def featured(url):
        return soup(client.get(url)).select_one("main img")

    card = featured("/")["src"]
    stored(client, site.get_absolute_url())
    stored(client, "/")
    image = site.featured_image
    image.alt_text = "Une caméra sous la pluie"
    # A new focal point: new crops for the cards, under new names.
    image.focal_x, image.focal_y = 0.1, 0.1
    image.save()
    assert featured(site.get_absolute_url())["alt"] == "Une caméra sous la pluie"
    assert featured("/")["src"] != card


def test_a_correction_shows_at_once(client, site):
    stored(client, site.get_absolute_url())
    Correction.objects.create(article=site, text="Le film sort en mars, pas en avril.")
    assert "pas en avril" in text(soup(client.get(site.get_absolute_url())).main)


def test_a_draft_edit_leaves_the_lists_in_the_cache(client, site):
    draft = make_article(title="Brouillon", status=Article.Status.DRAFT, published_at=None)
    stored(client, "/")
    draft.title = "Brouillon retouché"
    draft.save()
    assert queries_for(client, "/")[1] == 0


@pytest.fixture
def elsewhere(site):
    """
    An article showing nothing of ``site``: its own section, author and tag, and three
    newer articles sharing its tag for its « À lire aussi ».
    """
    section = make_section(name="Séries", slug="series")
    author = make_author(name="Paul Lumière", slug="paul")
    article = make_article(
        title="La série de l’été",
        slug="serie",
        section=section,
        authors=[author],
        tags=["Séries"],
        published_at=timezone.now() - timedelta(hours=3),
    )
    for episode in range(3):
        make_article(title=f"Épisode {episode}", section=section, authors=[author], tags=["Séries"])
    return article


def test_an_edit_that_moves_nothing_leaves_the_other_pages_in_the_cache(client, site, elsewhere):
    """A typo fixed in the story everyone is reading rebuilds what shows it, not every page."""
    untouched = [elsewhere.get_absolute_url(), "/rubriques/series/", "/tags/series/"]
    untouched.append("/auteurs/paul/")
    lists = ["/", "/rubriques/cinema/", "/tags/cannes/", "/auteurs/marie/"]
    for url in [*untouched, site.get_absolute_url(), *lists]:
        stored(client, url)
    feed, sitemap = stored(client, "/feed/"), stored(client, "/sitemap-articles.xml")
    assert titles(stored(client, "/recherche/?q=corrige")) == []

    site.title = "Le tournage secret, enfin raconté"
    site.body = "## Le contexte\n\nUn paragraphe corrigé."
    site.revised_at = timezone.now()
    site.save()

    for url in untouched:
        assert queries_for(client, url)[1] == 0, f"{url} was built again"
    assert text(soup(client.get(site.get_absolute_url())).h1) == site.title
    for url in lists:
        assert site.title in titles(client.get(url)), url
    assert "Un paragraphe corrigé" in client.get("/feed/").content.decode()
    assert feed.content != client.get("/feed/").content
    assert sitemap.content != client.get("/sitemap-articles.xml").content
    assert titles(client.get("/recherche/?q=corrige")) == [site.title]


def test_moving_an_article_to_another_section_refreshes_both(client, site, elsewhere):
    for url in ["/rubriques/series/", "/rubriques/cinema/"]:
        stored(client, url)
    site.section = elsewhere.section
    site.save()
    assert site.title in titles(client.get("/rubriques/series/"))
    assert client.get("/rubriques/cinema/").status_code in (200, 404)
    assert site.title not in titles(client.get("/rubriques/cinema/"))


def test_saving_a_copy_read_before_a_move_refreshes_the_lists_it_moves_back_to(
    client, site, elsewhere
):
    make_article(title="Un autre film", section=site.section)
    stale = Article.objects.get(pk=site.pk)
    colleague = Article.objects.get(pk=site.pk)
    colleague.section = elsewhere.section
    colleague.save()
    assert site.title not in titles(stored(client, "/rubriques/cinema/"))

    # Saved in full, the copy puts the article back in Cinéma.
    stale.title = "Le tournage secret, retouché"
    stale.save()

    assert stale.title in titles(client.get("/rubriques/cinema/"))


def test_saving_a_draft_copy_read_before_its_publication_takes_it_off_the_lists(client, site):
    draft = make_article(title="La suite", section=site.section, status=Article.Status.DRAFT)
    stale = Article.objects.get(pk=draft.pk)
    colleague = Article.objects.get(pk=draft.pk)
    colleague.status = Article.Status.PUBLISHED
    colleague.save()
    assert "La suite" in titles(stored(client, "/rubriques/cinema/"))

    # Saved in full, the copy makes the article a draft again.
    stale.title = "La suite, retouchée"
    stale.save()

    assert "La suite" not in " ".join(titles(client.get("/rubriques/cinema/")))


@pytest.mark.parametrize(
    "edit, moves",
    [
        (lambda article: setattr(article, "title", "Un autre titre"), False),
        (lambda article: setattr(article, "body", "Un autre texte."), False),
        (lambda article: setattr(article, "standfirst", "Un autre chapô."), False),
        (lambda article: setattr(article, "is_featured", True), True),
        (lambda article: setattr(article, "published_at", timezone.now()), True),
        (lambda article: setattr(article, "status", Article.Status.REVIEW), True),
    ],
    ids=["title", "body", "standfirst", "headline flag", "date", "status"],
)
def test_only_a_move_purges_every_list(
    client, site, elsewhere, cdn, django_capture_on_commit_callbacks, edit, moves
):
    """Every list names the list of articles: purged when an article moves in them."""
    lists = stored(client, "/rubriques/series/")
    article = Article.objects.get(pk=site.pk)
    edit(article)
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert {f"article-{site.pk}", "article-texts"} <= purged(cdn)
    assert bool(purged(cdn) & set(lists["Surrogate-Key"].split()) - {"sections", "site"}) is moves


def test_a_typo_fixed_in_the_admin_leaves_the_other_lists_in_the_cache(client, site, elsewhere):
    """The version the form claims on saving shows its copy was the latest: nothing moved."""
    lists = "/rubriques/series/"
    stored(client, lists)
    published_at = timezone.localtime(site.published_at)
    data = article_fields(
        site,
        body="Un paragraphe corrigé.",
        tags="Cannes",
        published_at_0=published_at.strftime("%d/%m/%Y"),
        published_at_1=published_at.strftime("%H:%M:%S"),
        **EMPTY_INLINES,
    )
    newsroom = logged_in(make_member(EDITOR, "edith"))

    response = newsroom.post(reverse("admin:articles_article_change", args=[site.pk]), data)

    assert response.status_code == 302
    assert "Un paragraphe corrigé" in client.get(site.get_absolute_url()).content.decode()
    assert queries_for(client, lists)[1] == 0, f"{lists} was built again"


# -- Who gets what -----------------------------------------------------------------------


def test_an_editor_sees_the_page_fresh_after_saving_in_the_admin(client, site):
    editor = make_member(EDITOR, "edith")
    stored(client, site.get_absolute_url())
    newsroom = logged_in(editor)
    site.title = "Titre corrigé par Edith"
    site.save()
    for reader in (newsroom, client):
        assert text(soup(reader.get(site.get_absolute_url())).h1) == "Titre corrigé par Edith"


def test_logged_in_users_are_never_served_nor_served_from_the_cache(client, site):
    editor = make_member(EDITOR, "edith")
    newsroom = logged_in(editor)
    url = site.get_absolute_url()

    anonymous = stored(client, url)
    built = newsroom.get(url)
    # Served from the cache, a page renders no template.
    built_for_them = "articles/article_detail.html" in [t.name for t in built.templates]
    assert built_for_them, "a logged-in user must not be served a page stored for readers"
    assert "private" in built["Cache-Control"] and "no-store" in built["Cache-Control"]
    assert "Surrogate-Key" not in built

    # What the logged-in user got is not stored for the next reader either.
    newsroom.get("/rubriques/cinema/")
    assert queries_for(Client(), "/rubriques/cinema/")[1] > 0
    assert queries_for(Client(), url) == (mock.ANY, 0)
    assert Client().get(url).content == anonymous.content


def test_personal_pages_are_private(client, site):
    editor = make_member(EDITOR, "edith")
    newsroom = logged_in(editor)
    for url in [reverse("admin:index"), reverse("admin:articles_article_changelist")]:
        cache_control = newsroom.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url
    login = client.get(reverse("admin:login"))
    assert "public" not in login.get("Cache-Control", "")


# -- Headers for browsers and CDNs ------------------------------------------------------


def test_public_pages_tell_cdns_what_they_show(client, site):
    response = client.get(site.get_absolute_url())
    keys = set(response["Surrogate-Key"].split())
    author = site.authors.get()
    tag = site.tags.get()
    assert {
        f"article-{site.pk}",
        f"section-{site.section_id}",
        f"author-{author.pk}",
        f"tag-{tag.pk}",
        f"image-{site.featured_image_id}",
        f"image-{author.avatar_id}",
        "sections",
        "site",
    } <= keys
    # A publication purges the lists, not the article pages.
    assert "articles" not in keys
    assert set(response["Cache-Tag"].split(",")) == keys
    cache_control = {
        part.strip().split("=")[0]: part.strip().split("=")[-1]
        for part in response["Cache-Control"].split(",")
    }
    assert "public" in cache_control
    assert int(cache_control["s-maxage"]) > 0
    assert int(cache_control["stale-while-revalidate"]) > 0
    assert int(cache_control["max-age"]) <= int(cache_control["s-maxage"])


def test_list_pages_name_every_card(client, site):
    other = make_article(title="Autre", section=site.section, authors=list(site.authors.all()))
    keys = set(client.get("/rubriques/cinema/")["Surrogate-Key"].split())
    assert {f"article-{site.pk}", f"article-{other.pk}", f"section-{site.section_id}"} <= keys


@pytest.mark.parametrize("from_cache", [False, True], ids=["built", "from cache"])
def test_unchanged_pages_answer_304(client, site, from_cache):
    url = site.get_absolute_url()
    if from_cache:
        stored(client, url)
    response = client.get(url)
    etag, last_modified = response["ETag"], response["Last-Modified"]

    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304

    site.title = "Nouveau titre"
    site.save()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def missing(client, url):
    response = client.get(url)
    assert response.status_code == 404, url
    return response


def test_a_page_not_found_is_public_for_cdns_but_not_kept_here(client, site):
    first = missing(client, "/wp-login.php")

    assert "Cette page n’existe pas" in text(BeautifulSoup(first.content, "html.parser").h1)
    assert "public" in first["Cache-Control"]
    assert {"site", "sections", "articles"} <= set(first["Surrogate-Key"].split())
    # Built again: kept, each address a robot makes up would take a cache entry.
    again, count = queries_for(client, "/wp-login.php")
    assert again.status_code == 404
    assert count > 0


def test_a_page_not_found_becomes_the_article_published_there(client, site):
    missing(client, "/articles/avant-premiere/")
    draft = make_article(
        title="L’avant-première", slug="avant-premiere", status=Article.Status.DRAFT
    )
    missing(client, "/articles/avant-premiere/")
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert client.get("/articles/avant-premiere/").status_code == 200


def test_a_page_not_found_becomes_the_article_due_there(client, site):
    due = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    make_article(title="Plus tard", slug="plus-tard", section=site.section, published_at=due)
    missing(client, "/articles/plus-tard/")
    with mock.patch("django.utils.timezone.now", return_value=due):
        assert client.get("/articles/plus-tard/").status_code == 200


def test_a_page_not_found_names_what_could_take_its_address(client, site):
    keys = set(missing(client, "/nouvelle-page/")["Surrogate-Key"].split())

    # Purging any of these from a CDN must drop its copy of the page not found.
    assert {"articles", "sections", "tags", "authors", "works", "sitepages"} <= keys


def test_the_cache_can_be_turned_off(client, site, settings):
    settings.PAGE_CACHE_ENABLED = False
    client.get("/")
    response, count = queries_for(client, "/")
    assert count > 0
    # The headers still let a CDN keep it.
    assert "s-maxage" in response["Cache-Control"]


# -- Purging a CDN -----------------------------------------------------------------------


@pytest.fixture
def cdn(settings):
    """A CDN that records the keys of each purge it is asked for."""
    settings.PAGECACHE_PURGE_BACKENDS = {
        "default": {"BACKEND": "pagecache.purge.RecordingPurgeBackend"}
    }
    RecordingPurgeBackend.purged.clear()
    yield RecordingPurgeBackend.purged
    RecordingPurgeBackend.purged.clear()


def purged(cdn):
    return set().union(*cdn)


class PurgeRecorder(BaseHTTPRequestHandler):
    calls = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).calls.append(
            {
                "path": self.path,
                "authorization": self.headers.get("Authorization"),
                "type": self.headers.get("Content-Type"),
                "tags": json.loads(body)["tags"],
            }
        )
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purge_server(settings):
    """A CDN's purge API on this machine, behind the HTTP purge backend."""
    PurgeRecorder.calls = []
    server = HTTPServer(("127.0.0.1", 0), PurgeRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PAGECACHE_PURGE_BACKENDS = {
        "default": {
            "BACKEND": "pagecache.purge.HTTPPurgeBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_port}/purge/zone",
            "TOKEN": "token-de-test",
        }
    }
    yield PurgeRecorder.calls
    server.shutdown()
    server.server_close()


def test_changes_are_purged_by_http_after_commit(
    site, purge_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        site.title = "Titre purgé"
        site.save()
    assert purge_server == [], "nothing is purged before the commit"
    for callback in callbacks:
        callback()
    tags = set().union(*(call["tags"] for call in purge_server))
    assert {f"article-{site.pk}", "article-texts"} <= tags
    assert all(call["path"] == "/purge/zone" for call in purge_server)
    assert all(call["authorization"] == "Bearer token-de-test" for call in purge_server)
    assert all(call["type"] == "application/json" for call in purge_server)


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda site: site.authors.get().save(), "author"),
        (lambda site: site.section.save(), "section"),
        (lambda site: site.tags.get().save(), "tag"),
        (lambda site: site.featured_image.save(), "image"),
    ],
    ids=["author", "section", "tag", "image"],
)
def test_each_kind_of_change_purges_the_pages_showing_it(
    client, site, cdn, django_capture_on_commit_callbacks, change, expected
):
    page = stored(client, site.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        change(site)
    shown = {key for key in page["Surrogate-Key"].split() if key.startswith(f"{expected}-")}
    assert shown and shown & purged(cdn), purged(cdn)
    assert f"{expected}s" in purged(cdn)


def test_an_unreachable_cdn_does_not_fail_the_save(
    site, settings, django_capture_on_commit_callbacks
):
    settings.PAGECACHE_PURGE_BACKENDS = {
        # The discard port: nothing listens.
        "default": {
            "BACKEND": "pagecache.purge.HTTPPurgeBackend",
            "LOCATION": "http://127.0.0.1:9/",
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        site.title = "Sauvé malgré tout"
        site.save()
    site.refresh_from_db()
    assert site.title == "Sauvé malgré tout"


# -- Races and failures ------------------------------------------------------------------


def test_a_page_checked_fresh_after_another_change_still_sees_its_own(client, site):
    url = site.get_absolute_url()
    stored(client, url)
    # Nothing the page shows: the counter moves, the page is checked and found fresh...
    stranger = make_author(name="Quelqu'un d'autre", slug="autre")
    stranger.name = "Un inconnu"
    stranger.save()
    stored(client, url)
    # ...and found fresh again without a check, until a change of its own.
    site.title = "Le tournage dévoilé"
    site.save()
    assert text(soup(client.get(url)).h1) == "Le tournage dévoilé"
    stored(client, url)


def test_a_page_built_while_an_edit_commits_is_not_kept(client, site, monkeypatch):
    """
    A reader's page read the article just before an editor's save: it must not be
    served to the next reader, though it was stored after the save.
    """
    from reader.views import articles as views

    render = views.ArticleDetailView.render_to_response

    def render_then_edit(view, context, **kwargs):
        response = render(view, context, **kwargs)
        if not Article.objects.filter(title="Titre du rédacteur").exists():
            Article.objects.filter(pk=site.pk).update(title="Titre du rédacteur")
            Article.objects.get(pk=site.pk).save()
        return response

    monkeypatch.setattr(views.ArticleDetailView, "render_to_response", render_then_edit)
    old = client.get(site.get_absolute_url())
    assert text(soup(old).h1) == "Le tournage secret"
    assert text(soup(client.get(site.get_absolute_url())).h1) == "Titre du rédacteur"


@pytest.fixture
def own_redis(settings, tmp_path):
    """A Redis server of the test's own, to stop and start."""
    import shutil
    import socket
    import subprocess

    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server not found: run `bash scripts/services.sh redis`"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{message} (CI=true: this check may not be skipped)", pytrace=False)
        pytest.skip(message)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 (a fixed binary, our arguments)
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    usual_caches = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "screenmania.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    health.down_until = 0
    yield server
    # Back to the usual cache before this one goes: the suite's own fixtures clear it.
    settings.CACHES = usual_caches
    health.down_until = 0
    health.pending.clear()
    server.kill()
    server.wait()


def test_pages_are_served_while_redis_is_down_and_cached_again_after(
    client, site, own_redis, settings
):
    import signal

    # Every request asks Redis, as each does once its worker's copy is a second old.
    settings.PAGE_CACHE_LOCAL_SECONDS = 0
    url = site.get_absolute_url()
    stored(client, url)

    # Redis hangs: readers wait half a second once, then are served uncached.
    own_redis.send_signal(signal.SIGSTOP)
    started = time.monotonic()
    response, count = queries_for(client, url)
    assert response.status_code == 200 and count > 0
    assert time.monotonic() - started < 2
    for _ in range(3):
        assert client.get(url).status_code == 200
    assert time.monotonic() - started < 3

    # An edit while it hangs: saved, and its invalidation kept for later.
    site.title = "Édité pendant la panne"
    site.save()
    assert text(soup(client.get(url)).h1) == "Édité pendant la panne"

    # Redis answers again, with the old page still in it: the page is not served.
    own_redis.send_signal(signal.SIGCONT)
    health.down_until = 0  # the retry delay, elapsed
    assert text(soup(client.get(url)).h1) == "Édité pendant la panne"
    assert queries_for(client, url)[1] == 0, "cached again once Redis is back"

    # Redis gone altogether: pages are still served.
    own_redis.kill()
    own_redis.wait()
    health.down_until = 0
    assert client.get(url).status_code == 200
    assert client.get("/").status_code == 200


# -- Cards -------------------------------------------------------------------------------


def test_a_card_shows_every_change_to_what_it_shows(client, site):
    for title in ["Deux", "Trois"]:
        make_article(title=title, section=site.section, authors=list(site.authors.all()))
    url = "/rubriques/cinema/"
    stored(client, url)
    site.title = "Le tournage révélé"
    site.save()
    assert "Le tournage révélé" in titles(client.get(url))

    author = site.authors.get()
    author.name = "Marie Savante"
    author.save()
    assert "Marie Savante" in text(soup(client.get(url)).select_one(".card__meta"))

    section = site.section
    section.name = "Grand écran"
    section.save()
    labels = {text(label) for label in soup(client.get(url)).select(".card__section")}
    assert labels == {"Grand écran"}


def test_a_card_joins_its_bylines_in_the_page_language(client, site):
    site.authors.add(make_author(name="Paul Lumière", slug="paul"))
    meta = {}
    for url in ["/", "/en/", "/", "/en/"]:
        meta[url] = text(soup(client.get(url)).select_one(".card__meta"))
    assert "Marie Curieuse et Paul Lumière" in meta["/"]
    assert "Marie Curieuse and Paul Lumière" in meta["/en/"]


def test_the_redis_cache_keeps_one_client_and_survives_a_restart(own_redis, settings, tmp_path):
    import subprocess

    from django.core.cache import caches

    cache = caches["default"]
    cache.set("probe", {"a": 1})
    assert cache.get_many(["probe", "missing"]) == {"probe": {"a": 1}}
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client

    own_redis.kill()
    own_redis.wait()
    with pytest.raises(Exception):  # noqa: B017 (redis-py's ConnectionError)
        cache.get("probe")
    port = settings.CACHES["default"]["LOCATION"].rsplit(":", 1)[1].split("/")[0]
    restarted = subprocess.Popen(  # noqa: S603 (the same binary, our arguments)
        [own_redis.args[0], "--port", port, "--bind", "127.0.0.1", "--save", ""],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                cache.set("probe", {"b": 2})
                break
            except Exception:
                assert time.monotonic() < deadline, "redis-server did not come back"
                time.sleep(0.05)
        assert cache.get("probe") == {"b": 2}
        assert cache._cache.get_client() is client
    finally:
        restarted.kill()
        restarted.wait()
