"""
A reader subscribes on an article page on a phone, confirms from the message received by
a real mail server, changes letters from the preferences page and leaves in one click:
no cookie at any step, nothing loaded from elsewhere, nothing wider than the screen, and
nothing axe finds serious.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from playwright.sync_api import expect

from newsletter import links
from newsletter.models import Subscriber
from tests.browser.axe import WCAG_22, serious_violations
from tests.browser.test_reading import watch_requests
from tests.factories import make_article
from tests.newsletter.conftest import the_three_letters

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
ADDRESS = "ines.lectrice@exemple.fr"


@pytest.fixture
def site(live_server, transactional_db, smtp_server, settings):
    """The live server, a published article, the three letters, and mail sent at once."""
    the_three_letters.create_letters(apps, None)
    # What a worker would do, done in the request, so that the message is there at once.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": [settings.TASKS_QUEUE],
        }
    }
    settings.SITE_URL = live_server.url
    article = make_article(title="Le tournage reprend à Hollywood")
    return live_server.url, article


def link_in(message, prefix):
    (url,) = {
        url
        for url in re.findall(r"https?://\S+", message.get_body(("plain",)).get_content())
        if prefix in url
    }
    return url


def test_subscribe_confirm_change_letters_and_leave_in_one_click(
    site, smtp_server, chromium, axe_js
):
    origin, article = site
    context = chromium.new_context(viewport=PHONE, locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    foreign, errors = watch_requests(page, origin)
    axe_source = axe_js.read_text()
    problems = []

    def look(name):
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        problems.extend(serious_violations(page, axe_source, name, rules=WCAG_22))
        keep_screenshots(page, name)

    page.goto(origin + article.get_absolute_url())
    signup = page.locator(".newsletter-signup")
    signup.scroll_into_view_if_needed()
    look("article-form")
    signup.get_by_label("Votre adresse e-mail").fill(ADDRESS)
    signup.get_by_label("La Quotidienne").check()
    signup.get_by_label("Alertes").check()
    signup.get_by_role("button", name="S’inscrire").click()

    expect(page.locator("h1")).to_have_text("Vérifiez votre boîte de réception")
    look("subscribed")
    (message,) = smtp_server.wait_for(1, timeout=10)
    assert message["To"] == ADDRESS

    page.goto(link_in(message, "/lettre/confirmer/"))
    expect(page.locator("h1")).to_have_text("Confirmez votre inscription")
    look("confirm")
    page.get_by_role("button", name="Confirmer mon inscription").click()
    expect(page.locator("h1")).to_have_text("Inscription confirmée")
    look("confirmed")
    assert Subscriber.objects.get().confirmed_at is not None

    page.get_by_role("link", name="Choisir mes lettres").click()
    expect(page.locator("h1")).to_have_text("Vos préférences de lettres")
    look("preferences")
    page.get_by_label("Alertes").uncheck()
    page.get_by_label("Critiques de la semaine").check()
    page.get_by_role("button", name="Enregistrer mon choix").click()
    expect(page.get_by_role("status")).to_contain_text("Enregistré.")
    subscriber = Subscriber.objects.get()
    assert held(subscriber) == ["critiques-de-la-semaine", "la-quotidienne"]

    # The List-Unsubscribe link of a daily edition, opened in the browser: one button.
    daily = subscriber.letters.get(slug="la-quotidienne")
    page.goto(links.one_click_unsubscribe_url(subscriber, daily))
    look("unsubscribe")
    page.get_by_role("button", name="Se désabonner").click()
    expect(page.locator("h1")).to_have_text("Désabonnement effectué")
    look("unsubscribed")
    assert held(subscriber) == ["critiques-de-la-semaine"]

    # And as a mail client does it (RFC 8058): one POST, no cookie, no question.
    weekly = subscriber.letters.get()
    answer = page.request.post(
        links.one_click_unsubscribe_url(subscriber, weekly),
        form={"List-Unsubscribe": "One-Click"},
    )
    assert answer.ok
    assert held(subscriber) == []

    page.goto(origin + "/lettre/")
    look("subscribe-page")
    assert not errors, errors
    # A link cut in the mail client: a page that says so (its 404 is the console's one error).
    page.goto(origin + "/lettre/preferences/lien-coupe/")
    expect(page.locator("h1")).to_have_text("Ce lien ne fonctionne pas")
    look("broken-link")

    assert context.cookies() == []
    assert not foreign, foreign
    assert not problems, "\n".join(problems)
    assert urlsplit(page.url).netloc == urlsplit(origin).netloc
    context.close()


def held(subscriber):
    return sorted(subscriber.subscriptions.values_list("letter__slug", flat=True))


def keep_screenshots(page, name):
    """At 390 and 1366 px, when SCREENMANIA_SCREENSHOTS names a folder to look at them in."""
    directory = os.environ.get("SCREENMANIA_SCREENSHOTS")
    if not directory:
        return
    Path(directory).mkdir(parents=True, exist_ok=True)
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        page.screenshot(
            path=Path(directory) / f"newsletter-{name}-{viewport['width']}.png", full_page=True
        )
    page.set_viewport_size(PHONE)
