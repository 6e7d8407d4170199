"""
A day in the newsroom, in a real browser, as issue 20 tells it: a contributor writes
an article without typing any Markdown, pastes a passage from Google Docs and drops an
image into it, and submits it; an editor finds it on the desk, the two exchange a note,
the editor schedules it and drags it on the calendar to tomorrow at 7 h 00; a reader
finds it at that time, not before.

Each person has a browser context of their own. What the test reads back from the
database is read by read_db(), in a thread of its own (see test_editorial_flow.py).
"""

import base64
from datetime import datetime, time, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, EditorialAction
from images.models import Image
from tests.browser.test_editorial_flow import PARIS, log_in, logged_actions, newsroom, read_db
from tests.browser.test_newsroom_browser import watch
from tests.browser.test_reading import keep_screenshot
from tests.factories import image_bytes

pytestmark = pytest.mark.browser

__all__ = ["newsroom"]

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
DESK = reverse("admin:index")
CHANGELIST = reverse("admin:articles_article_changelist")
TITLE = "Une journée au festival de La Rochelle"
STANDFIRST = "Dix jours de films, de rencontres et de séances à minuit."
ALT = "La grande salle du festival, pleine, avant la séance de minuit"
NOTE = "Les trois cents films, c’est le chiffre du festival ou le nôtre\u00a0?"
ANSWER = "Celui du festival, dans son dossier de presse."

# Copied from a Google Docs document: a heading, bold, a link and a list, inside
# Google's wrapper and styles, which must not reach the stored text.
GOOGLE_DOCS = (
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-0c2d9a1e-7fff-'
    '4b1c-8e2d-1f2e3d4c5b6a"><h1 dir="ltr" style="line-height:1.38;margin-top:20pt;"><span '
    'style="font-size:20pt;font-family:Arial,sans-serif;color:#000000;font-weight:400;">Le '
    'palmarès</span></h1><p dir="ltr" style="line-height:1.38;margin-top:0pt;"><span style="font'
    '-size:11pt;font-family:Arial,sans-serif;font-weight:400;">Le </span><span style="font-size:1'
    '1pt;font-family:Arial,sans-serif;font-weight:700;">prix du public</span><span style="font-si'
    'ze:11pt;font-weight:400;"> est annoncé sur le </span><a href="https://www.festival-larochel'
    'le.org/palmares" style="text-decoration:none;"><span style="font-size:11pt;color:#1155cc;te'
    'xt-decoration:underline;">site du festival</span></a><span style="font-size:11pt;">.</span>'
    '</p><br><ul style="margin-top:0;margin-bottom:0;padding-inline-start:48px;"><li dir="ltr" s'
    'tyle="list-style-type:disc;font-size:11pt;" aria-level="1"><p dir="ltr" style="line-height:'
    '1.38;" role="presentation"><span style="font-size:11pt;font-weight:400;">Meilleur film</span'
    '></p></li><li dir="ltr" style="list-style-type:disc;font-size:11pt;" aria-level="1"><p dir="'
    'ltr" style="line-height:1.38;" role="presentation"><span style="font-size:11pt;font-weight:4'
    '00;">Meilleure interprétation</span></p></li></ul></b><br class="Apple-interchange-newline">'
)
PASTE = """([html, text]) => {
    const data = new DataTransfer();
    data.setData("text/html", html);
    data.setData("text/plain", text);
    document.querySelector(".writing-desk .cm-content").dispatchEvent(
        new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true})
    );
}"""
# Drops a PNG (base64) where a file manager would: on the text, at (x, y).
DROP = """([content, name, x, y]) => {
    const bytes = Uint8Array.from(atob(content), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], name, {type: "image/png"}));
    const target = document.elementFromPoint(x, y);
    for (const type of ["dragenter", "dragover", "drop"]) {
        target.dispatchEvent(new DragEvent(type, {
            dataTransfer: data, clientX: x, clientY: y, bubbles: true, cancelable: true,
        }));
    }
}"""


def expected_body(image_number):
    """What the contributor wrote, as Markdown: three sections, the image, the pasted passage."""
    return (
        "## Un festival au bord de l’eau\n\n"
        "La Rochelle accueille **trois cents films** cette année.\n\n"
        f"![](image:{image_number})\n\n"
        "## Les salles\n\n"
        "Huit salles, dont une en plein air.\n\n"
        "## Les rencontres\n\n"
        "Des cinéastes viennent chaque soir.\n\n"
        "## Le palmarès\n\n"
        "Le **prix du public** est annoncé sur le "
        "[site du festival](https://www.festival-larochelle.org/palmares).\n\n"
        "- Meilleur film\n- Meilleure interprétation"
    )


def paris(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def shoot(page, name):
    """The page as it is, on a laptop and on a phone; the laptop's width is kept for the test."""
    for width, viewport in (("1366", LAPTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        keep_screenshot(page, f"newsroom-day-{name}-{width}.png", full_page=True)
        # Usable on a phone: nothing wider than its screen, no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
    page.set_viewport_size(LAPTOP)


def open_as(browser, origin, username, next_url):
    context = browser.new_context(viewport=LAPTOP, locale="fr-FR")
    page = context.new_page()
    errors, _requests = watch(page)
    log_in(page, origin, username, next_url)
    return page, errors


def stored_article():
    return read_db(
        lambda: (
            Article.objects.filter(title=TITLE)
            .values("pk", "slug", "status", "published_at", "body")
            .get()
        )
    )


def library_images():
    return read_db(lambda: list(Image.objects.values("pk", "alt_text", "licence")))


# 1. The contributor


def write_section(page, heading, before_bold, bold, after_bold):
    """A heading from the toolbar, then a paragraph with bold from Ctrl+B: no Markdown typed."""
    page.click("[data-markdown=heading]")
    page.keyboard.type(heading)
    page.keyboard.press("Enter")
    page.keyboard.type(before_bold)
    if bold:
        page.keyboard.press("Control+B")
        page.keyboard.type(bold)
        # Out of the bold, past its closing marker.
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.type(after_bold)


def contributor_writes_and_submits(page, origin, section):
    page.get_by_role("link", name="Nouvel article").click()
    page.wait_for_url(f"{origin}{reverse('admin:articles_article_add')}")
    page.fill("#id_title", TITLE)
    page.fill("#id_standfirst", STANDFIRST)

    editor = page.locator(".writing-desk .cm-content")
    expect(editor).to_be_visible()
    expect(page.locator("#id_body")).to_be_hidden()
    editor.click()
    write_section(
        page,
        "Un festival au bord de l’eau",
        "La Rochelle accueille ",
        "trois cents films",
        " cette année.",
    )
    page.keyboard.press("Enter")
    write_section(page, "Les salles", "Huit salles, dont une en plein air.", "", "")
    page.keyboard.press("Enter")
    write_section(page, "Les rencontres", "Des cinéastes viennent chaque soir.", "", "")
    page.keyboard.press("Enter")
    page.evaluate(PASTE, [GOOGLE_DOCS, "Le palmarès"])
    # Formatting shows as formatting: headings as headings, the bold as bold.
    expect(page.locator(".cm-line.cm-md-h2")).to_have_text(
        ["Un festival au bord de l’eau", "Les salles", "Les rencontres", "Le palmarès"]
    )
    expect(page.locator(".cm-md-strong").first).to_have_text("trois cents films")

    # An image, dropped at the end of the first paragraph, described before it goes in.
    paragraph = page.locator(".cm-line", has_text="La Rochelle accueille")
    # Scrolled back into the editor's view: the drop lands where the pointer is.
    paragraph.scroll_into_view_if_needed()
    line = paragraph.bounding_box()
    png = image_bytes(1600, 900)
    page.evaluate(
        DROP,
        [
            base64.b64encode(png).decode(),
            "grande-salle.png",
            line["x"] + line["width"] - 2,
            line["y"] + line["height"] / 2,
        ],
    )
    dialog = page.locator("#image-upload")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".image-upload__file")).to_contain_text("grande-salle.png")
    page.fill("#image-upload-alt_text", ALT)
    page.fill("#image-upload-licence", "Photo du festival, libre pour la presse")
    page.click(".image-upload__send")
    expect(dialog).to_be_hidden()
    expect(page.locator("#id_body")).to_have_value(expected_body(library_images()[0]["pk"]))
    expect(page.locator("#writing-preview-body figure img")).to_have_attribute("alt", ALT)

    page.select_option("#id_section", label=section.name)
    shoot(page, "contributor-edit-page")
    page.get_by_role("button", name="Soumettre à la relecture").click()
    expect(page.locator(".messagelist .success")).to_contain_text("est soumis à la relecture")
    expect(page.locator(".publishing-state")).to_contain_text("En relecture")


def test_a_day_in_the_newsroom(newsroom, chromium):
    origin, section = newsroom
    writer, writer_errors = open_as(chromium, origin, "camille", CHANGELIST)

    contributor_writes_and_submits(writer, origin, section)

    article = stored_article()
    [image] = library_images()
    assert image["alt_text"] == ALT
    assert image["licence"] == "Photo du festival, libre pour la presse"
    # Markdown only: none of the HTML or Google's wrapper pasted with the passage. Its
    # line ends are the CRLF a browser posts a textarea with, as the Markdown view's.
    assert article["body"].replace("\r\n", "\n") == expected_body(image["pk"])
    assert article["status"] == Article.Status.REVIEW
    assert article["published_at"] is None
    article_path = reverse("articles:detail", kwargs={"slug": article["slug"]})
    change_url = reverse("admin:articles_article_change", args=[article["pk"]])

    # 2. The editor finds it on the desk, and a note goes round.
    editor, editor_errors = open_as(chromium, origin, "ines", DESK)
    review = editor.locator(".desk-review")
    expect(review.locator("h2")).to_contain_text("À relire")
    shoot(editor, "editor-desk")
    review.locator(".desk-title", has_text=TITLE).click()
    editor.wait_for_url(f"{origin}{change_url}")
    expect(editor.locator(".publishing-state")).to_contain_text("En relecture")
    shoot(editor, "editor-edit-page")
    editor.fill("#id_text", NOTE)
    editor.fill("#id_passage", "trois cents films")
    editor.get_by_role("button", name="Envoyer la note").click()
    expect(editor.locator(".messagelist")).to_contain_text("Note envoyée.")

    writer.goto(origin + DESK)
    note = writer.locator(".desk-notes .desk-line")
    expect(note).to_contain_text(NOTE)
    shoot(writer, "contributor-desk")
    note.locator("a").click()
    thread = writer.locator(".note-thread")
    expect(thread.locator(".note-passage")).to_have_text("trois cents films")
    thread.locator("textarea").fill(ANSWER)
    thread.get_by_role("button", name="Envoyer la réponse").click()
    expect(writer.locator(".note-reply")).to_contain_text(ANSWER)

    editor.goto(origin + DESK)
    answered = editor.locator(".desk-notes .desk-line")
    expect(answered).to_contain_text("Camille a répondu à votre note")
    answered.locator("a").click()
    editor.get_by_role("button", name="Marquer comme résolue").click()
    expect(editor.locator(".note-status")).to_contain_text("Résolue par Ines")
    expect(editor.locator(".note-thread textarea")).to_have_count(0)
    for page in (editor, writer):
        page.goto(origin + DESK)
        expect(page.locator(".desk-notes .desk-empty")).to_have_text(
            "Aucune note n’attend votre réponse."
        )

    # 3. The editor schedules it, then drags it on the calendar to tomorrow at 7 h 00.
    tomorrow = timezone.localdate() + timedelta(days=1)
    # Scheduled first for the evening of another day of tomorrow's week (a review
    # article without a date is not on the calendar, and only a scheduled one is
    # moved by its publication date).
    first_day = tomorrow + timedelta(days=1) if tomorrow.weekday() < 6 else tomorrow
    editor.goto(origin + change_url)
    editor.fill("#id_scheduled_for_0", f"{first_day:%Y-%m-%d}")
    editor.fill("#id_scheduled_for_1", "18:00")
    editor.locator(".publishing-schedule-button").click()
    expect(editor.locator(".messagelist .success")).to_contain_text("18\u00a0h\u00a000")
    assert stored_article()["published_at"] == paris(first_day, 18)

    iso_year, number, _weekday = tomorrow.isocalendar()
    editor.goto(f"{origin}{reverse('admin:calendar')}?semaine={iso_year}-W{number:02d}")
    entry = editor.locator(".cal-entry", has_text=TITLE)
    expect(entry.locator("time")).to_have_text("18\u00a0h\u00a000")
    shoot(editor, "editor-calendar-week")
    target = editor.locator(f".cal-slot[data-day='{tomorrow:%Y-%m-%d}'][data-time='07:00']")
    entry.drag_to(target)
    message = editor.locator(".messagelist .success")
    expect(message).to_contain_text(f"« {TITLE} » est programmé pour le")
    expect(message).to_contain_text("à 7\u00a0h\u00a000.")
    expect(target.locator(".cal-entry")).to_contain_text(TITLE)
    expect(target.locator(".cal-entry time")).to_have_text("7\u00a0h\u00a000")
    when = paris(tomorrow, 7)
    assert stored_article()["published_at"] == when
    editor.goto(f"{origin}{reverse('admin:calendar')}?mois={tomorrow:%Y-%m}")
    expect(editor.locator(".cal-entry", has_text=TITLE)).to_be_visible()
    shoot(editor, "editor-calendar-month")
    editor.goto(origin + reverse("admin:images_image_changelist"))
    card = editor.locator(".library-card")
    # Described, and counted as used by the article it was dropped into.
    expect(card.locator(".library-card__title")).to_have_text("grande-salle.png")
    expect(card.locator(".library-card__missing")).to_have_count(0)
    expect(card.locator(".library-card__usage")).to_have_text("Utilisée 1 fois")
    shoot(editor, "editor-library")
    assert writer_errors == []
    assert editor_errors == []

    # 4. The reader: nothing before 7 h 00 tomorrow, the whole article from then on.
    reader = chromium.new_context(viewport=LAPTOP, locale="fr-FR").new_page()
    # The live server runs in this process: moving the clock here moves its clock. It
    # is stopped there, not set going: a second before 7 h 00 would have passed while
    # a loaded machine draws the pages.
    for moment, is_online in (
        (when - timedelta(seconds=1), False),
        (when + timedelta(seconds=1), True),
    ):
        with mock.patch("django.utils.timezone.now", new=lambda moment=moment: moment):
            response = reader.goto(origin + article_path)
            assert response.status == (200 if is_online else 404), moment
            if is_online:
                read_the_article(reader)
            reader.goto(origin + "/")
            links = reader.locator(f"a[href$='{article_path}']")
            if is_online:
                expect(links.first).to_be_visible()
            else:
                expect(links).to_have_count(0)

    # Each person's move, in the action log; the move on the calendar is a schedule.
    Kind = EditorialAction.Kind
    assert logged_actions(article["pk"]) == [
        (Kind.SUBMITTED, "camille"),
        (Kind.NOTED, "ines"),
        (Kind.ANSWERED, "camille"),
        (Kind.RESOLVED, "ines"),
        (Kind.SCHEDULED, "ines"),
        (Kind.SCHEDULED, "ines"),
    ]


def read_the_article(page):
    """What the contributor wrote, formatted: the headings, bold, list, link and figure."""
    expect(page.locator("main h1")).to_have_text(TITLE)
    main = page.locator(".article-body")
    expect(main.locator("h2")).to_have_text(
        ["Un festival au bord de l’eau", "Les salles", "Les rencontres", "Le palmarès"]
    )
    expect(main.locator("strong")).to_have_text(["trois cents films", "prix du public"])
    expect(main.locator("li", has_text="Meilleur")).to_have_text(
        ["Meilleur film", "Meilleure interprétation"]
    )
    expect(main.get_by_role("link", name="site du festival")).to_have_attribute(
        "href", "https://www.festival-larochelle.org/palmares"
    )
    expect(main.locator("figure img")).to_have_attribute("alt", ALT)
