"""
The header on a phone and a laptop: on a phone, search opens from an icon (the search
page without JavaScript) and the sections wrap rather than run off the screen; every
link of the header is a target of 24 px at least.
"""

import pytest
from playwright.sync_api import expect

from tests.factories import make_article, make_section

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture
def site(live_server, transactional_db):
    for position, name in enumerate(["Cinéma", "Séries", "Streaming", "Festivals"]):
        make_section(name=name, slug=name.lower().replace("é", "e"), position=position)
    make_article()
    return live_server.url


def header_links(page):
    return page.locator(".site-header a").evaluate_all(
        """links => links.filter(link => link.offsetParent).map(link => {
            const box = link.getBoundingClientRect();
            return {text: link.textContent.trim(), right: box.right, height: box.height,
                    width: box.width};
        })"""
    )


def test_on_a_phone_search_opens_from_an_icon_and_the_sections_all_show(site, chromium):
    page = chromium.new_page(viewport=PHONE)
    page.goto(site + "/")

    expect(page.locator(".site-search")).to_be_hidden()
    links = header_links(page)
    assert {link["text"] for link in links} >= {"Sorties de la semaine", "Festivals"}
    assert all(link["right"] <= PHONE["width"] for link in links), links
    assert all(link["height"] >= 24 and link["width"] >= 24 for link in links), links
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    icon = page.get_by_role("link", name="Rechercher dans le magazine")
    expect(icon).to_have_attribute("aria-expanded", "false")
    icon.click()

    expect(icon).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#site-search-q")).to_be_focused()
    page.keyboard.type("cinéma")
    page.keyboard.press("Enter")
    page.wait_for_url("**/recherche/?q=cin%C3%A9ma")


def test_without_javascript_the_icon_is_a_link_to_the_search_page(site, chromium):
    page = chromium.new_page(viewport=PHONE, java_script_enabled=False)
    page.goto(site + "/")

    page.get_by_role("link", name="Rechercher dans le magazine").click()

    page.wait_for_url("**/recherche/")
    expect(page.locator("main input[type=search]")).to_be_visible()


def test_on_a_laptop_the_form_is_in_the_header_and_the_icon_is_not(site, chromium):
    page = chromium.new_page(viewport=LAPTOP)
    page.goto(site + "/")

    expect(page.locator("#site-search-q")).to_be_visible()
    expect(page.locator(".site-search-icon")).to_be_hidden()
    assert all(link["height"] >= 24 for link in header_links(page))
