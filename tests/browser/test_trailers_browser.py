"""
A trailer in a real browser: until the reader clicks, every request the page makes goes to
our own origin; the click puts the privacy-enhanced player in the facade's place. In the
article form, the toolbar writes both syntaxes and the preview explains a bad address.

This machine has no network: requests to the players' origins are answered with a stub
page, so that the frame loads (and the CSP is seen to allow it), and any other request
to another origin is aborted. Each is recorded first.
"""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.test_newsroom_browser import PASSWORD, WIDE, log_in, show_markdown
from tests.browser.test_reading import LAPTOP
from tests.factories import make_article, make_image

pytestmark = pytest.mark.browser

YOUTUBE_ID = "aBcDeFgHi-_"
PLAYER = f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}?autoplay=1"
PLAYER_ORIGINS = (
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
    "https://geo.dailymotion.com",
)
STUB_PLAYER = "<!doctype html><title>Lecteur</title><p>Lecteur de test</p>"


@pytest.fixture
def trailer_page(live_server, transactional_db, settings):
    """An article with a trailer on a library poster, a drawn one and a spoiler."""
    # The URLconf that serves media, for the poster.
    settings.ROOT_URLCONF = "tests.browser.test_reading"
    settings.SITE_URL = live_server.url
    poster = make_image(alt_text="Affiche")
    article = make_article(
        body=(
            "Intro.\n\n"
            f"@[Bande-annonce de « Marée basse »](https://youtu.be/{YOUTUBE_ID} image:{poster.pk})"
            "\n\n:::spoiler La fin\nLe héros meurt.\n:::\n\n"
            "@[Teaser](https://vimeo.com/76979871)"
        )
    )
    return live_server.url, live_server.url + article.get_absolute_url()


@pytest.fixture
def newsroom(live_server, transactional_db):
    User.objects.create_superuser("redaction", password=PASSWORD)
    article = make_article(status=Article.Status.DRAFT, published_at=None, body="## Le contexte")
    return live_server.url, reverse("admin:articles_article_change", args=[article.pk])


def open_recorded(browser, url, **options):
    """A page at ``url`` and the list of every request it makes, in order."""
    context = browser.new_context(viewport=LAPTOP, **options)
    requests, errors = [], []

    def answer(route):
        if route.request.url.startswith(tuple(origin + "/" for origin in PLAYER_ORIGINS)):
            route.fulfill(status=200, content_type="text/html", body=STUB_PLAYER)
        elif urlsplit(route.request.url).netloc == urlsplit(url).netloc:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", answer)
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return context, page, requests, errors


def test_trailer_loads_nothing_from_the_host_until_clicked(trailer_page, chromium):
    origin, url = trailer_page
    context, page, requests, errors = open_recorded(chromium, url)

    assert page.locator("figure.trailer").count() == 2
    assert page.locator("iframe").count() == 0
    assert page.locator("figure.trailer picture img").evaluate("img => img.complete")
    assert requests, "the page was recorded"
    assert [request for request in requests if not request.startswith(origin + "/")] == []
    assert errors == []
    context.close()


def test_click_puts_the_privacy_enhanced_player_in_place(trailer_page, chromium):
    origin, url = trailer_page
    context, page, requests, errors = open_recorded(chromium, url)
    before = len(requests)

    page.locator("figure.trailer--youtube .trailer__play").click()

    player = page.locator("figure.trailer--youtube iframe.trailer__player")
    expect(player).to_have_attribute("src", PLAYER)
    expect(player).to_have_attribute("title", "Bande-annonce de «\u00a0Marée basse\u00a0»")
    assert player.get_attribute("allow") == "autoplay; fullscreen; picture-in-picture"
    # The CSP lets the frame load: the stub player is in it.
    frame = player.element_handle().content_frame()
    frame.wait_for_load_state()
    assert frame.locator("p").inner_text() == "Lecteur de test"
    assert page.url == url
    assert page.locator("figure.trailer--youtube a.trailer__start").count() == 0
    # The other trailer is still a facade.
    assert page.locator("figure.trailer--vimeo iframe").count() == 0
    assert [request for request in requests[before:] if not request.startswith(origin)] == [PLAYER]
    assert errors == []
    context.close()


def test_without_javascript_the_facade_is_a_link_to_the_video_page(trailer_page, chromium):
    _, url = trailer_page
    context, page, requests, _ = open_recorded(chromium, url, java_script_enabled=False)

    with page.expect_request(f"https://www.youtube.com/watch?v={YOUTUBE_ID}"):
        page.locator("figure.trailer--youtube .trailer__play").click(no_wait_after=True)

    assert not any(request.startswith(PLAYER_ORIGINS) for request in requests)
    context.close()


def test_spoiler_stays_closed_until_the_reader_opens_it(trailer_page, chromium):
    _, url = trailer_page
    context, page, _, _ = open_recorded(chromium, url)
    spoiler = page.locator("details.spoiler")

    expect(spoiler.locator("summary")).to_have_text("Spoiler\u00a0: La fin")
    expect(spoiler.get_by_text("Le héros meurt.")).to_be_hidden()
    spoiler.locator("summary").click()
    expect(spoiler.get_by_text("Le héros meurt.")).to_be_visible()
    context.close()


def test_editor_inserts_a_trailer_and_sees_a_bad_address_explained(newsroom, chromium):
    origin, change_url = newsroom
    context = chromium.new_context(viewport=WIDE, locale="fr-FR")
    page = context.new_page()
    log_in(page, origin, change_url)
    show_markdown(page)
    body = page.locator("#id_body")
    preview = page.locator("#writing-preview-body")
    expect(preview.locator("h2")).to_have_text("Le contexte")

    body.click()
    page.keyboard.press("Control+End")
    page.click("[data-markdown=trailer]")
    # The toolbar selected https:// for the address to be typed over.
    page.keyboard.type(f"https://youtu.be/{YOUTUBE_ID}")
    assert body.input_value().endswith(f"\n\n@[Bande-annonce](https://youtu.be/{YOUTUBE_ID})")
    expect(preview.locator("figure.trailer a.trailer__start")).to_have_attribute(
        "href", f"https://www.youtube.com/watch?v={YOUTUBE_ID}"
    )

    page.keyboard.press("Control+End")
    page.click("[data-markdown=spoiler]")
    page.keyboard.type("Le héros meurt.")
    expect(preview.locator("details.spoiler summary")).to_have_text(
        "Attention, spoiler (cliquer pour afficher)"
    )

    body.fill("Avant.\n\n@[Piège](https://evil.example/v/aBcDeFgHiJk)")
    problem = preview.locator("p.trailer-problem")
    expect(problem).to_contain_text("Bande-annonce non affichée (ligne 3)")
    expect(problem).to_contain_text("evil.example ne fait pas partie des hébergeurs")
    expect(preview.locator("a")).to_have_count(0)
    context.close()


def test_trailer_and_spoiler_have_no_serious_accessibility_violation(
    trailer_page, chromium, axe_js
):
    _, url = trailer_page
    # axe is injected as an inline script, which our own CSP rightly forbids.
    context, page, _, _ = open_recorded(chromium, url, bypass_csp=True)
    page.add_script_tag(content=axe_js.read_text())

    violations = page.evaluate(
        """async () => {
            const results = await axe.run(".article-body", {resultTypes: ["violations"]});
            return results.violations
                .filter(v => ["serious", "critical"].includes(v.impact))
                .map(v => `${v.id}: ${v.help} — ${v.nodes.map(n => n.target.join(" "))}`);
        }"""
    )

    assert violations == []
    context.close()
