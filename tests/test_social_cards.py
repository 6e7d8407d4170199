"""
The card a shared link gets: OpenGraph extracted with extruct as a network's scraper
would, Twitter's tags read with an HTML parser, and every image they name opened to
check it exists at the size the page declares.
"""

from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import extruct
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage

from reader.structured_data import DEFAULT_CARD, PUBLISHER_LOGO
from tests.factories import image_bytes, make_article, make_author, make_image, make_section
from tests.pages import pages_showing, soup

pytestmark = pytest.mark.django_db

SITE = "https://screenmania.example"
PARIS = ZoneInfo("Europe/Paris")
# What every card carries, once each.
REQUIRED = [
    "og:site_name",
    "og:locale",
    "og:type",
    "og:title",
    "og:description",
    "og:url",
    "og:image",
    "og:image:width",
    "og:image:height",
    "og:image:alt",
]
TWITTER = ["twitter:card", "twitter:title", "twitter:description", "twitter:image"]


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def open_graph(response):
    """{property: [values in page order]}, from extruct's OpenGraph extraction."""
    assert response.status_code == 200
    extracted = extruct.extract(
        response.content.decode(), base_url=SITE, syntaxes=["opengraph"], uniform=False
    )
    [card] = extracted["opengraph"]
    properties = {}
    for name, value in card["properties"]:
        properties.setdefault(name, []).append(value)
    return properties


def twitter(response):
    page = soup(response)
    return {meta["name"]: meta["content"] for meta in page.select('meta[name^="twitter:"]')}


def one(properties, name):
    [value] = properties[name]
    return value


def served_file(url):
    """The file behind one of our absolute media or static URLs."""
    assert url.startswith(SITE + "/"), url
    path = urlsplit(url).path
    if path.startswith(settings.MEDIA_URL):
        return settings.MEDIA_ROOT / path.removeprefix(settings.MEDIA_URL)
    found = finders.find(path.removeprefix(settings.STATIC_URL))
    assert found, url
    return found


def assert_image_as_declared(properties):
    with PillowImage.open(served_file(one(properties, "og:image"))) as image:
        declared = (int(one(properties, "og:image:width")), int(one(properties, "og:image:height")))
        assert image.size == declared


@pytest.fixture
def article():
    photo = SimpleUploadedFile("plateau.jpg", image_bytes(1600, 900, "JPEG"), "image/jpeg")
    return make_article(
        title="Une plateforme recrute une IA en pleine grève",
        standfirst="Une offre d’emploi qui tombe mal.",
        section=make_section(name="Streaming", slug="streaming"),
        published_at=datetime(2023, 7, 28, 9, 30, tzinfo=PARIS),
        revised_at=datetime(2023, 7, 29, 6, 0, tzinfo=UTC),
        featured_image=make_image(file=photo, alt_text="Un plateau de tournage vide"),
        authors=[
            make_author(name="Marie Durand", slug="marie-durand"),
            make_author(name="Paul Martin", slug="paul-martin"),
        ],
        tags=["grève", "intelligence artificielle"],
    )


@pytest.fixture
def pages(article):
    return pages_showing(article, search="grève")


@pytest.mark.parametrize("page", ["home", "article", "section", "tag", "author", "search"])
def test_every_page_has_a_complete_card(client, pages, page):
    response = client.get(pages[page])
    properties = open_graph(response)
    for name in REQUIRED:
        assert one(properties, name), name
    assert one(properties, "og:site_name") == "Screenmania"
    assert one(properties, "og:locale") == "fr_FR"
    html = soup(response)
    assert one(properties, "og:url") == html.select_one('link[rel="canonical"]')["href"]
    assert one(properties, "og:url").startswith(SITE + "/")
    assert (
        one(properties, "og:description") == html.select_one('meta[name="description"]')["content"]
    )
    assert_image_as_declared(properties)
    cards = twitter(response)
    assert cards["twitter:card"] == "summary_large_image"
    assert cards["twitter:title"] == one(properties, "og:title")
    assert cards["twitter:description"] == one(properties, "og:description")
    assert cards["twitter:image"] == one(properties, "og:image")
    assert cards["twitter:image:alt"] == one(properties, "og:image:alt")


@pytest.mark.parametrize(
    ("page", "og_type"),
    [
        ("home", "website"),
        ("section", "website"),
        ("tag", "website"),
        ("search", "website"),
        ("author", "profile"),
        ("article", "article"),
    ],
)
def test_card_type_says_what_the_page_is(client, pages, page, og_type):
    assert one(open_graph(client.get(pages[page])), "og:type") == og_type


def test_article_card_describes_the_article(client, article):
    properties = open_graph(client.get(article.get_absolute_url()))

    assert one(properties, "og:title") == "Une plateforme recrute une IA en pleine grève"
    assert one(properties, "og:description") == "Une offre d’emploi qui tombe mal."
    assert one(properties, "og:url") == SITE + article.get_absolute_url()
    assert one(properties, "article:published_time") == "2023-07-28T09:30:00+02:00"
    assert one(properties, "article:modified_time") == "2023-07-29T08:00:00+02:00"
    assert one(properties, "article:section") == "Streaming"
    assert sorted(properties["article:tag"]) == ["grève", "intelligence artificielle"]
    assert properties["article:author"] == [
        SITE + "/auteurs/marie-durand/",
        SITE + "/auteurs/paul-martin/",
    ]


def test_article_card_shows_the_social_crop_of_the_featured_image(client, article):
    response = client.get(article.get_absolute_url())
    properties = open_graph(response)

    assert one(properties, "og:image").startswith(SITE + "/media/renditions/")
    assert (one(properties, "og:image:width"), one(properties, "og:image:height")) == (
        "1200",
        "630",
    )
    assert_image_as_declared(properties)
    assert one(properties, "og:image:alt") == "Un plateau de tournage vide"
    assert twitter(response)["twitter:image:alt"] == "Un plateau de tournage vide"


def test_pages_without_an_image_show_the_site_card(client, pages):
    path, width, height = DEFAULT_CARD
    for page in ["home", "section", "tag", "author", "search"]:
        properties = open_graph(client.get(pages[page]))
        assert one(properties, "og:image") == f"{SITE}/static/{path}", page
        assert (one(properties, "og:image:width"), one(properties, "og:image:height")) == (
            str(width),
            str(height),
        )
        assert one(properties, "og:image:alt") == "Screenmania"


def test_brand_images_have_the_sizes_the_pages_declare():
    for path, width, height in [DEFAULT_CARD, PUBLISHER_LOGO]:
        with PillowImage.open(finders.find(path)) as image:
            assert image.size == (width, height), path


def test_search_overrides_change_the_description_not_the_title(client):
    article = make_article(
        title="Le titre de l’article",
        seo_title="Titre pour Google",
        seo_description="Description pour les réseaux.",
    )
    response = client.get(article.get_absolute_url())
    properties = open_graph(response)

    assert one(properties, "og:title") == "Le titre de l’article"
    assert one(properties, "og:description") == "Description pour les réseaux."
    assert twitter(response)["twitter:description"] == "Description pour les réseaux."


def test_decorative_image_gets_no_alt_in_the_card(client):
    decorative = make_image(alt_text="", is_decorative=True)
    article = make_article(featured_image=decorative)
    response = client.get(article.get_absolute_url())

    assert "og:image:alt" not in open_graph(response)
    assert "twitter:image:alt" not in twitter(response)


def test_later_page_of_a_list_shares_its_own_url(client):
    section = make_section(slug="cinema")
    for _ in range(13):
        make_article(section=section)

    properties = open_graph(client.get(section.get_absolute_url() + "?page=2"))

    assert one(properties, "og:url") == SITE + "/rubriques/cinema/?page=2"


def test_english_list_pages_speak_english_and_articles_stay_french(client, pages):
    """og:locale is the language of the card's text: the interface's, but an article's own."""
    home = open_graph(client.get("/en/"))
    assert one(home, "og:locale") == "en_GB"
    assert one(home, "og:url") == SITE + "/en/"
    article = open_graph(client.get("/en" + pages["article"]))
    assert one(article, "og:locale") == "fr_FR"
    assert one(article, "og:url") == SITE + "/en" + pages["article"]
