"""
The page cache: anonymous readers get stored pages, which are never stale.

Each test first has a page stored (a second request costs no query), then makes
one kind of change the way the newsroom makes it, and reads the page again.
"""

import json
import os
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Correction
from tests.factories import (
    EDITOR,
    logged_in,
    make_article,
    make_author,
    make_image,
    make_member,
    make_section,
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
    s_maxage = int(before["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert s_maxage <= 3 * 3600

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
        s_maxage = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
        assert 0 < s_maxage <= 59 * 60


@pytest.mark.parametrize("logged_in_reader", [False, True], ids=["anonymous", "logged in"])
def test_a_scheduled_article_appears_in_read_also_at_its_time(client, site, logged_in_reader):
    """« À lire aussi » is a part the cache keeps for every article page: it expires too."""
    if logged_in_reader:
        client.force_login(make_member(EDITOR, "plume"))
    due = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    make_article(title="L'avant-première", section=site.section, tags=["Cannes"], published_at=due)
    assert titles(client.get(site.get_absolute_url())) == []
    assert titles(client.get(site.get_absolute_url())) == []

    with mock.patch("django.utils.timezone.now", return_value=due - timedelta(seconds=1)):
        assert titles(client.get(site.get_absolute_url())) == []
    with mock.patch("django.utils.timezone.now", return_value=due):
        assert titles(client.get(site.get_absolute_url())) == ["L’avant-première"]


# A template that only building each part of the article page renders.
PART_TEMPLATES = {
    "includes/article_social_meta.html": "metadata",
    "articles/parts/article.html": "article",
    "articles/parts/related.html": "related",
}


def parts_built(response):
    return sorted(PART_TEMPLATES[t.name] for t in response.templates if t.name in PART_TEMPLATES)


def test_a_publication_rebuilds_read_also_and_keeps_the_article(client, site):
    """
    A publication makes every article page stale, for its « À lire aussi »: the page is
    built again around the article's own parts as they were kept.
    """
    url = site.get_absolute_url()
    assert parts_built(client.get(url)) == ["article", "metadata", "related"]
    assert parts_built(stored(client, url)) == []

    make_article(title="La suite", section=site.section, tags=["Cannes"])
    rebuilt = client.get(url)
    assert titles(rebuilt) == ["La suite"]
    assert parts_built(rebuilt) == ["related"]
    assert text(soup(rebuilt).h1) == "Le tournage secret"


def test_a_logged_in_reader_gets_the_parts_kept_for_everyone(client, site):
    url = site.get_absolute_url()
    anonymous = stored(client, url)
    newsroom = logged_in(make_member(EDITOR, "edith"))
    page = newsroom.get(url)
    assert parts_built(page) == []
    assert soup(page).select_one("article.article") == soup(anonymous).select_one("article.article")

    site.title = "Titre corrigé par Edith"
    site.save()
    page = soup(newsroom.get(url))
    assert text(page.h1) == "Titre corrigé par Edith"
    assert page.title.string.startswith("Titre corrigé par Edith")
    assert page.select_one('meta[property="og:title"]')["content"] == "Titre corrigé par Edith"


def test_a_preview_never_reads_nor_keeps_parts(client, site):
    editor = logged_in(make_member(EDITOR, "edith"))
    preview = reverse("admin:articles_article_preview", args=[site.pk])
    # The preview shows what the database holds, even when no signal said it changed.
    stored(client, site.get_absolute_url())
    Article.objects.filter(pk=site.pk).update(title="Changé sans signal")
    page = editor.get(preview)
    assert text(soup(page).h1) == "Changé sans signal"
    assert soup(page).title.string.startswith("Changé sans signal")
    assert soup(page).select_one('meta[name="robots"]')["content"] == "noindex, nofollow"
    assert parts_built(editor.get(preview)) == ["article", "metadata", "related"]
    assert text(soup(Client().get(site.get_absolute_url())).h1) == "Le tournage secret"


@pytest.mark.parametrize("change", ["unpublished", "deleted", "given a new slug"])
def test_an_address_is_served_from_its_parts_only_while_its_article_is_there(
    client, site, page_cache_off, change
):
    """
    Built with its parts kept, the article page reads nothing, not even the article's row
    (its parts are named after the address): whatever takes the article away from that
    address must make them stale.
    """
    url = site.get_absolute_url()
    client.get(url)
    page, count = queries_for(client, url)
    assert (page.status_code, count) == (200, 0)

    if change == "deleted":
        site.delete()
    else:
        if change == "unpublished":
            site.status = Article.Status.DRAFT
        else:
            site.slug = "tournage-devoile"
        site.save()
    assert client.get(url).status_code == 404
    if change == "given a new slug":
        assert text(soup(client.get(site.get_absolute_url())).h1) == "Le tournage secret"


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


def test_the_kept_navigation_marks_the_section_shown_in_each_language(client, site, page_cache_off):
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
    site, elsewhere, purge_server, django_capture_on_commit_callbacks, edit, moves
):
    """« articles » is on every list and article page: purged when the lists change."""
    article = Article.objects.get(pk=site.pk)
    edit(article)
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    tags = set().union(*(call["tags"] for call in purge_server))
    assert {f"article-{site.pk}", "article-texts"} <= tags
    assert ("articles" in tags) is moves


# -- A page everyone reads, gone stale ---------------------------------------------------


@pytest.fixture
def home_builds(monkeypatch):
    """How many times the home page is built from now on."""
    from reader.views.articles import HomeView

    builds = []
    build = HomeView.get_context_data

    def counted(self, **kwargs):
        builds.append(True)
        return build(self, **kwargs)

    monkeypatch.setattr(HomeView, "get_context_data", counted)
    return builds


def home_build_lock():
    from django.test import RequestFactory

    import pagecache

    return pagecache._cache(), f"{pagecache._entry_key(RequestFactory().get('/'))}:building"


@pytest.fixture
def stale_home(client, site, home_builds):
    """The home page stored, then stale: its article was edited."""
    stored(client, "/")
    site.title = "Le tournage révélé"
    site.save()
    home_builds.clear()


def another_worker_builds(monkeypatch):
    """Another worker holds the home page's lock, then stores the page as the reader waits."""
    import pagecache

    cache, lock = home_build_lock()
    cache.add(lock, 1)
    other_worker = []

    def while_waiting(seconds):
        if not other_worker:
            cache.delete(lock)
            other_worker.append(Client().get("/"))

    monkeypatch.setattr(pagecache.time, "sleep", while_waiting)
    return other_worker


def test_a_reader_arriving_while_the_page_is_built_is_served_that_page(
    client, stale_home, home_builds, monkeypatch
):
    """Under a spike, a page gone stale is built once, not by every request meanwhile."""
    cache, lock = home_build_lock()
    other_worker = another_worker_builds(monkeypatch)
    response = client.get("/")

    assert len(other_worker) == 1 and len(home_builds) == 1, "built by the other worker only"
    assert response.status_code == 200
    assert response.content == other_worker[0].content
    assert titles(response) == ["Le tournage révélé"]
    assert cache.get(lock) is None


def test_a_page_expired_at_a_scheduled_publication_is_still_built_once(
    client, site, home_builds, monkeypatch
):
    """Every page expires when a scheduled article is due: all are stale at once, not gone."""
    # Whole seconds, as the article stores it: the page must outlive two requests to it.
    due = timezone.now().replace(microsecond=0) + timedelta(seconds=3)
    make_article(title="L'avant-première", section=site.section, published_at=due)
    stored(client, "/")
    home_builds.clear()
    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 0.1)

    other_worker = another_worker_builds(monkeypatch)
    response = client.get("/")
    assert len(other_worker) == 1 and len(home_builds) == 1, "built by the other worker only"
    assert titles(response) == ["L’avant-première", "Le tournage secret"]


def test_a_page_never_stored_takes_no_lock(client, site, monkeypatch):
    """A 404 or a first visit may not be a public page at all: no lock, no round trips."""
    import pagecache

    cache, added = pagecache._cache(), []
    add = cache.add
    monkeypatch.setattr(
        cache, "add", lambda key, *args, **kwargs: added.append(key) or add(key, *args, **kwargs)
    )
    assert client.get("/nulle-part/").status_code == 404
    assert client.get("/").status_code == 200
    assert [key for key in added if key.endswith(":building")] == []


def test_a_builder_that_stores_nothing_lets_the_waiting_reader_build(
    client, stale_home, home_builds, monkeypatch
):
    import pagecache

    cache, lock = home_build_lock()
    cache.add(lock, 1)
    monkeypatch.setattr(pagecache.time, "sleep", lambda seconds: cache.delete(lock))

    assert titles(client.get("/")) == ["Le tournage révélé"]
    assert len(home_builds) == 1


def test_a_builder_that_never_finishes_delays_a_reader_a_moment_at_most(
    client, stale_home, settings, home_builds
):
    settings.PAGE_CACHE_BUILD_WAIT = 0.05
    cache, lock = home_build_lock()
    cache.add(lock, 1, timeout=60)
    started = time.monotonic()

    assert titles(client.get("/")) == ["Le tournage révélé"]
    assert time.monotonic() - started < 1
    assert len(home_builds) == 1


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
        "articles",
        "sections",
        "site",
    } <= keys
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


def test_errors_and_previews_are_not_stored(client, site):
    for _ in range(2):
        missing, count = queries_for(client, "/articles/inconnu/")
        assert missing.status_code == 404
        assert count > 0


def test_the_cache_can_be_turned_off(client, site, settings):
    settings.PAGE_CACHE_ENABLED = False
    client.get("/")
    response, count = queries_for(client, "/")
    assert count > 0
    # The headers still let a CDN keep it.
    assert "s-maxage" in response["Cache-Control"]


# -- Purging a CDN -----------------------------------------------------------------------


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
    PurgeRecorder.calls = []
    server = HTTPServer(("127.0.0.1", 0), PurgeRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CDN_PURGE_URL = f"http://127.0.0.1:{server.server_port}/purge/zone"
    settings.CDN_PURGE_TOKEN = "token-de-test"
    yield PurgeRecorder.calls
    server.shutdown()
    server.server_close()


def test_changes_purge_the_cdn_after_commit(site, purge_server, django_capture_on_commit_callbacks):
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
def test_each_kind_of_change_purges_its_key(
    site, purge_server, django_capture_on_commit_callbacks, change, expected
):
    with django_capture_on_commit_callbacks(execute=True):
        change(site)
    tags = set().union(*(call["tags"] for call in purge_server))
    assert any(tag.startswith(f"{expected}-") for tag in tags), tags
    assert f"{expected}s" in tags


def test_an_unreachable_cdn_does_not_fail_the_save(
    site, settings, django_capture_on_commit_callbacks
):
    settings.CDN_PURGE_URL = "http://127.0.0.1:9/purge"  # the discard port: nothing listens
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
    import time

    import pagecache

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
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(pagecache, "health", pagecache._Health())
    yield server
    # Back to the usual cache before this one goes: the suite's own fixtures clear it.
    settings.CACHES = usual_caches
    monkeypatch.undo()
    server.kill()
    server.wait()


def test_pages_are_served_while_redis_is_down_and_cached_again_after(client, site, own_redis):
    import signal
    import time

    import pagecache

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
    pagecache.health.down_until = 0  # the retry delay, elapsed
    assert text(soup(client.get(url)).h1) == "Édité pendant la panne"
    assert queries_for(client, url)[1] == 0, "cached again once Redis is back"

    # Redis gone altogether: pages are still served.
    own_redis.kill()
    own_redis.wait()
    pagecache.health.down_until = 0
    assert client.get(url).status_code == 200
    assert client.get("/").status_code == 200


# -- Cards, kept between the pages that show them ------------------------------------------


@pytest.fixture
def cards_rendered():
    """The names of the article cards rendered (not taken from the cache) from now on."""
    from django.test.signals import template_rendered

    names = []

    def record(sender, template, context, **kwargs):
        if template.name == "includes/article_card.html":
            names.append(context["article"].title)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


@pytest.fixture
def section_of_three(site, settings):
    """Three articles in Cinéma, page cache off: every request builds its page."""
    settings.PAGE_CACHE_ENABLED = False
    for title in ["Deux", "Trois"]:
        make_article(title=title, section=site.section, authors=list(site.authors.all()))
    return "/rubriques/cinema/"


def test_a_list_built_again_renders_only_the_cards_that_changed(
    client, section_of_three, cards_rendered
):
    client.get(section_of_three)
    assert len(cards_rendered) == 3
    cards_rendered.clear()
    assert len(titles(client.get(section_of_three))) == 3
    assert cards_rendered == []

    make_article(title="La nouvelle", section=Article.objects.first().section)
    assert titles(client.get(section_of_three))[0] == "La nouvelle"
    assert cards_rendered == ["La nouvelle"]


@pytest.fixture
def cache_reads(monkeypatch):
    """How many times the page cache is read (round trips to Redis) from now on."""
    import pagecache

    cache = pagecache._cache()
    reads, depth = [], []
    for method in ("get", "get_many"):
        original = getattr(cache, method)

        def counted(*args, original=original, **kwargs):
            # The local memory cache's get_many() calls get() for each key: one read.
            if not depth:
                reads.append(args)
            depth.append(True)
            try:
                return original(*args, **kwargs)
            finally:
                depth.pop()

        monkeypatch.setattr(cache, method, counted)
    return reads


def test_a_list_reads_its_cards_from_the_cache_at_once(client, section_of_three, cache_reads):
    client.get(section_of_three)
    cache_reads.clear()
    client.get(section_of_three)
    reads_for_three = len(cache_reads)

    section = Article.objects.first().section
    for number in range(9):
        make_article(title=f"Article {number}", section=section)
    client.get(section_of_three)
    cache_reads.clear()
    assert len(titles(client.get(section_of_three))) == 12
    assert len(cache_reads) == reads_for_three


def test_a_card_shows_every_change_to_what_it_shows(client, site, section_of_three):
    client.get(section_of_three)
    site.title = "Le tournage révélé"
    site.save()
    assert "Le tournage révélé" in titles(client.get(section_of_three))

    author = site.authors.get()
    author.name = "Marie Savante"
    author.save()
    assert "Marie Savante" in text(soup(client.get(section_of_three)).select_one(".card__meta"))

    section = site.section
    section.name = "Grand écran"
    section.save()
    labels = {text(label) for label in soup(client.get(section_of_three)).select(".card__section")}
    assert labels == {"Grand écran"}


def test_a_card_rendered_while_an_edit_commits_is_not_kept(
    client, site, section_of_three, monkeypatch
):
    """
    The list read the article just before an editor's save, and its card is stored
    after it: the next list must not show that card.
    """
    from reader.templatetags import screenmania as tags

    fragments = tags.pagecache.fragments

    def edit_then_fragments(request, pieces):
        if not Article.objects.filter(title="Titre du rédacteur").exists():
            edited = Article.objects.get(pk=site.pk)
            edited.title = "Titre du rédacteur"
            edited.save()
        return fragments(request, pieces)

    monkeypatch.setattr(tags.pagecache, "fragments", edit_then_fragments)
    assert "Le tournage secret" in titles(client.get(section_of_three))
    assert "Titre du rédacteur" in titles(client.get(section_of_three))


def test_each_language_has_its_own_cards(client, site, settings):
    settings.PAGE_CACHE_ENABLED = False
    site.authors.add(make_author(name="Paul Lumière", slug="paul"))
    meta = {}
    for url in ["/", "/en/", "/", "/en/"]:
        meta[url] = text(soup(client.get(url)).select_one(".card__meta"))
    assert "Marie Curieuse et Paul Lumière" in meta["/"]
    assert "Marie Curieuse and Paul Lumière" in meta["/en/"]


def test_cards_can_be_turned_off(client, section_of_three, settings, cards_rendered):
    settings.FRAGMENT_CACHE_ENABLED = False
    client.get(section_of_three)
    client.get(section_of_three)
    assert len(cards_rendered) == 6


def test_cards_are_built_while_redis_is_down(client, site, own_redis, settings):
    import signal

    import pagecache

    settings.PAGE_CACHE_ENABLED = False
    assert titles(client.get("/rubriques/cinema/")) == ["Le tournage secret"]
    own_redis.send_signal(signal.SIGSTOP)
    site.title = "Édité pendant la panne"
    site.save()
    assert titles(client.get("/rubriques/cinema/")) == ["Édité pendant la panne"]
    own_redis.send_signal(signal.SIGCONT)
    pagecache.health.down_until = 0
    assert titles(client.get("/rubriques/cinema/")) == ["Édité pendant la panne"]


def test_article_parts_are_built_while_redis_is_down(client, site, own_redis, settings):
    import signal

    import pagecache

    settings.PAGE_CACHE_ENABLED = False
    assert text(soup(client.get(site.get_absolute_url())).h1) == "Le tournage secret"
    own_redis.send_signal(signal.SIGSTOP)
    site.title = "Édité pendant la panne"
    site.save()
    assert text(soup(client.get(site.get_absolute_url())).h1) == "Édité pendant la panne"
    own_redis.send_signal(signal.SIGCONT)
    pagecache.health.down_until = 0
    # The stamps sent once it answers again make the parts kept before it stopped stale.
    assert text(soup(client.get(site.get_absolute_url())).h1) == "Édité pendant la panne"


def test_the_redis_cache_keeps_one_client_and_survives_a_restart(own_redis, settings, tmp_path):
    import subprocess
    import time

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
