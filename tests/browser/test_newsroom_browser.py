"""
The article form in a real browser: live preview, toolbar, and autosave that
gives back what a reload would have lost.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.login import log_in_by_cookie
from tests.factories import make_article

pytestmark = pytest.mark.browser

WIDE = {"width": 1400, "height": 900}
PASSWORD = "mot-de-passe-de-test"
TYPED = "\n\n## Nouvel intertitre\n\nUn paragraphe tapé dans le navigateur."


@pytest.fixture
def newsroom(live_server, transactional_db):
    User.objects.create_superuser("redaction", password=PASSWORD)
    article = make_article(
        status=Article.Status.DRAFT,
        published_at=None,
        body="## Le contexte\n\nUn paragraphe de texte.",
    )
    return live_server.url, reverse("admin:articles_article_change", args=[article.pk]), article.pk


def log_in(page, origin, next_url):
    log_in_by_cookie(page.context, origin, "redaction")
    page.goto(f"{origin}{next_url}")


def show_markdown(page):
    """
    The body's Markdown view: the form's own textarea, which the toolbar writes into as it
    writes into the formatted view (tests/browser/test_body_editor_browser.py). The
    choice is kept in the browser, so one click per context.
    """
    page.get_by_role("button", name="Markdown").click()
    expect(page.locator("#id_body")).to_be_visible()


def watch(page):
    """Script errors, CSP reports and failed loads (but the favicon the admin has none of)."""
    errors, requests = [], []

    def on_console(message):
        # A failed load is reported with its URL by on_response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request))
    return errors, requests


def stored_drafts(page, article_id):
    return page.evaluate(
        """(scope) => Object.keys(localStorage)
            .filter((key) => key.startsWith("screenmania:draft:"))
            .map((key) => JSON.parse(localStorage.getItem(key)))
            .filter((draft) => draft.scope === scope)""",
        f"article:{article_id}",
    )


def test_editor_sees_the_preview_and_gets_unsaved_text_back_after_a_reload(newsroom, chromium):
    origin, change_url, article_id = newsroom
    context = chromium.new_context(viewport=WIDE, locale="fr-FR")
    page = context.new_page()
    errors, requests = watch(page)
    log_in(page, origin, change_url)
    show_markdown(page)

    body = page.locator("#id_body")
    preview = page.locator("#writing-preview-body")
    expect(page.locator("#writing-toolbar")).to_be_visible()
    expect(preview.locator("h2")).to_have_text("Le contexte")
    expect(page.locator("#writing-reading-time")).to_contain_text("Temps de lecture")
    # Side by side on a wide screen: the preview to the right of the editor.
    assert preview.bounding_box()["x"] > body.bounding_box()["x"] + body.bounding_box()["width"]
    counter = page.locator("#id_seo_title_counter")
    page.locator("#id_seo_title").locator("xpath=ancestor::details").locator("summary").click()
    page.fill("#id_seo_title", "x" * 65)
    expect(counter).to_have_class("help writing-counter is-long")

    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(TYPED)
    expect(preview.locator("h2")).to_have_text(["Le contexte", "Nouvel intertitre"])
    page.keyboard.type("\n\n")
    page.click("[data-markdown=bold]")
    typed = body.input_value()
    assert typed.endswith("**")
    expect(page.locator("#autosave-status")).not_to_be_empty()
    # The status may still tell of the save before the last keys: wait for the one after.
    page.wait_for_function(
        """([scope, typed]) => Object.keys(localStorage)
            .filter((key) => key.startsWith("screenmania:draft:"))
            .map((key) => JSON.parse(localStorage.getItem(key)))
            .some((draft) => draft.scope === scope && draft.fields.body === typed)""",
        arg=[f"article:{article_id}", typed],
    )
    assert [draft["fields"]["body"] for draft in stored_drafts(page, article_id)] == [typed]

    # Leaving with unsaved changes asks first; the editor leaves anyway.
    dialogs = []

    def leave(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave)
    page.reload()
    assert dialogs == ["beforeunload"]

    banner = page.locator("#autosave-banner")
    expect(banner).to_be_visible()
    assert body.input_value() == "## Le contexte\n\nUn paragraphe de texte."
    banner.locator("[data-autosave=restore]").click()
    expect(banner).to_be_hidden()
    assert body.input_value() == typed
    expect(preview.locator("h2")).to_have_text(["Le contexte", "Nouvel intertitre"])

    page.click("button[name=_save]")
    page.wait_for_load_state("load")
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(banner).to_be_hidden()
    assert "Nouvel intertitre" in body.input_value()
    # Saved: the browser has forgotten the draft.
    assert stored_drafts(page, article_id) == []

    posted = [request for request in requests if request.method == "POST"]
    assert {request.url.removeprefix(origin).split("?")[0] for request in posted} <= {
        reverse("admin:login"),
        reverse("admin:articles_article_writing_preview"),
        reverse("admin:articles_article_working_copy"),
        change_url,
    }
    assert all(request.url.startswith(origin) for request in requests)
    assert errors == []
    context.close()


def test_preview_sits_below_the_editor_on_a_narrow_screen(newsroom, chromium):
    origin, change_url, _article_id = newsroom
    context = chromium.new_context(viewport={"width": 800, "height": 900})
    page = context.new_page()
    errors, _requests = watch(page)
    log_in(page, origin, change_url)

    # Whichever view of the body is shown.
    body = page.locator(".writing-desk__editor")
    preview = page.locator("#writing-preview")
    expect(preview.locator("h2").last).to_have_text("Le contexte")
    assert preview.bounding_box()["y"] >= body.bounding_box()["y"] + body.bounding_box()["height"]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert errors == []
    context.close()


def select(page, value, start, end=None):
    page.fill("#id_body", value)
    page.evaluate(
        "([start, end]) => document.getElementById('id_body').setSelectionRange(start, end)",
        [start, start if end is None else end],
    )


def test_toolbar_puts_markdown_around_the_selection(newsroom, chromium):
    origin, change_url, _article_id = newsroom
    context = chromium.new_context(viewport=WIDE)
    page = context.new_page()
    errors, _requests = watch(page)
    log_in(page, origin, change_url)
    show_markdown(page)
    body = page.locator("#id_body")

    select(page, "Un mot important.", 7, 16)
    page.click("[data-markdown=bold]")
    assert body.input_value() == "Un mot **important**."
    page.click("[data-markdown=bold]")
    assert body.input_value() == "Un mot important."
    page.keyboard.press("Control+I")
    assert body.input_value() == "Un mot *important*."

    select(page, "Premier paragraphe.\nLe contexte", 25)
    page.click("[data-markdown=heading]")
    assert body.input_value() == "Premier paragraphe.\n\n## Le contexte"

    select(page, "un\ndeux", 0, 7)
    page.click("[data-markdown=list]")
    assert body.input_value() == "- un\n- deux"
    page.click("[data-markdown=list]")
    assert body.input_value() == "un\ndeux"

    select(page, "Voir le site", 5, 12)
    page.click("[data-markdown=link]")
    page.keyboard.type("https://example.com")
    assert body.input_value() == "Voir [le site](https://example.com)"

    select(page, "Une affirmation.", 15)
    page.click("[data-markdown=footnote]")
    page.keyboard.type("Selon Variety.")
    assert body.input_value() == "Une affirmation[^1].\n\n[^1]: Selon Variety."
    page.keyboard.press("Control+Z")
    assert "Selon Variety." not in body.input_value()

    assert errors == []
    context.close()
