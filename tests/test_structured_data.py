"""
What search engines read in each page's JSON-LD, extracted with extruct as a crawler
would: a NewsArticle with its breadcrumb trail and publisher, a WebSite that says how to
search it, a CollectionPage per section and tag, a ProfilePage per author.
"""

from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import extruct
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PillowImage

from tests.factories import image_bytes, make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db

SITE = "https://screenmania.example"
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def json_ld(response):
    assert response.status_code == 200
    extracted = extruct.extract(
        response.content.decode(), base_url=SITE, syntaxes=["json-ld"], uniform=False
    )
    return extracted["json-ld"]


def only_item(response, schema_type):
    [item] = json_ld(response)
    assert item["@context"] == "https://schema.org"
    assert item["@type"] == schema_type
    return item


def path_of(url):
    """The path of one of our absolute URLs, to request it from the test client."""
    assert url.startswith(SITE + "/"), url
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def file_size(url):
    """(width, height) of the file an absolute media or static URL points at."""
    path = path_of(url)
    if path.startswith(settings.MEDIA_URL):
        found = settings.MEDIA_ROOT / path.removeprefix(settings.MEDIA_URL)
    else:
        found = finders.find(path.removeprefix(settings.STATIC_URL))
    assert found, url
    with PillowImage.open(found) as image:
        return image.size


def crumbs(breadcrumb_list):
    assert breadcrumb_list["@type"] == "BreadcrumbList"
    items = breadcrumb_list["itemListElement"]
    assert [item["@type"] for item in items] == ["ListItem"] * len(items)
    assert [item["position"] for item in items] == list(range(1, len(items) + 1))
    return [(item["name"], item["item"]) for item in items]


@pytest.fixture
def article():
    big = image_bytes(1600, 900, "JPEG")
    return make_article(
        title="Une plateforme recrute une IA en pleine grève",
        standfirst="Une offre d’emploi qui tombe mal.",
        section=make_section(name="Streaming", slug="streaming"),
        published_at=datetime(2023, 7, 28, 9, 30, tzinfo=PARIS),
        # Stored in UTC: the page gives it back in Paris time, with its offset.
        revised_at=datetime(2023, 7, 29, 6, 0, tzinfo=UTC),
        featured_image=make_image(
            file=SimpleUploadedFile("plateau.jpg", big, content_type="image/jpeg")
        ),
        authors=[
            make_author(name="Marie Durand", slug="marie-durand"),
            make_author(name="Paul Martin", slug="paul-martin"),
        ],
        tags=["grève", "intelligence artificielle"],
    )


def test_article_is_a_news_article(client, article):
    data = only_item(client.get(article.get_absolute_url()), "NewsArticle")

    url = SITE + article.get_absolute_url()
    assert data["headline"] == "Une plateforme recrute une IA en pleine grève"
    assert data["description"] == "Une offre d’emploi qui tombe mal."
    assert data["url"] == url
    assert data["mainEntityOfPage"]["@type"] == "WebPage"
    assert data["mainEntityOfPage"]["@id"] == url
    assert data["datePublished"] == "2023-07-28T09:30:00+02:00"
    assert data["dateModified"] == "2023-07-29T08:00:00+02:00"
    assert data["articleSection"] == "Streaming"
    assert sorted(data["keywords"]) == ["grève", "intelligence artificielle"]
    assert data["inLanguage"] == "fr"


def test_article_authors_are_people_with_their_pages_in_byline_order(client, article):
    data = only_item(client.get(article.get_absolute_url()), "NewsArticle")

    assert data["author"] == [
        {"@type": "Person", "name": "Marie Durand", "url": SITE + "/auteurs/marie-durand/"},
        {"@type": "Person", "name": "Paul Martin", "url": SITE + "/auteurs/paul-martin/"},
    ]
    for person in data["author"]:
        assert client.get(path_of(person["url"])).status_code == 200


def test_article_publisher_is_the_magazine_with_its_logo(client, article):
    publisher = only_item(client.get(article.get_absolute_url()), "NewsArticle")["publisher"]

    assert publisher["@type"] == "Organization"
    assert publisher["name"] == "Screenmania"
    assert publisher["url"] == SITE + "/"
    logo = publisher["logo"]
    assert logo["@type"] == "ImageObject"
    assert logo["url"] == SITE + "/static/img/publisher-logo.png"
    # The box Google's publisher-logo guidelines allow, and the file's true size.
    assert (logo["width"], logo["height"]) == (600, 60)
    assert file_size(logo["url"]) == (600, 60)


def test_article_image_is_the_social_card_as_served(client, article):
    [image] = only_item(client.get(article.get_absolute_url()), "NewsArticle")["image"]

    assert image["@type"] == "ImageObject"
    assert image["url"].startswith(SITE + "/media/renditions/")
    assert (image["width"], image["height"]) == (1200, 630)
    assert file_size(image["url"]) == (1200, 630)


def test_article_without_image_gets_the_site_card(client):
    article = make_article(featured_image=None)

    [image] = only_item(client.get(article.get_absolute_url()), "NewsArticle")["image"]

    assert image["url"] == SITE + "/static/img/social-card.png"
    assert (image["width"], image["height"]) == (1200, 630)
    assert file_size(image["url"]) == (1200, 630)


def test_article_search_description_overrides_the_standfirst(client):
    article = make_article(seo_description="Pour les moteurs de recherche.")

    data = only_item(client.get(article.get_absolute_url()), "NewsArticle")

    assert data["description"] == "Pour les moteurs de recherche."


def test_article_breadcrumb_goes_home_section_article(client, article):
    page = only_item(client.get(article.get_absolute_url()), "NewsArticle")["mainEntityOfPage"]

    assert crumbs(page["breadcrumb"]) == [
        ("Accueil", SITE + "/"),
        ("Streaming", SITE + "/rubriques/streaming/"),
        ("Une plateforme recrute une IA en pleine grève", SITE + article.get_absolute_url()),
    ]
    for _name, url in crumbs(page["breadcrumb"]):
        assert client.get(path_of(url)).status_code == 200


def test_english_breadcrumb_stays_in_english(client, article):
    page = only_item(client.get("/en" + article.get_absolute_url()), "NewsArticle")

    names_and_urls = crumbs(page["mainEntityOfPage"]["breadcrumb"])
    assert names_and_urls[0] == ("Home", SITE + "/en/")
    assert names_and_urls[1] == ("Streaming", SITE + "/en/rubriques/streaming/")
    # The article's text is French whatever the interface says.
    assert page["inLanguage"] == "fr"


def test_home_is_a_website_that_says_how_to_search_it(client):
    found = make_article(title="Le festival de Cannes")

    data = only_item(client.get("/"), "WebSite")

    assert data["name"] == "Screenmania"
    assert data["url"] == SITE + "/"
    assert data["inLanguage"] == "fr"
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["logo"]["url"] == SITE + "/static/img/publisher-logo.png"
    action = data["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"] == SITE + "/recherche/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    results = client.get(path_of(action["target"].replace("{search_term_string}", "Cannes")))
    assert found.get_absolute_url().encode() in results.content


def test_section_page_is_a_collection_under_home(client):
    section = make_section(name="Séries", slug="series")
    make_article(section=section)

    data = only_item(client.get(section.get_absolute_url()), "CollectionPage")

    assert data["name"] == "Séries"
    assert data["url"] == SITE + "/rubriques/series/"
    assert crumbs(data["breadcrumb"]) == [
        ("Accueil", SITE + "/"),
        ("Séries", SITE + "/rubriques/series/"),
    ]


def test_tag_page_is_a_collection_under_home(client):
    make_article(tags=["Festival de Cannes"])
    url = reverse("articles:tag", kwargs={"slug": "festival-de-cannes"})

    data = only_item(client.get(url), "CollectionPage")

    assert data["name"] == "Festival de Cannes"
    assert data["url"] == SITE + url
    assert crumbs(data["breadcrumb"]) == [
        ("Accueil", SITE + "/"),
        ("Festival de Cannes", SITE + url),
    ]


def test_author_page_is_a_profile_of_a_person(client):
    author = make_author(
        name="Marie Durand",
        slug="marie-durand",
        bio="Critique, *fan* de westerns & de séries.",
        avatar=make_image(),
        website="https://marie.example/",
        bluesky="https://bsky.app/profile/marie.example",
        mastodon="https://piaille.fr/@marie",
    )

    data = only_item(client.get(author.get_absolute_url()), "ProfilePage")

    assert data["url"] == SITE + "/auteurs/marie-durand/"
    person = data["mainEntity"]
    assert person["@type"] == "Person"
    assert person["name"] == "Marie Durand"
    assert person["url"] == SITE + "/auteurs/marie-durand/"
    assert person["description"] == "Critique, fan de westerns & de séries."
    assert person["sameAs"] == [
        "https://marie.example/",
        "https://bsky.app/profile/marie.example",
        "https://piaille.fr/@marie",
    ]
    assert person["image"].startswith(SITE + "/media/renditions/")
    assert file_size(person["image"])


def test_author_without_avatar_or_links_claims_neither(client):
    author = make_author(avatar=None)

    person = only_item(client.get(author.get_absolute_url()), "ProfilePage")["mainEntity"]

    assert "image" not in person
    assert "sameAs" not in person


def test_urls_come_from_site_url_never_from_the_host_header(client, article, settings):
    settings.ALLOWED_HOSTS = ["*"]
    author = article.authors.all()[0]
    for url in [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        author.get_absolute_url(),
    ]:
        response = client.get(url, headers={"host": "elsewhere.example"})
        assert json_ld(response), url
        assert b"elsewhere.example" not in response.content, url


def test_a_tag_name_cannot_close_the_json_ld_block(client):
    make_article(tags=["</script><b>x</b>"])
    url = reverse("articles:tag", kwargs={"slug": "scriptbxb"})

    response = client.get(url)

    assert b"</script><b>" not in response.content
    assert only_item(response, "CollectionPage")["name"] == "</script><b>x</b>"
