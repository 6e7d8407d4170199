"""
Autosave across two machines: what an editor types on one is kept on the server and
offered back on the other, for that article only. Two browser contexts share nothing
(no cookie, no localStorage): each is a machine.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from newsroom.models import WorkingCopy
from tests.browser.axe import serious_violations
from tests.browser.login import log_in_by_cookie
from tests.browser.test_newsroom_browser import show_markdown
from tests.browser.test_reading import keep_screenshot
from tests.factories import EDITOR, make_article, make_member

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "mot-de-passe-de-test"
TYPED = " Une phrase tapée sur la machine A, jamais enregistrée."


@pytest.fixture
def newsroom(live_server, transactional_db):
    editor = make_member(EDITOR, "ines")
    editor.set_password(PASSWORD)
    editor.save()
    first = make_article(title="La Palme d’or à Lyon", body="## Le palmarès\n\nUn paragraphe.")
    second = make_article(title="Un autre article", body="## Ailleurs\n\nRien à voir.")
    return live_server.url, editor, first, second


def machine(browser, origin, **options):
    """A fresh browser context, logged in as the editor: another machine."""
    context = browser.new_context(locale="fr-FR", **options)
    log_in_by_cookie(context, origin, "ines")
    page = context.new_page()
    page.goto(origin + reverse("admin:index"))
    return context, page


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def watch(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.endswith("/favicon.ico")
            and errors.append(f"{response.status} {response.url}")
        ),
    )
    return errors


def test_text_typed_on_one_machine_is_offered_on_another_and_saved(newsroom, chromium):
    origin, _editor, first, second = newsroom

    a_context, a = machine(chromium, origin, viewport=LAPTOP)
    a_errors = watch(a)
    a.goto(origin + change_url(first))
    # Typed into the Markdown view's textarea, which the formatted view writes into too.
    show_markdown(a)
    a.locator("#id_body").click()
    a.keyboard.press("Control+End")
    a.keyboard.type(TYPED)
    expect(a.locator("#autosave-status")).to_contain_text(
        "Texte enregistré automatiquement à", timeout=15_000
    )
    # Another article on the same machine: neither the server's copy nor the browser's
    # is offered there.
    other = a_context.new_page()
    other.goto(origin + change_url(second))
    expect(other.locator("#id_body")).to_have_value("## Ailleurs\n\nRien à voir.")
    expect(other.locator("#working-copy-banner")).to_have_count(0)
    expect(other.locator("#autosave-banner")).to_be_hidden()

    b_context, b = machine(chromium, origin, viewport=LAPTOP)
    b_errors = watch(b)
    b.goto(origin + change_url(first))
    banner = b.locator("#working-copy-banner")
    expect(banner).to_contain_text("Un texte non enregistré du")
    expect(banner).to_contain_text("(enregistré automatiquement) est disponible.")
    expect(b.locator("#id_body")).to_have_value("## Le palmarès\n\nUn paragraphe.")
    # The browser's own copy of the same text would be offered once, by the server's banner.
    expect(b.locator("#autosave-banner")).to_be_hidden()

    banner.get_by_role("link", name="Reprendre ce texte").click()
    expect(b.locator("#id_body")).to_have_value("## Le palmarès\n\nUn paragraphe." + TYPED)
    expect(b.locator(".working-copy__banner")).to_contain_text("enregistré automatiquement le")
    b.click("button[name=_save]")
    expect(b.locator(".messagelist .success")).to_be_visible()
    expect(b.locator(".working-copy__banner")).to_have_count(0)

    b.goto(origin + first.get_absolute_url())
    expect(b.locator(".article-body")).to_contain_text(TYPED.strip())
    b.goto(origin + change_url(second))
    expect(b.locator("#working-copy-banner")).to_have_count(0)
    expect(b.locator("#autosave-banner")).to_be_hidden()

    assert a_errors == [] and b_errors == []
    a_context.close()
    b_context.close()


@pytest.fixture
def offered(newsroom):
    """An unsaved copy of the first article, typed before a colleague saved it."""
    origin, editor, first, _second = newsroom
    WorkingCopy.objects.keep(
        editor,
        first,
        "",
        first.version,
        title=first.title,
        standfirst=first.standfirst,
        body=first.body + TYPED,
    )
    first.standfirst = "Le chapô revu par une collègue."
    first.save()
    return origin, change_url(first)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366", "390"])
def test_the_banner_on_a_laptop_and_a_phone(offered, chromium, axe_js, viewport):
    origin, url = offered
    context, page = machine(chromium, origin, viewport=viewport, bypass_csp=True)
    page.goto(origin + url)
    banner = page.locator("#working-copy-banner")
    expect(banner).to_be_visible()
    expect(banner.locator(".autosave-banner__older")).to_contain_text("a été enregistré depuis")
    expect(banner.get_by_role("button", name="Ignorer")).to_be_visible()

    width = viewport["width"]
    keep_screenshot(page, f"working-copy-{width}.png")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    # The banner's own: the rest of the edit page is the edit page's tests' business.
    label = f"banner at {width} px"
    assert serious_violations(page, axe_js.read_text(), label, "#working-copy-banner") == []

    # « Ignorer » forgets the copy: the next opening offers nothing.
    banner.get_by_role("button", name="Ignorer").click()
    expect(banner).to_be_hidden()
    # Reloaded once the server has forgotten it: a reload may overtake the POST in flight.
    for _attempt in range(100):
        if not WorkingCopy.objects.exists():
            break
        page.wait_for_timeout(100)
    assert not WorkingCopy.objects.exists()
    page.reload()
    expect(page.locator("#working-copy-banner")).to_have_count(0)
    context.close()


def test_the_banner_shows_and_restores_without_javascript(offered, chromium):
    origin, url = offered
    context, page = machine(chromium, origin, viewport=LAPTOP, java_script_enabled=False)
    page.goto(origin + url)
    # « Ignorer » needs the script: without it, saving the form forgets the copy.
    expect(page.locator("[data-working-copy=discard]")).to_be_hidden()

    page.get_by_role("link", name="Reprendre ce texte").click()

    assert page.locator("#id_body").input_value().endswith(TYPED)
    expect(page.locator(".working-copy__banner")).to_contain_text("l’enregistrer sera refusé")
    context.close()
