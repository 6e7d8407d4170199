"""Share links carry the canonical URL and the title, encoded so every network reads them back."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import make_article
from tests.pages import soup

pytestmark = pytest.mark.django_db

AWKWARD_TITLES = [
    "Cinéma & séries : l’été « chaud » d’Hollywood",
    'Le #1 du box-office ? "Dune" & co',
    "Quotes ' \" < > % + = ? & #fragment",
]

# Which query parameter of each network's link carries the URL, and the title.
NETWORKS = {
    "facebook": ("https://www.facebook.com/sharer/sharer.php", "u", None),
    "x": ("https://x.com/intent/post", "url", "text"),
    "linkedin": ("https://www.linkedin.com/sharing/share-offsite/", "url", None),
    "whatsapp": ("https://wa.me/", "text", "text"),
    "bluesky": ("https://bsky.app/intent/compose", "text", "text"),
}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://screenmania.example"


def share_hrefs(client, article):
    page = soup(client.get(article.get_absolute_url()))
    return {
        a["class"][1].removeprefix("share__link--"): a["href"]
        for a in page.select(".share a.share__link")
    }


@pytest.mark.parametrize("title", AWKWARD_TITLES)
def test_links_round_trip_url_and_title(client, title):
    article = make_article(title=title, slug="un-titre")
    hrefs = share_hrefs(client, article)
    assert set(hrefs) == {*NETWORKS, "email"}
    canonical = "https://screenmania.example/articles/un-titre/"
    stored_title = article.title  # as the page shows it, after French typography
    for network, (base, url_param, title_param) in NETWORKS.items():
        parts = urlsplit(hrefs[network])
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == base
        assert "#" not in hrefs[network], "an unencoded # would cut the link short"
        params = parse_qs(parts.query, strict_parsing=True)
        assert canonical in params[url_param][0]
        if title_param:
            assert stored_title in params[title_param][0]


@pytest.mark.parametrize("title", AWKWARD_TITLES)
def test_email_link_has_subject_and_body(client, title):
    article = make_article(title=title, slug="un-titre")
    mailto = share_hrefs(client, article)["email"]
    assert mailto.startswith("mailto:?")
    params = parse_qs(mailto.removeprefix("mailto:?"), strict_parsing=True)
    assert params["subject"] == [article.title]
    assert params["body"] == ["https://screenmania.example/articles/un-titre/"]
    assert "+" not in mailto, "mail clients show + literally in a mailto: body"


def test_links_work_without_javascript_and_copy_button_needs_it(client):
    article = make_article()
    page = soup(client.get(article.get_absolute_url()))
    for link in page.select(".share a.share__link"):
        assert link["href"].startswith(("https://", "mailto:"))
        assert not link.get("onclick")
    button = page.select_one(".share button[data-copy-url]")
    assert button["data-copy-url"] == "https://screenmania.example" + article.get_absolute_url()
    assert button.has_attr("hidden"), "without JavaScript the button would do nothing"


def test_no_third_party_script_on_the_page(client):
    article = make_article()
    page = soup(client.get(article.get_absolute_url()))
    # JSON-LD blocks are data, not script.
    scripts = page.select("script:not([type='application/ld+json'])")
    sources = [script.get("src", "") for script in scripts]
    assert sources and all(src.startswith("/static/") for src in sources)
    assert not page.select("iframe, img[src^='http']")
