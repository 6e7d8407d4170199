"""
Every page says which language it speaks; the switch between French and English is a
plain link to the same page under the other prefix; search engines are sent to the French
pages alone, since no article exists in English; and switching costs the reader no cookie
and no form.
"""

import pytest
from bs4 import BeautifulSoup

from tests.conftest import made_once
from tests.factories import make_article, make_author, make_section
from tests.pages import pages_showing, soup, text

pytestmark = pytest.mark.django_db

SITE = "https://screenmania.example"
PAGES = ["home", "home page 2", "article", "section", "tag", "author", "search page 2"]


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture(scope="module")
def urls(django_db_setup, django_db_blocker):
    """
    French addresses of every kind of reader page; lists long enough for a page 2. Made
    once for the module's forty tests, which only read them.
    """
    with made_once(django_db_blocker, made_urls) as urls:
        yield urls


def made_urls():
    author = make_author(slug="marie-durand")
    section = make_section(name="Cinéma", slug="cinema")
    articles = [
        make_article(title=f"Festival {n}", section=section, authors=[author], tags=["cannes"])
        for n in range(14)
    ]
    pages = pages_showing(articles[0], search="Festival")
    return {**pages, "home page 2": "/?page=2", "search page 2": pages["search"] + "&page=2"}


def card_links(page):
    return [link["href"] for link in page.select(".card__title a")]


def switch_links(page):
    nav = page.select_one("nav .language-switch")
    return {link["hreflang"]: link for link in nav.select("a")}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_declares_its_language(client, urls, page):
    assert soup(client.get(urls[page])).html["lang"] == "fr"
    assert soup(client.get("/en" + urls[page])).html["lang"] == "en"


@pytest.mark.parametrize("page", PAGES)
def test_switch_leads_to_the_same_page_in_the_other_language(client, urls, page):
    french_url = urls[page]
    french = soup(client.get(french_url))

    english_url = switch_links(french)["en"]["href"]
    assert english_url == "/en" + french_url
    english = soup(client.get(english_url))
    assert english.html["lang"] == "en"
    assert card_links(english) == ["/en" + href for href in card_links(french)]
    assert switch_links(english)["fr"]["href"] == french_url


def test_switched_article_is_the_same_article(client, urls):
    french = soup(client.get(urls["article"]))
    english = soup(client.get(switch_links(french)["en"]["href"]))
    assert text(english.h1) == text(french.h1) == "Festival 0"


def test_switch_is_plain_links_marked_with_their_language(client, urls):
    page = soup(client.get(urls["article"]))
    nav = page.select_one("nav .language-switch").find_parent("nav")

    assert nav.select("form, button, input, select") == []
    links = switch_links(page)
    assert set(links) == {"fr", "en"}
    for code, link in links.items():
        assert link["lang"] == code
    assert text(links["fr"]) == "Français"
    assert text(links["en"]) == "English"
    assert links["fr"]["aria-current"] == "true"
    assert links["en"].get("aria-current") is None


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_no_page_sets_a_cookie_or_carries_a_csrf_token(client, urls, page, prefix):
    response = client.get(prefix + urls[page])

    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    content = response.content.decode()
    assert "csrfmiddlewaretoken" not in content
    assert "csrftoken" not in content


@pytest.mark.parametrize("page", PAGES)
def test_no_page_claims_a_version_in_another_language(client, urls, page):
    # No article exists in English: an English page is the French text in another
    # interface, and a hreflang="en" would tell search engines otherwise.
    for url in [urls[page], "/en" + urls[page]]:
        page_html = soup(client.get(url))
        assert page_html.select("link[rel=alternate][hreflang]") == [], url
        assert page_html.select_one('link[rel="canonical"]')["href"] == SITE + url


@pytest.mark.parametrize("page", [page for page in PAGES if not page.startswith("search")])
def test_only_the_french_pages_are_for_search_engines(client, urls, page):
    french = soup(client.get(urls[page]))
    english = soup(client.get("/en" + urls[page]))

    assert french.select('meta[name="robots"]') == []
    assert [meta["content"] for meta in english.select('meta[name="robots"]')] == ["noindex"]


def test_english_pages_mark_the_french_text_as_french(client, urls):
    page = soup(client.get("/en" + urls["article"]))

    assert page.html["lang"] == "en"
    assert page.h1["lang"] == "fr"
    assert page.select_one(".article-body")["lang"] == "fr"
    assert "About" in [text(link) for link in page.select(".site-footer__links a")]


def test_a_missing_page_names_no_alternate_and_asks_not_to_be_indexed(client):
    response = client.get("/cette-page-n-existe-pas/")

    assert response.status_code == 404
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select('link[rel="alternate"][hreflang]') == []
    assert [meta["content"] for meta in page.select('meta[name="robots"]')] == ["noindex"]
