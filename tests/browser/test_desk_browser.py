"""
The desk and the notes in a real browser: the whole round of a note with JavaScript
off, and axe on the desk of each role.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.axe import serious_violations_at
from tests.browser.login import log_in_by_cookie
from tests.factories import CONTRIBUTOR, EDITOR, make_article, make_member

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TITLE = "Adèle Rinaldi : « Station Vega parle de nous »"


@pytest.fixture
def newsroom(live_server, transactional_db):
    editor = make_member(EDITOR, "ines")
    contributor = make_member(CONTRIBUTOR, "camille")
    for user in (editor, contributor):
        user.set_password("mot-de-passe-de-test")
        user.save()
    make_article(
        authors=[contributor.author_profile],
        title=TITLE,
        status=Article.Status.REVIEW,
        published_at=None,
    )
    return live_server.url


def log_in(browser, origin, username, **options):
    context = browser.new_context(**options)
    log_in_by_cookie(context, origin, username)
    page = context.new_page()
    page.goto(origin + reverse("admin:index"))
    return page


def test_a_note_goes_round_without_javascript(newsroom, chromium):
    without_js = {"viewport": LAPTOP, "java_script_enabled": False}
    editor = log_in(chromium, newsroom, "ines", **without_js)
    editor.locator(".desk-review .desk-title", has_text="Station Vega").click()
    editor.fill("#id_text", "La citation d’ouverture est-elle vérifiée ?")
    editor.fill("#id_passage", "parle de nous")
    editor.click("text=Envoyer la note")
    expect(editor.locator(".messagelist")).to_contain_text("Note envoyée.")

    writer = log_in(chromium, newsroom, "camille", **without_js)
    note = writer.locator(".desk-notes .desk-line")
    expect(note).to_contain_text("La citation d’ouverture est-elle vérifiée ?")
    note.locator("a").click()
    thread = writer.locator(".note-thread")
    thread.locator("textarea").fill("Oui : minute 14 de l’enregistrement.")
    thread.locator("text=Envoyer la réponse").click()
    expect(writer.locator(".note-reply")).to_contain_text("minute 14")

    editor.goto(newsroom + reverse("admin:index"))
    answer = editor.locator(".desk-notes .desk-line")
    expect(answer).to_contain_text("Camille a répondu à votre note")
    answer.locator("a").click()
    editor.click("text=Marquer comme résolue")
    expect(editor.locator(".note-status")).to_contain_text("Résolue par Ines")

    writer.goto(newsroom + reverse("admin:index"))
    expect(writer.locator(".desk-notes .desk-empty")).to_have_text(
        "Aucune note n’attend votre réponse."
    )


def test_the_desk_has_no_serious_accessibility_violation(newsroom, chromium, axe_js):
    problems = []
    for username in ("ines", "camille"):
        page = log_in(chromium, newsroom, username, viewport=LAPTOP, bypass_csp=True)
        problems += serious_violations_at(page, axe_js.read_text(), username, (LAPTOP, PHONE))
        # Nothing overflows the laptop's width, nor the phone's.
        for viewport in (LAPTOP, PHONE):
            page.set_viewport_size(viewport)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert not problems, "\n".join(problems)


def test_the_desk_breaks_no_rule_of_the_csp(newsroom, chromium):
    page = log_in(chromium, newsroom, "ines", viewport=LAPTOP)
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )

    page.reload()

    expect(page.locator("h1")).to_have_text("Le desk")
    assert not errors
