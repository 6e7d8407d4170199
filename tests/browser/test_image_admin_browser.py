"""
The image library in a real browser: the focal point set by clicking the preview, and
the article form's Image button, which searches the library and puts an image in the text.
"""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.test_newsroom_browser import PASSWORD, WIDE, log_in, show_markdown, watch
from tests.factories import image_bytes, make_article, make_image

pytestmark = pytest.mark.browser


@pytest.fixture
def library(live_server, transactional_db):
    User.objects.create_superuser("redaction", password=PASSWORD)
    poster = make_image(
        title="Affiche de Cannes",
        file=SimpleUploadedFile("affiche.png", image_bytes(320, 240), content_type="image/png"),
    )
    portrait = make_image(title="Portrait de Marie", credit="Studio Lune")
    article = make_article(
        status=Article.Status.DRAFT, published_at=None, body="Premier paragraphe."
    )
    return {
        "origin": live_server.url,
        "poster": poster.pk,
        "portrait": portrait.pk,
        "image_url": reverse("admin:images_image_change", args=[poster.pk]),
        "article_url": reverse("admin:articles_article_change", args=[article.pk]),
    }


def test_clicking_the_preview_sets_the_focal_point(library, chromium):
    context = chromium.new_context(viewport=WIDE)
    page = context.new_page()
    errors, _requests = watch(page)
    log_in(page, library["origin"], library["image_url"])
    preview = page.locator(".focal-point__image")
    marker = page.locator(".focal-point__marker")
    clear = page.locator(".focal-point__clear")
    expect(page.locator(".focal-point__help")).to_be_visible()
    expect(marker).to_be_hidden()
    expect(clear).to_be_hidden()
    assert preview.bounding_box()["width"] == 320

    preview.click(position={"x": 80, "y": 180})

    assert page.input_value("#id_focal_x") == "0.25"
    assert page.input_value("#id_focal_y") == "0.75"
    expect(marker).to_be_visible()
    box, spot = preview.bounding_box(), marker.bounding_box()
    assert spot["x"] + spot["width"] / 2 == pytest.approx(box["x"] + 80, abs=1)
    assert spot["y"] + spot["height"] / 2 == pytest.approx(box["y"] + 180, abs=1)

    clear.click()
    assert (page.input_value("#id_focal_x"), page.input_value("#id_focal_y")) == ("", "")
    expect(marker).to_be_hidden()
    expect(page.locator("#id_focal_x")).to_be_focused()

    # Typed by keyboard: the marker follows.
    page.keyboard.type("0.5")
    page.fill("#id_focal_y", "0.1")
    expect(marker).to_be_visible()
    spot = marker.bounding_box()
    assert spot["x"] + spot["width"] / 2 == pytest.approx(box["x"] + 160, abs=1)

    preview.click(position={"x": 32, "y": 24})
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert (page.input_value("#id_focal_x"), page.input_value("#id_focal_y")) == ("0.1", "0.1")
    expect(marker).to_be_visible()
    assert errors == []
    context.close()


def test_image_button_searches_the_library_and_inserts_the_image(library, chromium):
    context = chromium.new_context(viewport=WIDE)
    page = context.new_page()
    errors, requests = watch(page)
    log_in(page, library["origin"], library["article_url"])
    show_markdown(page)
    body = page.locator("#id_body")
    dialog = page.locator("#image-picker")
    choices = dialog.locator(".image-picker__choice")
    expect(page.locator("#writing-preview-body p")).to_have_text("Premier paragraphe.")
    page.evaluate("document.getElementById('id_body').setSelectionRange(19, 19)")

    page.click("[data-markdown=image]")

    expect(dialog).to_be_visible()
    expect(dialog.locator("input[type=search]")).to_be_focused()
    expect(choices).to_have_count(2)
    # The latest first, each with its rendition.
    expect(choices.locator(".image-picker__title")).to_have_text(
        ["Portrait de Marie", "Affiche de Cannes"]
    )
    assert "/media/renditions/" in choices.first.locator("img").get_attribute("src")

    page.keyboard.type("Studio Lune")
    expect(choices.locator(".image-picker__title")).to_have_text(["Portrait de Marie"])
    page.keyboard.press("Enter")
    # Enter searches: the article form is not submitted.
    expect(dialog).to_be_visible()
    choices.first.click()

    expect(dialog).to_be_hidden()
    snippet = f"![](image:{library['portrait']})"
    assert body.input_value() == f"Premier paragraphe.\n\n{snippet}"
    expect(body).to_be_focused()
    # The input event reached the preview, which draws the image from the library.
    expect(page.locator("#writing-preview-body img")).to_have_count(1)
    expect(page.locator("#autosave-status")).not_to_be_empty()

    # By keyboard: the search is kept, Enter on a result inserts it at the cursor.
    page.keyboard.press("Control+Home")
    page.click("[data-markdown=image]")
    search = dialog.locator("input[type=search]")
    search.fill("Cannes")
    expect(choices.locator(".image-picker__title")).to_have_text(["Affiche de Cannes"])
    choices.first.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert body.input_value() == (
        f"![](image:{library['poster']})\n\nPremier paragraphe.\n\n{snippet}"
    )
    page.keyboard.press("Control+Z")
    assert body.input_value() == f"Premier paragraphe.\n\n{snippet}"

    # Escape closes the dialog and changes nothing.
    page.click("[data-markdown=image]")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert body.input_value() == f"Premier paragraphe.\n\n{snippet}"

    library_url = reverse("admin:images_image_library")
    assert any(request.url.startswith(library["origin"] + library_url) for request in requests)
    assert all(request.url.startswith(library["origin"]) for request in requests)
    assert errors == []
    context.close()
