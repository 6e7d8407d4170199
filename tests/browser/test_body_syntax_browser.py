"""
The magazine's own syntax in the body's formatted view: a library image shows as its
picture, a footnote call as a raised number, its note as a note, a spoiler, a trailer
and a table as what they are. The source comes back where the cursor goes, and the text
saved is the Markdown as typed: the view draws over it and never writes into it.
"""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from images.models import Image
from tests.browser.axe import serious_violations
from tests.browser.test_body_editor_browser import WATCH_CSP
from tests.browser.test_newsroom_browser import PASSWORD, log_in, watch
from tests.browser.test_reading import keep_screenshot
from tests.factories import image_bytes, make_article

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
ALT = "Adèle Rinaldi sur le tournage de Station Vega"
TRAILER = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def body_with(number):
    return (
        "## Le tournage\n\n"
        "Une scène tournée de nuit[^1].\n\n"
        f"![](image:{number})\n\n"
        ":::spoiler La fin\n"
        "Le héros *survit*.\n"
        ":::\n\n"
        f"@[Bande-annonce de « Station Vega »]({TRAILER} image:{number})\n\n"
        "| Film | Note |\n"
        "| --- | --- |\n"
        "| Station Vega | 4 |\n\n"
        "[^1]: Selon la productrice."
    )


@pytest.fixture
def illustrated(live_server, transactional_db):
    User.objects.create_superuser("redaction", password=PASSWORD)
    image = Image.objects.create(
        file=SimpleUploadedFile("plateau.png", image_bytes(480, 320), content_type="image/png"),
        alt_text=ALT,
        caption="Sur le plateau, la nuit du 12 mars.",
        credit="Studio Lune",
        licence="Dossier de presse",
    )
    body = body_with(image.pk)
    article = make_article(status=Article.Status.DRAFT, published_at=None, body=body)
    # Deleted from the library since: the text still names it.
    gone = Image.objects.create(
        file=SimpleUploadedFile("retiree.png", image_bytes(), content_type="image/png"),
        alt_text="Retirée",
        licence="Dossier de presse",
    )
    gone_number = gone.pk
    gone.delete()
    orphan = make_article(
        status=Article.Status.DRAFT,
        published_at=None,
        body=(
            f"Avant.\n\n![Photo retirée](image:{gone_number})\n\n"
            f"Une vignette ![](image:{image.pk}) ici."
        ),
    )
    return {
        "origin": live_server.url,
        "article": article,
        "orphan": orphan,
        "image": image,
        "gone_number": gone_number,
        # What the library's renditions give the picture, as the page's own <picture> does.
        "thumbnails": image.picture("full").srcset,
    }


def open_form(chromium, origin, article, viewport=LAPTOP, **options):
    context = chromium.new_context(viewport=viewport, locale="fr-FR", **options)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    errors, _requests = watch(page)
    log_in(page, origin, reverse("admin:articles_article_change", args=[article.pk]))
    expect(page.locator(".writing-desk .cm-content")).to_be_visible()
    return context, page, errors


def line(page, text):
    return page.locator(".cm-line", has_text=text)


def test_writer_sees_the_picture_the_note_and_the_spoiler_and_saves_the_markdown_unchanged(
    illustrated, chromium
):
    article, image = illustrated["article"], illustrated["image"]
    context, page, errors = open_form(chromium, illustrated["origin"], article)

    # The library image: its rendition, its alt text, its caption and credit.
    figure = page.locator(".cm-md-figure")
    picture = figure.locator("img")
    expect(picture).to_have_attribute("alt", ALT)
    assert picture.get_attribute("src").startswith("/media/renditions/")
    assert picture.get_attribute("srcset") == illustrated["thumbnails"]
    expect(figure).to_contain_text("Sur le plateau, la nuit du 12 mars.")
    expect(figure).to_contain_text("Studio Lune")
    expect(figure).to_contain_text(f"Texte alternatif\u00a0: {ALT}")
    # Loaded from our own origin, as the CSP allows.
    assert picture.evaluate("(img) => img.decode().then(() => img.naturalWidth)") > 0
    # The footnote call, raised, and its note.
    expect(page.locator("sup.cm-md-footnote-call")).to_have_text("1")
    expect(line(page, "Une scène")).to_have_text("Une scène tournée de nuit1.")
    expect(page.locator(".cm-line.cm-md-note")).to_have_text("Note 1Selon la productrice.")
    # The spoiler: a banner, its text set apart, its end.
    expect(page.locator(".cm-md-spoiler-label")).to_have_text("Spoiler\u00a0: La fin")
    expect(page.locator(".cm-line.cm-md-spoiler-body")).to_have_text("Le héros survit.")
    expect(page.locator(".cm-md-spoiler-end")).to_have_text("Fin du spoiler")
    # The trailer: a card with its poster from the library, and no syntax.
    trailer = page.locator(".cm-md-trailer-card")
    expect(trailer).to_have_text("▶Bande-annonce · YouTubeBande-annonce de « Station Vega »")
    assert trailer.locator("img").get_attribute("srcset") == illustrated["thumbnails"]
    expect(page.locator(".cm-line.cm-md-table-head")).to_have_text("| Film | Note |")
    expect(page.locator(".cm-content")).not_to_contain_text("image:")
    expect(page.locator(".cm-content")).not_to_contain_text(":::")
    keep_screenshot(page, "body-syntax-1366.png", full_page=True)
    keep_screenshot(page.locator(".field-body"), "body-syntax-1366-body.png")

    # A click on the picture puts the cursor in its line: the source shows, to edit,
    # with the picture under it.
    picture.click()
    source = page.locator(".cm-line .cm-md-image")
    expect(source).to_have_text(f"![](image:{image.pk})")
    assert source.bounding_box()["y"] < picture.bounding_box()["y"]
    # The cursor moved up to the call: the call's source, and the picture again.
    for key in ("ArrowUp", "ArrowUp", "End", "ArrowLeft"):
        page.keyboard.press(key)
    expect(page.locator(".cm-md-footnote")).to_have_text("[^1]")
    expect(line(page, "Une scène")).to_have_text("Une scène tournée de nuit[^1].")
    expect(picture).to_be_visible()
    # Into the spoiler's opening line, then its trailer's.
    page.locator(".cm-md-spoiler-label").click()
    expect(line(page, ":::spoiler")).to_have_text(":::spoiler La fin")
    page.locator(".cm-md-trailer-card").click()
    expect(line(page, "@[")).to_have_text(
        f"@[Bande-annonce de « Station Vega »]({TRAILER} image:{image.pk})"
    )

    body = body_with(image.pk)
    assert page.input_value("#id_body") == body
    page.click("button[name=_save]")
    page.wait_for_load_state("load")
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".cm-md-figure img")).to_have_attribute("alt", ALT)
    assert errors == []
    assert page.evaluate("window.cspViolations") == []
    context.close()

    # As the browser posts a textarea, with CRLF line ends, and nothing else changed.
    assert Article.objects.get(pk=article.pk).body == body.replace("\n", "\r\n")


def test_an_image_missing_from_the_library_says_so(illustrated, chromium, tmp_path):
    context, page, errors = open_form(chromium, illustrated["origin"], illustrated["orphan"])

    missing = page.locator(".cm-md-figure.is-missing")
    number = illustrated["gone_number"]
    expect(missing).to_contain_text(f"Image introuvable (n°\u00a0{number})")
    expect(missing).to_contain_text("Texte alternatif\u00a0: Photo retirée")
    # Inside a sentence, the picture as high as the text.
    inline = line(page, "Une vignette")
    expect(inline.locator(".cm-md-inline-image img")).to_have_attribute("alt", ALT)
    expect(inline).to_have_text("Une vignette  ici.")
    assert errors == []
    assert page.evaluate("window.cspViolations") == []
    context.close()


def test_on_a_phone_the_pictures_fit_the_editor(illustrated, chromium):
    context, page, errors = open_form(
        chromium, illustrated["origin"], illustrated["article"], viewport=PHONE
    )
    page.locator(".writing-desk .cm-editor").scroll_into_view_if_needed()
    editor = page.locator(".writing-desk .cm-content").bounding_box()
    for selector in (".cm-md-figure img", ".cm-md-trailer-card"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= editor["x"]
        assert box["x"] + box["width"] <= editor["x"] + editor["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    keep_screenshot(page, "body-syntax-390.png", full_page=True)
    keep_screenshot(page.locator(".field-body"), "body-syntax-390-body.png")
    # The end of the text: the table and the note.
    page.locator(".cm-scroller").evaluate("(scroller) => { scroller.scrollTop = 1e6; }")
    expect(page.locator(".cm-line.cm-md-note")).to_be_visible()
    keep_screenshot(page.locator(".cm-editor"), "body-syntax-390-end.png")
    assert errors == []
    context.close()


def test_what_the_view_draws_has_no_serious_accessibility_violation(illustrated, chromium, axe_js):
    context, page, _errors = open_form(
        chromium, illustrated["origin"], illustrated["article"], bypass_csp=True
    )
    expect(page.locator(".cm-md-figure img")).to_have_attribute("alt", ALT)
    expect(page.locator(".cm-md-trailer-card")).to_be_visible()

    # The text's own area: its scroller, like the preview's, is flagged as soon as a
    # text is longer than the box, with or without what this view draws.
    found = serious_violations(page, axe_js.read_text(), "body", scope=".writing-desk .cm-content")
    assert found == []
    context.close()
