"""RSS and Atom feeds, read with feedparser as a feed reader reads them."""

import calendar
import html
from datetime import timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_image, make_section
from tests.pages import LISTS, pages_showing, soup

pytestmark = pytest.mark.django_db

SITE_URL = "https://www.screenmania.example"
FORMATS = {
    "rss": ("", "application/rss+xml"),
    "atom": ("atom/", "application/atom+xml"),
}


@pytest.fixture(autouse=True)
def public_origin(settings):
    """An origin unlike the test client's Host, so that any leak of the latter shows."""
    settings.SITE_URL = SITE_URL


@pytest.fixture(params=sorted(FORMATS))
def feed_format(request):
    return request.param


def feed_path(base, feed_format):
    return f"{base}feed/{FORMATS[feed_format][0]}"


def read_feed(client, path, feed_format=None):
    response = client.get(path)
    assert response.status_code == 200, path
    if feed_format:
        assert response["Content-Type"] == f"{FORMATS[feed_format][1]}; charset=utf-8"
    assert b"testserver" not in response.content
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def links(feed):
    return [entry.link for entry in feed.entries]


def timestamp(parsed):
    return calendar.timegm(parsed)


@pytest.fixture
def full_article():
    """An article with everything a feed carries: two authors, tags, images, an update."""
    section = make_section(name="Cinéma", slug="cinema")
    authors = [make_author(name="Marie Dubois"), make_author(name="Paul Martin")]
    body_image = make_image(alt_text="La cabine de projection")
    published_at = timezone.now() - timedelta(days=2)
    return make_article(
        title="Tom & Jerry : le retour",
        standfirst="Le chat & la souris reviennent <enfin> au cinéma.",
        body=(
            "Lire [notre critique](/articles/une-critique/) d'abord.[^1]\n\n"
            f"![](image:{body_image.pk})\n\n"
            "[^1]: Publiée la semaine dernière."
        ),
        section=section,
        authors=authors,
        tags=["Animation", "Hanna-Barbera"],
        featured_image=make_image(alt_text="Tom et Jerry"),
        published_at=published_at,
        revised_at=published_at + timedelta(hours=5),
    )


def test_site_feed_describes_the_site(client, feed_format):
    make_article()
    path = feed_path("/", feed_format)
    feed = read_feed(client, path, feed_format).feed
    assert feed.title == "Screenmania"
    assert feed.link == f"{SITE_URL}/"
    assert feed.language == "fr"
    assert feed.subtitle
    self_links = [link.href for link in feed.links if link.rel == "self"]
    assert self_links == [f"{SITE_URL}{path}"]


def test_items_carry_every_field(client, feed_format, full_article, media_root):
    entry = read_feed(client, feed_path("/", feed_format)).entries[0]
    article = full_article

    assert entry.title == article.title
    assert entry.link == f"{SITE_URL}/articles/{article.slug}/"
    assert entry.id.startswith("tag:www.screenmania.example,")
    assert entry.id.endswith(f":articles/{article.pk}")
    assert timestamp(entry.published_parsed) == int(article.published_at.timestamp())
    assert timestamp(entry.updated_parsed) == int(article.revised_at.timestamp())
    assert [author.name for author in entry.authors] == ["Marie Dubois", "Paul Martin"]
    assert entry.author
    assert html.unescape(entry.summary) == article.standfirst
    assert [tag.term for tag in entry.tags] == ["Cinéma", "Animation", "Hanna-Barbera"]

    content = entry.content[0].value
    assert "Publiée la semaine dernière." in content
    assert f'href="{SITE_URL}/articles/une-critique/"' in content
    assert f'href="{entry.link}#fn:1"' in content
    assert f'src="{SITE_URL}/media/' in content
    for relative in ('href="/', 'src="/', 'srcset="/', ", /media/", 'href="#'):
        assert relative not in content

    (enclosure,) = entry.enclosures
    card = article.featured_image.social_card
    assert enclosure.href == SITE_URL + card.src
    assert enclosure.type == "image/jpeg"
    stored = media_root / card.src.removeprefix("/media/")
    assert int(enclosure.length) == stored.stat().st_size > 0
    (media,) = entry.media_content
    assert media["url"] == enclosure.href
    assert (int(media["width"]), int(media["height"])) == (card.width, card.height)


def test_atom_authors_link_to_their_pages(client, full_article):
    entry = read_feed(client, "/feed/atom/").entries[0]
    hrefs = [author.href for author in entry.authors]
    assert hrefs == [SITE_URL + author.get_absolute_url() for author in full_article.authors.all()]


def test_item_without_image_or_update(client, feed_format):
    article = make_article(featured_image=None)
    entry = read_feed(client, feed_path("/", feed_format)).entries[0]
    assert entry.enclosures == []
    assert "media_content" not in entry
    assert timestamp(entry.updated_parsed) == int(article.published_at.timestamp())


def test_feed_holds_the_twenty_latest_newest_first(client, feed_format):
    now = timezone.now()
    articles = [make_article(published_at=now - timedelta(hours=n + 1)) for n in range(22)]
    feed = read_feed(client, feed_path("/", feed_format))
    assert links(feed) == [SITE_URL + article.get_absolute_url() for article in articles[:20]]


@pytest.fixture
def own_articles():
    """For a section, a tag and an author, the one article that is theirs among others."""
    section = make_section(name="Séries", slug="series")
    author = make_author(name="Inès Marchand", slug="ines-marchand")
    make_article(tags=["Venise"])
    return {
        "section": make_article(section=section),
        "tag": make_article(tags=["Festival de Cannes"]),
        "author": make_article(authors=[author]),
    }


SCOPES = {
    "section": ("/rubriques/series/", "Séries"),
    "tag": ("/tags/festival-de-cannes/", "Festival de Cannes"),
    "author": ("/auteurs/ines-marchand/", "Inès Marchand"),
}


@pytest.mark.parametrize("scope", sorted(SCOPES))
def test_scoped_feed_holds_only_its_articles(client, feed_format, own_articles, scope):
    page, name = SCOPES[scope]
    feed = read_feed(client, feed_path(page, feed_format), feed_format)
    assert links(feed) == [SITE_URL + own_articles[scope].get_absolute_url()]
    assert feed.feed.link == SITE_URL + page
    assert name in feed.feed.title
    assert feed.feed.title.endswith(" · Screenmania")
    assert feed.feed.language == "fr"


@pytest.mark.parametrize(
    "path",
    [
        "/rubriques/nulle-part/feed/",
        "/tags/inconnu/feed/atom/",
        "/auteurs/personne/feed/",
        "/en/rubriques/nulle-part/feed/atom/",
    ],
)
def test_unknown_subject_has_no_feed(client, path):
    assert client.get(path).status_code == 404


def test_tag_only_drafts_carry_has_no_feed(client, feed_format):
    make_article(status=Article.Status.DRAFT, tags=["Film secret"])
    assert client.get(feed_path("/tags/film-secret/", feed_format)).status_code == 404


HIDDEN = {
    "draft": {"status": Article.Status.DRAFT},
    "review": {"status": Article.Status.REVIEW},
    "scheduled": {"published_at": "in two hours"},
}


@pytest.mark.parametrize("state", sorted(HIDDEN))
def test_unpublished_articles_stay_out_until_published(client, feed_format, state):
    section = make_section(slug="cinema")
    author = make_author(slug="marie")
    visible = make_article(section=section, authors=[author], tags=["cannes"])
    fields = dict(HIDDEN[state])
    if "published_at" in fields:
        fields["published_at"] = timezone.now() + timedelta(hours=2)
    hidden = make_article(section=section, authors=[author], tags=["cannes"], **fields)
    pages = [pages_showing(visible, search=visible.title)[name] for name in LISTS]
    for page in pages:
        feed = read_feed(client, feed_path(page, feed_format))
        assert links(feed) == [SITE_URL + visible.get_absolute_url()], page

    # Published, or its time come: it appears everywhere, newest first.
    hidden.status = Article.Status.PUBLISHED
    hidden.published_at = timezone.now() - timedelta(minutes=1)
    hidden.save()
    for page in pages:
        feed = read_feed(client, feed_path(page, feed_format))
        assert links(feed)[0] == SITE_URL + hidden.get_absolute_url(), page


def test_feed_sets_no_cookie(client, feed_format):
    make_article()
    response = client.get(feed_path("/", feed_format))
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def build_site(articles, prefix):
    section = make_section(slug=f"{prefix}cinema")
    authors = [make_author(slug=f"{prefix}plume-{n}", avatar=make_image()) for n in range(3)]
    for _ in range(articles):
        make_article(
            section=section,
            authors=authors,
            tags=[f"{prefix}tag-{n}" for n in range(4)],
            featured_image=make_image(),
        )
    return [
        "/",
        f"/rubriques/{prefix}cinema/",
        f"/tags/{prefix}tag-0/",
        f"/auteurs/{prefix}plume-0/",
    ]


def count_queries(client, path):
    client.get(path)  # content types are cached once per process
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.usefixtures("page_cache_off")
def test_feeds_cost_a_fixed_number_of_queries(client, feed_format):
    small = [count_queries(client, feed_path(page, feed_format)) for page in build_site(2, "s-")]
    Article.objects.all().delete()
    large = [count_queries(client, feed_path(page, feed_format)) for page in build_site(15, "l-")]
    assert large == small
    # Articles, their authors and their tags, plus the section, tag or author itself.
    assert small == [3, 4, 4, 4]


AUTODISCOVERY = {
    "home": ("/", None),
    "article": (None, None),
    "section": ("/rubriques/cinema/", "Cinéma"),
    "tag": ("/tags/cannes/", "Cannes"),
    "author": ("/auteurs/marie/", "Marie"),
}


@pytest.mark.parametrize("page", sorted(AUTODISCOVERY))
def test_pages_announce_their_feeds(client, page):
    section = make_section(name="Cinéma", slug="cinema")
    author = make_author(name="Marie", slug="marie")
    article = make_article(section=section, authors=[author], tags=["Cannes"])
    path, subject = AUTODISCOVERY[page]
    head = soup(client.get(path or article.get_absolute_url())).head
    announced = head.select('link[rel="alternate"][type$="+xml"]')
    described = [(link["type"], link["title"]) for link in announced]
    # The whole site first, then the section, tag or author the page shows.
    assert described[:2] == [
        ("application/rss+xml", "Screenmania (RSS)"),
        ("application/atom+xml", "Screenmania (Atom)"),
    ]
    own = described[2:]
    assert [kind for kind, _title in own] == (
        ["application/rss+xml", "application/atom+xml"] if subject else []
    )
    for _kind, title in own:
        assert subject in title

    for link in announced:
        assert link["href"].startswith(SITE_URL)
        feed = read_feed(client, link["href"].removeprefix(SITE_URL))
        assert link["title"].startswith(feed.feed.title)
        assert links(feed) == [SITE_URL + article.get_absolute_url()]


def test_english_pages_announce_english_feeds(client):
    article_path = make_article().get_absolute_url()
    announced = soup(client.get("/en/")).select('link[rel="alternate"][type$="+xml"]')
    assert [link["href"] for link in announced] == [
        f"{SITE_URL}/en/feed/",
        f"{SITE_URL}/en/feed/atom/",
    ]
    feed = read_feed(client, "/en/feed/")
    # The interface is English there; the articles are still written in French.
    assert feed.feed.language == "fr"
    assert links(feed) == [f"{SITE_URL}/en{article_path}"]
