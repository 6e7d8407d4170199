"""
An image dropped or pasted into the article's text, or chosen in the Image dialog's
« Envoyer une image » tab, goes into the library, described first, then into the text:
in a real browser, under the site's CSP, on a laptop and on a phone.
"""

import base64
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.axe import serious_violations
from tests.browser.login import log_in_by_cookie
from tests.browser.test_newsroom_browser import show_markdown, watch
from tests.browser.test_reading import keep_screenshot
from tests.factories import CONTRIBUTOR, image_bytes, make_article, make_member

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "mot-de-passe-de-test"
UPLOAD_URL = reverse("admin:images_image_from_article")
BODY = "Premier paragraphe.\n\nDernier paragraphe."
# Where the writer left the cursor: after the first paragraph.
CURSOR = len("Premier paragraphe.")
# The image's line goes there, a paragraph of its own, and the text around it stays.
INSERTED = re.compile(r"^Premier paragraphe\.\n\n!\[\]\(image:(\d+)\)\n\nDernier paragraphe\.$")

# Drops ``content`` (base64) on the body as a file, as a desktop's file manager would,
# at the point ``x``, ``y`` of the page (0, 0 is off the text: the image goes at the cursor).
DROP = """([content, name, type, x = 0, y = 0]) => {
    const bytes = Uint8Array.from(atob(content), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, {type}));
    const body = document.getElementById("id_body");
    const options = {
        dataTransfer: transfer, bubbles: true, cancelable: true, clientX: x, clientY: y,
    };
    for (const kind of ["dragenter", "dragover", "drop"]) {
        body.dispatchEvent(new DragEvent(kind, options));
    }
}"""
# Pastes it, as after « Copier l'image » or a screenshot: a file and no text.
# With ``text``, as Word copies a passage: its text, and a picture of it beside.
# True if the browser was left to paste as it would.
PASTE = """([content, name, type, text]) => {
    const bytes = Uint8Array.from(atob(content), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, {type}));
    if (text) {
        transfer.setData("text/plain", text);
    }
    return document.getElementById("id_body").dispatchEvent(
        new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true})
    );
}"""


def as_file(content, name, media_type, text=""):
    return [base64.b64encode(content).decode(), name, media_type, text]


@pytest.fixture
def draft(live_server, transactional_db):
    writer = make_member(CONTRIBUTOR, "camille")
    writer.set_password(PASSWORD)
    writer.save()
    article = make_article(
        authors=[writer.author_profile],
        status=Article.Status.DRAFT,
        published_at=None,
        body=BODY,
    )
    return live_server.url, reverse("admin:articles_article_change", args=[article.pk])


def open_article(chromium, origin, url, **options):
    context = chromium.new_context(locale="fr-FR", **options)
    page = context.new_page()
    errors, _requests = watch(page)
    log_in_by_cookie(context, origin, "camille")
    page.goto(f"{origin}{url}")
    expect(page.locator("#writing-preview-body p")).to_have_text(
        ["Premier paragraphe.", "Dernier paragraphe."]
    )
    # The Markdown view, whose textarea these tests drop on; the formatted view's own
    # drop and paste are tests/browser/test_body_editor_browser.py's.
    show_markdown(page)
    # The cursor after « Premier paragraphe. », put there as a writer would.
    page.locator("#id_body").press("Control+Home")
    page.keyboard.press("End")
    assert cursor(page) == [CURSOR, CURSOR]
    return context, page, errors


def cursor(page):
    return page.locator("#id_body").evaluate("(body) => [body.selectionStart, body.selectionEnd]")


def describe(page, alt="Adèle Rinaldi sur le tournage de Station Vega"):
    page.fill("#image-upload-alt_text", alt)
    page.fill("#image-upload-licence", "Dossier de presse, libre pour la critique")
    page.fill("#image-upload-credit", "Studio Lune")


def test_an_image_dropped_on_the_text_goes_into_the_library_and_the_text(draft, chromium):
    origin, url = draft
    context, page, errors = open_article(chromium, origin, url, viewport=LAPTOP)
    body = page.locator("#id_body")
    dialog = page.locator("#image-upload")

    page.evaluate(DROP, as_file(image_bytes(800, 450, "JPEG"), "tournage.jpg", "image/jpeg"))

    expect(dialog).to_be_visible()
    expect(page.locator("#image-upload-alt_text")).to_be_focused()
    expect(dialog.locator(".image-upload__file")).to_contain_text("tournage.jpg")
    # The preview is drawn from the file's own pixels, at its proportions.
    assert dialog.locator("canvas").evaluate("(c) => [c.hidden, c.width, c.height]") == [
        False,
        320,
        180,
    ]
    describe(page)
    page.keyboard.press("Enter")

    expect(dialog).to_be_hidden()
    match = INSERTED.match(body.input_value())
    assert match, body.input_value()
    number = match.group(1)
    expect(body).to_be_focused()
    # The cursor after the image's line, to write on.
    assert cursor(page) == [body.input_value().index("\n\nDernier")] * 2
    expect(page.locator("#writing-preview-body figure img")).to_have_attribute(
        "alt", "Adèle Rinaldi sur le tournage de Station Vega"
    )

    # In the library, described as typed (read-only: a contributor adds, editors change).
    # The list view, whose table names each image: untitled, by its file, never its alt text.
    page.goto(origin + reverse("admin:images_image_changelist") + "?vue=liste")
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator(".field-name a")).to_have_text("tournage.jpg")
    row.locator(".field-name a").click()
    # The link keeps the list's « vue=liste » for the way back.
    page.wait_for_url(f"**{reverse('admin:images_image_change', args=[number])}?*")
    for field, typed in {
        "alt_text": "Adèle Rinaldi sur le tournage de Station Vega",
        "licence": "Dossier de presse, libre pour la critique",
        "credit": "Studio Lune",
    }.items():
        expect(page.locator(f".field-{field} .readonly")).to_have_text(typed)
    assert errors == []
    context.close()


def test_an_image_dropped_on_a_line_of_the_text_goes_where_it_was_dropped(draft, chromium):
    origin, url = draft
    context, page, errors = open_article(chromium, origin, url, viewport=LAPTOP)
    body = page.locator("#id_body")
    body.press("Control+End")
    # The start of the third line, « Dernier paragraphe. », in the page's coordinates.
    x, y = body.evaluate(
        """(body) => {
            const box = body.getBoundingClientRect();
            const style = getComputedStyle(body);
            const px = (name) => parseFloat(style[name]);
            return [
                box.left + px("borderLeftWidth") + px("paddingLeft") + 1,
                box.top + px("borderTopWidth") + px("paddingTop") + 2.5 * px("lineHeight"),
            ];
        }"""
    )

    page.evaluate(DROP, [*as_file(image_bytes(320, 240), "image.png", "image/png")[:3], x, y])
    page.check("#image-upload-is_decorative")
    page.fill("#image-upload-licence", "Image maison")
    page.click(".image-upload__send")

    expect(page.locator("#image-upload")).to_be_hidden()
    assert INSERTED.match(body.input_value()), body.input_value()
    assert errors == []
    context.close()


def test_what_the_library_refuses_is_said_in_french_and_nothing_is_inserted(draft, chromium):
    origin, url = draft
    context, page, errors = open_article(chromium, origin, url, viewport=LAPTOP)
    dialog = page.locator("#image-upload")

    page.evaluate(DROP, as_file(b"%PDF-1.7 pas une image" * 50, "affiche.png", "image/png"))
    expect(dialog).to_be_visible()
    # Nothing to preview: the browser cannot read it either.
    expect(dialog.locator(".image-upload__file")).to_contain_text("Pas d’aperçu")
    page.fill("#image-upload-credit", "Studio Lune")
    page.click(".image-upload__send")

    expect(dialog.locator(".image-upload__problem")).to_contain_text(
        "Ce fichier ne peut pas être lu comme une image"
    )
    expect(page.locator("#image-upload-alt_text-error")).to_contain_text("Décrivez l’image")
    expect(page.locator("#image-upload-licence-error")).to_be_visible()
    expect(page.locator("#image-upload-alt_text")).to_be_focused()
    assert page.locator("#image-upload-alt_text").get_attribute("aria-invalid") == "true"

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.input_value("#id_body") == BODY
    # The refusals themselves, and nothing else, answered 400.
    assert errors == [f"400 {origin}{UPLOAD_URL}"]
    context.close()


def test_a_pasted_image_asks_for_its_description_and_cancelling_inserts_nothing(draft, chromium):
    origin, url = draft
    context, page, errors = open_article(chromium, origin, url, viewport=LAPTOP)
    dialog = page.locator("#image-upload")
    passage = as_file(image_bytes(320, 240), "image.png", "image/png", "Un passage copié.")

    # Copied from Word: the text is what was meant, the picture of it is ignored.
    assert page.evaluate(PASTE, passage) is True
    expect(dialog).to_be_hidden()

    assert page.evaluate(PASTE, as_file(image_bytes(320, 240), "image.png", "image/png")) is False
    expect(dialog).to_be_visible()
    page.click(".image-upload__cancel")

    expect(dialog).to_be_hidden()
    assert page.input_value("#id_body") == BODY
    # Closing the dialog gives the writer their cursor back where it was, not at the start.
    expect(page.locator("#id_body")).to_be_focused()
    assert cursor(page) == [CURSOR, CURSOR]
    # The same file again, described: the decorative mark stands in for the alt text.
    page.evaluate(PASTE, as_file(image_bytes(320, 240), "image.png", "image/png"))
    page.check("#image-upload-is_decorative")
    expect(page.locator("#image-upload-alt_text")).to_be_disabled()
    page.fill("#image-upload-licence", "Image maison")
    page.click(".image-upload__send")
    expect(dialog).to_be_hidden()
    assert INSERTED.match(page.input_value("#id_body"))
    assert errors == []
    context.close()


def test_the_image_dialog_sends_an_image_from_its_second_tab(draft, chromium):
    origin, url = draft
    context, page, errors = open_article(chromium, origin, url, viewport=LAPTOP)
    picker = page.locator("#image-picker")
    upload = page.locator("#image-upload")

    page.click("[data-markdown=image]")
    tab = picker.get_by_role("tab", name="Envoyer une image")
    picker.get_by_role("tab", name="De la médiathèque").focus()
    page.keyboard.press("ArrowRight")
    expect(tab).to_be_focused()
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(picker.locator("#image-picker-library")).to_be_hidden()
    page.set_input_files(
        "#image-picker-file",
        files=[{"name": "plateau.png", "mimeType": "image/png", "buffer": image_bytes(640, 480)}],
    )

    expect(upload).to_be_visible()
    describe(page, alt="Le plateau de Station Vega")
    page.click(".image-upload__send")

    expect(upload).to_be_hidden()
    expect(picker).to_be_hidden()
    assert INSERTED.match(page.input_value("#id_body"))
    # Opened again, the dialog starts on the library, which now holds the image.
    page.click("[data-markdown=image]")
    expect(picker.locator("#image-picker-library")).to_be_visible()
    # Untitled, the library names it by its file (its alt text is what readers hear).
    expect(picker.locator(".image-picker__title")).to_have_text(["plateau.png"])
    assert errors == []
    context.close()


def test_the_dialogs_on_a_laptop_and_a_phone(draft, chromium):
    origin, url = draft
    for size, viewport in {"1366": LAPTOP, "390": PHONE}.items():
        context, page, errors = open_article(chromium, origin, url, viewport=viewport)
        page.click("[data-markdown=image]")
        page.get_by_role("tab", name="Envoyer une image").click()
        keep_screenshot(page, f"image-picker-upload-tab-{size}.png")
        page.set_input_files(
            "#image-picker-file",
            files=[
                {
                    "name": "affiche.jpg",
                    "mimeType": "image/jpeg",
                    "buffer": image_bytes(600, 900, "JPEG"),
                }
            ],
        )
        dialog = page.locator("#image-upload")
        expect(dialog).to_be_visible()
        box = dialog.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (size, box)
        keep_screenshot(page, f"image-upload-dialog-{size}.png")
        page.click(".image-upload__send")
        expect(dialog.locator(".image-upload__problem")).to_be_visible()
        keep_screenshot(page, f"image-upload-errors-{size}.png")
        assert errors == [f"400 {origin}{UPLOAD_URL}"]
        context.close()


def test_the_upload_dialog_has_no_serious_accessibility_violation(draft, chromium, axe_js):
    origin, url = draft
    # axe is injected as an inline script, which our own CSP rightly forbids.
    context, page, _errors = open_article(chromium, origin, url, viewport=LAPTOP, bypass_csp=True)
    axe_source = axe_js.read_text()

    page.evaluate(DROP, as_file(image_bytes(800, 450), "tournage.png", "image/png"))
    expect(page.locator("#image-upload")).to_be_visible()
    problems = serious_violations(page, axe_source, "upload dialog", "#image-upload")
    page.click(".image-upload__send")
    expect(page.locator("#image-upload-alt_text-error")).to_be_visible()
    problems += serious_violations(page, axe_source, "upload dialog with errors", "#image-upload")
    page.keyboard.press("Escape")
    page.click("[data-markdown=image]")
    page.get_by_role("tab", name="Envoyer une image").click()
    problems += serious_violations(page, axe_source, "upload tab", "#image-picker")

    assert problems == []
    context.close()
