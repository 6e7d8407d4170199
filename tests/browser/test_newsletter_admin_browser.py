"""
An edition composed, previewed, tested and sent by an editor in a real browser, under
the site's CSP; the message received shown at a phone's width and at a mail client's.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from newsletter.models import Edition
from tests.browser.login import log_in_by_cookie
from tests.browser.test_reading import keep_screenshot
from tests.factories import EDITOR, image_bytes, make_article, make_image, make_member

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def newsroom(live_server, transactional_db, settings):
    # Links and images in the message lead to this server, as they would to the site.
    settings.SITE_URL = live_server.url
    editor = make_member(EDITOR, "ines")
    editor.email = "ines@screenmania.example"
    editor.save()
    now = timezone.now()
    still = make_image(
        file=SimpleUploadedFile("plateau.jpg", image_bytes(1200, 675, "JPEG"), "image/jpeg"),
        alt_text="Une actrice sur un plateau de tournage",
    )
    make_article(
        title="Cannes : la sélection officielle dévoilée",
        standfirst="Vingt films en compétition, dont trois premiers longs métrages.",
        featured_image=still,
        published_at=now - timedelta(hours=1),
    )
    make_article(title="« Station Vega » : notre critique", published_at=now - timedelta(hours=2))
    return live_server.url


def log_in(browser, origin, viewport):
    context = browser.new_context(viewport=viewport)
    log_in_by_cookie(context, origin, "ines")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page, errors


def test_compose_preview_test_and_send(newsroom, chromium, smtp_server):
    page, errors = log_in(chromium, newsroom, LAPTOP)
    page.goto(newsroom + reverse("admin:newsletter_edition_add"))
    page.select_option("#id_letter", label="La Quotidienne")
    page.fill("#id_subject", "Ce matin : Cannes")
    page.fill("#id_intro", "Bonjour !\n\nLa sélection est tombée : voici ce qu’il faut en retenir.")
    page.click("input[name=_save]")

    expect(page.locator(".messagelist")).to_contain_text("2 articles ajoutés")
    titles = page.locator(".field-article .select2-selection__rendered")
    # Typeset when saved, with French spaces; a third row, empty, to add one more.
    expect(titles).to_have_text(
        [
            "Cannes\u00a0: la sélection officielle dévoilée",
            "«\u00a0Station Vega\u00a0»\u00a0: notre critique",
            "",
        ]
    )
    keep_screenshot(page, "newsletter-edition-1366.png", full_page=True)

    page.click("input[name=_preview]")
    frame = page.frame_locator("iframe.edition-preview__phone")
    expect(frame.locator("h2").first).to_have_text("Cannes\u00a0: la sélection officielle dévoilée")
    # The message's inline styles hold in its frame: the headline is in the mail's sans serif.
    font = frame.locator("h2").first.evaluate("element => getComputedStyle(element).fontFamily")
    assert "Helvetica" in font
    width = frame.locator("body").evaluate("body => body.scrollWidth")
    assert width <= 390
    keep_screenshot(page, "newsletter-preview-1366.png", full_page=True)

    page.go_back()
    page.click("input[name=_test]")
    expect(page.locator(".messagelist")).to_contain_text("Test envoyé à ines@screenmania.example")
    (message,) = smtp_server.wait_for(1)
    assert message["Subject"] == "[Test] Ce matin\u00a0: Cannes"
    html = message.get_body(preferencelist=("html",)).get_content()
    for name, viewport in [("390", PHONE), ("700", {"width": 700, "height": 900})]:
        reader = chromium.new_page(viewport=viewport)
        reader.set_content(html, wait_until="load")
        image = reader.locator("img").first
        assert image.evaluate("img => img.naturalWidth") > 0
        assert reader.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        keep_screenshot(reader, f"newsletter-mail-{name}.png", full_page=True)
        reader.close()

    page.click("input[name=_send]")
    expect(page.locator(".edition-send__audience")).to_contain_text("va à 0 lecteur")
    keep_screenshot(page, "newsletter-send-1366.png", full_page=True)
    page.click("input[name=now]")
    expect(page.locator(".edition-sending [role=status]")).to_contain_text("Envoi en cours")
    keep_screenshot(page, "newsletter-sending-1366.png", full_page=True)
    assert Edition.objects.get().status in {Edition.Status.SENDING, Edition.Status.SENT}
    assert not errors, errors


def test_the_pages_fit_a_phone(newsroom, chromium):
    page, errors = log_in(chromium, newsroom, PHONE)
    page.goto(newsroom + reverse("admin:newsletter_edition_add"))
    page.select_option("#id_letter", label="La Quotidienne")
    page.fill("#id_subject", "Ce matin")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("articles ajoutés")
    keep_screenshot(page, "newsletter-edition-390.png", full_page=True)
    edition = Edition.objects.get()
    for name in ["preview", "send"]:
        page.goto(newsroom + reverse(f"admin:newsletter_edition_{name}", args=[edition.pk]))
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        keep_screenshot(page, f"newsletter-{name}-390.png", full_page=True)
    page.goto(newsroom + reverse("admin:newsletter_edition_changelist"))
    keep_screenshot(page, "newsletter-editions-390.png", full_page=True)
    assert not errors, errors
