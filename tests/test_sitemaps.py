"""
Sitemaps, read with lxml and validated against the sitemaps.org schema.

No package ships the sitemaps.org index schema nor Google's image and news extensions,
only the urlset schema (sitemap.js's sitemap.xsd, installed by scripts/services.sh). So:
the index is validated by a schema that includes that one and declares <sitemapindex>
with its <loc> and <lastmod> types; the extension elements, which the urlset schema
leaves to their own schemas, are taken out before validation and checked here one by one.
"""

import copy
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from lxml import etree

from articles.models import Article
from reader.sitemaps import SITEMAPS, ArticleSitemap, NewsSitemap
from sitepages.models import SitePage
from tests.factories import make_article, make_author, make_image, make_section, make_work
from tests.pages import count_queries
from works.models import Work

pytestmark = pytest.mark.django_db

SITE_URL = "https://www.screenmania.example"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"s": SITEMAP_NS, "image": IMAGE_NS, "news": NEWS_NS}

SITEMAP_INDEX_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
            xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
            targetNamespace="http://www.sitemaps.org/schemas/sitemap/0.9"
            elementFormDefault="qualified">
  <xsd:include schemaLocation="{urlset_xsd}"/>
  <xsd:element name="sitemapindex">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element name="sitemap" maxOccurs="unbounded">
          <xsd:complexType>
            <xsd:sequence>
              <xsd:element name="loc" type="tLoc"/>
              <xsd:element name="lastmod" type="tLastmod" minOccurs="0"/>
            </xsd:sequence>
          </xsd:complexType>
        </xsd:element>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
</xsd:schema>
"""


@pytest.fixture(autouse=True)
def public_origin(settings):
    """An origin unlike the test client's Host, so that any leak of the latter shows."""
    settings.SITE_URL = SITE_URL


@pytest.fixture
def urlset_schema(sitemap_xsd):
    return etree.XMLSchema(etree.parse(str(sitemap_xsd)))


@pytest.fixture
def index_schema(sitemap_xsd, tmp_path):
    path = tmp_path / "siteindex.xsd"
    path.write_text(SITEMAP_INDEX_XSD.format(urlset_xsd=sitemap_xsd.resolve().as_uri()))
    return etree.XMLSchema(etree.parse(str(path)))


def fetch(client, url, **headers):
    response = client.get(url.removeprefix(SITE_URL), **headers)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    assert b"testserver" not in response.content
    return etree.fromstring(response.content)


def read_index(client, index_schema):
    document = fetch(client, "/sitemap.xml")
    index_schema.assertValid(document)
    return document


def read_urlset(client, url, urlset_schema):
    """The sitemap at ``url``, valid once Google's extensions are set aside."""
    document = fetch(client, url)
    core = copy.deepcopy(document)
    for element in core.xpath(
        "/s:urlset/s:url/*[namespace-uri() != $ns]", namespaces=NS, ns=SITEMAP_NS
    ):
        element.getparent().remove(element)
    urlset_schema.assertValid(core)
    return document


def locations(document):
    return document.xpath("/s:urlset/s:url/s:loc/text()", namespaces=NS)


def lastmod(url_element):
    return datetime.fromisoformat(url_element.findtext("s:lastmod", namespaces=NS))


def children(element):
    return [etree.QName(child).localname for child in element]


def sitemap_url(name, page=1):
    path = {"news": "/sitemap-news.xml"}.get(name, f"/sitemap-{name}.xml")
    return f"{SITE_URL}{path}" + (f"?p={page}" if page > 1 else "")


@pytest.fixture
def site():
    """Published articles in two sections, with authors, tags, featured images and a film."""
    now = timezone.now()
    cinema = make_section(slug="cinema")
    series = make_section(slug="series")
    marie, paul = make_author(slug="marie"), make_author(slug="paul")
    # Last edited before the article about it.
    film = make_work(slug="maree-basse")
    Work.objects.filter(pk=film.pk).update(updated_at=now - timedelta(days=5))
    return [
        make_article(
            section=cinema,
            authors=[marie],
            tags=["Cannes"],
            featured_image=make_image(),
            published_at=now - timedelta(days=3),
            revised_at=now - timedelta(days=1),
        ),
        make_article(
            section=series,
            authors=[marie, paul],
            tags=["Netflix", "Cannes"],
            featured_image=make_image(),
            published_at=now - timedelta(hours=2),
            works=[film],
        ),
        make_article(section=series, authors=[paul], published_at=now - timedelta(days=10)),
    ]


def test_index_lists_every_sitemap_with_its_date(client, index_schema, urlset_schema, site):
    document = read_index(client, index_schema)
    entries = document.findall("s:sitemap", namespaces=NS)
    listed = [entry.findtext("s:loc", namespaces=NS) for entry in entries]
    assert listed == [sitemap_url(name) for name in [*SITEMAPS, "news"]]
    newest = max(article.modified_at for article in site)
    dated = {name: lastmod(entry) for name, entry in zip([*SITEMAPS, "news"], entries, strict=True)}
    # The site's pages are dated by their own last edit, the others by their articles'.
    pages_edited = SitePage.objects.latest("updated_at").updated_at
    assert dated.pop("pages") == pages_edited
    assert dated.pop("articles") == newest
    assert all(date <= newest for date in dated.values())
    for url in listed:
        assert locations(read_urlset(client, url, urlset_schema))


def test_article_sitemap_gives_dates_and_images(client, urlset_schema, site, media_root):
    document = read_urlset(client, sitemap_url("articles"), urlset_schema)
    urls = document.findall("s:url", namespaces=NS)
    oldest_first = sorted(site, key=lambda article: article.published_at)
    assert [url.findtext("s:loc", namespaces=NS) for url in urls] == [
        SITE_URL + article.get_absolute_url() for article in oldest_first
    ]
    for url, article in zip(urls, oldest_first, strict=True):
        assert lastmod(url) == article.modified_at
        images = url.findall("image:image", namespaces=NS)
        if article.featured_image is None:
            assert images == []
            continue
        (image,) = images
        assert children(image) == ["loc"]
        image_url = image.findtext("image:loc", namespaces=NS)
        assert image_url == SITE_URL + article.featured_image.social_card.src
        assert (media_root / image_url.removeprefix(f"{SITE_URL}/media/")).is_file()


def test_sections_tags_authors_and_works_are_dated_by_their_latest_article(
    client, urlset_schema, site
):
    first, second, _third = site
    expected = {
        "sections": {
            "/rubriques/cinema/": first.modified_at,
            "/rubriques/series/": second.modified_at,
        },
        "tags": {"/tags/cannes/": second.modified_at, "/tags/netflix/": second.modified_at},
        "authors": {"/auteurs/marie/": second.modified_at, "/auteurs/paul/": second.modified_at},
        "works": {"/oeuvres/maree-basse/": second.modified_at},
    }
    for name, dated in expected.items():
        document = read_urlset(client, sitemap_url(name), urlset_schema)
        found = {
            url.findtext("s:loc", namespaces=NS).removeprefix(SITE_URL): lastmod(url)
            for url in document.findall("s:url", namespaces=NS)
        }
        assert found == dated, name


def test_the_indexes_are_listed_dated_by_what_they_list(client, urlset_schema, site):
    _first, second, _third = site
    film = Work.objects.get()
    film.save()
    document = read_urlset(client, sitemap_url("indexes"), urlset_schema)
    found = {
        url.findtext("s:loc", namespaces=NS).removeprefix(SITE_URL): lastmod(url)
        for url in document.findall("s:url", namespaces=NS)
    }
    film.refresh_from_db()
    assert found == {
        "/auteurs/": second.modified_at,
        # A film's edit shows on the index of films and series, not on the others.
        "/oeuvres/": film.updated_at,
        "/tags/": second.modified_at,
    }
    for path in found:
        assert client.get(path).status_code == 200


def test_indexes_with_nothing_to_list_are_left_out(client, index_schema):
    listed = [
        entry.findtext("s:loc", namespaces=NS)
        for entry in read_index(client, index_schema).findall("s:sitemap", namespaces=NS)
    ]
    assert sitemap_url("indexes") not in listed


def test_every_work_is_listed_dated_by_its_last_edit_or_article(client, urlset_schema):
    now = timezone.now()
    upcoming = make_work(slug="bientot")
    make_article(works=[upcoming], status=Article.Status.DRAFT, published_at=None)
    reviewed = make_work(slug="critique")
    Work.objects.filter(pk=reviewed.pk).update(updated_at=now - timedelta(days=3))
    review = make_article(reviewed_work=reviewed, published_at=now - timedelta(hours=1))
    review.works.clear()

    document = read_urlset(client, sitemap_url("works"), urlset_schema)
    found = {
        url.findtext("s:loc", namespaces=NS).removeprefix(SITE_URL): lastmod(url)
        for url in document.findall("s:url", namespaces=NS)
    }
    # A draft dates nothing: the upcoming film keeps the date of its own last edit.
    assert found == {
        "/oeuvres/bientot/": upcoming.updated_at,
        "/oeuvres/critique/": review.modified_at,
    }


HIDDEN = {
    "draft": {"status": Article.Status.DRAFT},
    "review": {"status": Article.Status.REVIEW},
    "scheduled": {"published_at": "in two hours"},
}


@pytest.mark.parametrize("state", sorted(HIDDEN))
def test_unpublished_articles_and_what_only_they_carry_stay_out(client, urlset_schema, site, state):
    fields = dict(HIDDEN[state])
    if "published_at" in fields:
        fields["published_at"] = timezone.now() + timedelta(hours=2)
    hidden = make_article(
        section=make_section(slug="secret"),
        authors=[make_author(slug="inconnue")],
        tags=["Film secret"],
        **fields,
    )
    listed = set()
    for name in [*SITEMAPS, "news"]:
        listed |= set(locations(read_urlset(client, sitemap_url(name), urlset_schema)))
    for path in [
        hidden.get_absolute_url(),
        "/rubriques/secret/",
        "/tags/film-secret/",
        "/auteurs/inconnue/",
    ]:
        assert SITE_URL + path not in listed

    # Once its time has come, the article and its pages are listed.
    hidden.status = Article.Status.PUBLISHED
    hidden.published_at = timezone.now() - timedelta(minutes=1)
    hidden.save()
    assert SITE_URL + hidden.get_absolute_url() in locations(
        read_urlset(client, sitemap_url("articles"), urlset_schema)
    )
    assert f"{SITE_URL}/tags/film-secret/" in locations(
        read_urlset(client, sitemap_url("tags"), urlset_schema)
    )


def test_only_canonical_french_urls_whatever_the_request(client, urlset_schema, index_schema, site):
    document = fetch(client, "/sitemap.xml", HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST="localhost")
    listed = document.xpath("//s:loc/text()", namespaces=NS)
    for name in [*SITEMAPS, "news"]:
        document = fetch(
            client, sitemap_url(name), HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST="localhost"
        )
        listed += locations(document)
    assert listed
    for url in listed:
        assert url.startswith(f"{SITE_URL}/")
        assert not url.startswith(f"{SITE_URL}/en/")


def test_long_sitemaps_are_split_into_pages(client, monkeypatch, index_schema, urlset_schema):
    # Well under the protocol's 50,000 URLs per sitemap.
    assert all(sitemap.limit <= 50_000 for sitemap in SITEMAPS.values())
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    now = timezone.now()
    articles = [make_article(published_at=now - timedelta(days=n + 3)) for n in range(5)]

    index = read_index(client, index_schema)
    listed = index.xpath("//s:loc/text()", namespaces=NS)
    pages = [sitemap_url("articles", page) for page in (1, 2, 3)]
    assert [url for url in listed if "articles" in url] == pages
    found = []
    for url in pages:
        page = locations(read_urlset(client, url, urlset_schema))
        assert 1 <= len(page) <= 2
        found += page
    assert sorted(found) == sorted(SITE_URL + article.get_absolute_url() for article in articles)
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404


def test_news_sitemap_holds_the_last_48_hours(client, urlset_schema):
    now = timezone.now()
    fresh = make_article(title="Cannes : la Palme d'or", published_at=now - timedelta(hours=1))
    yesterday = make_article(published_at=now - timedelta(hours=47))
    make_article(published_at=now - timedelta(hours=49))
    make_article(published_at=now + timedelta(hours=1))  # scheduled

    document = read_urlset(client, "/sitemap-news.xml", urlset_schema)
    assert locations(document) == [
        SITE_URL + article.get_absolute_url() for article in (fresh, yesterday)
    ]
    first = document.find("s:url", namespaces=NS)
    assert children(first) == ["loc", "news"]
    (news,) = first.findall("news:news", namespaces=NS)
    # The order Google's news schema requires.
    assert children(news) == ["publication", "publication_date", "title"]
    publication = news.find("news:publication", namespaces=NS)
    assert children(publication) == ["name", "language"]
    assert publication.findtext("news:name", namespaces=NS) == "Screenmania"
    assert publication.findtext("news:language", namespaces=NS) == "fr"
    published = news.findtext("news:publication_date", namespaces=NS)
    assert datetime.fromisoformat(published) == fresh.published_at
    assert news.findtext("news:title", namespaces=NS) == fresh.title


def test_news_sitemap_without_news_is_left_out_of_the_index(client, index_schema):
    make_article(published_at=timezone.now() - timedelta(days=5))
    listed = read_index(client, index_schema).xpath("//s:loc/text()", namespaces=NS)
    assert sitemap_url("news") not in listed
    assert NewsSitemap.limit == 1000  # Google News reads no more per sitemap.


def test_unknown_sitemap_is_not_found(client):
    assert client.get("/sitemap-drafts.xml").status_code == 404
    assert client.get("/sitemap-articles.xml?p=x").status_code == 404


def test_sitemaps_set_no_cookie_and_stay_out_of_results(client, site):
    for path in ["/sitemap.xml", "/sitemap-articles.xml", "/sitemap-news.xml"]:
        response = client.get(path)
        assert not response.cookies
        assert "noindex" in response["X-Robots-Tag"]


def build_site(articles, prefix):
    section = make_section(slug=f"{prefix}cinema")
    authors = [make_author(slug=f"{prefix}plume-{n}") for n in range(3)]
    for number in range(articles):
        make_article(
            section=section,
            authors=authors,
            tags=[f"{prefix}tag-{n}" for n in range(4)],
            featured_image=make_image(),
            works=[make_work(slug=f"{prefix}film-{number}")],
        )


SITEMAP_PATHS = ["/sitemap.xml", *(f"/sitemap-{name}.xml" for name in [*SITEMAPS, "news"])]


@pytest.mark.usefixtures("page_cache_off")
def test_sitemaps_cost_a_fixed_number_of_queries(client):
    build_site(2, "s-")
    small = [count_queries(client, path) for path in SITEMAP_PATHS]
    Article.objects.all().delete()
    Work.objects.all().delete()
    build_site(15, "l-")
    large = [count_queries(client, path) for path in SITEMAP_PATHS]
    assert large == small
    # The index counts and dates each of its eight sitemaps; a sitemap counts and lists;
    # the indexes are two aggregates, made once.
    # The index and the news sitemap also ask when their oldest news leaves the window.
    assert small == [17, 2, 2, 2, 2, 2, 2, 2, 3]
