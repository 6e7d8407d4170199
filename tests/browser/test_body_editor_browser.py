"""
The article body written as in a word processor: formatting shown as formatting while the
Markdown underneath is what is saved, HTML pasted from Google Docs, Word or a web page
cleaned into Markdown, images dropped into the text handed to the library's upload, and
typing that stays smooth in a long article.

The form's textarea stays the field that is posted: every assertion on the text reads it.
"""

import re
import statistics

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.axe import serious_violations
from tests.browser.test_newsroom_browser import PASSWORD, WIDE, log_in, newsroom, watch
from tests.factories import make_article
from tests.long_read import HEADINGS, long_read

pytestmark = pytest.mark.browser

__all__ = ["newsroom"]

# Every CSP refusal, counted in the page itself: Chromium also logs them, but the
# event says which directive refused what.
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.cspViolations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});
"""


def open_form(chromium, origin, change_url, **options):
    context = chromium.new_context(viewport=WIDE, locale="fr-FR", **options)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    errors, _requests = watch(page)
    log_in(page, origin, change_url)
    return context, page, errors


def body_text(page):
    return page.input_value("#id_body")


def test_writer_formats_the_text_without_typing_markdown(newsroom, chromium):
    origin, change_url, _article_id = newsroom
    context, page, errors = open_form(chromium, origin, change_url)
    editor = page.locator(".writing-desk .cm-content")
    expect(editor).to_be_visible()
    expect(page.locator("#id_body")).to_be_hidden()
    expect(page.get_by_role("button", name="Mise en forme")).to_have_attribute(
        "aria-pressed", "true"
    )
    # The heading the article opens with reads as a heading, without its ##.
    heading = page.locator(".cm-line.cm-md-h2")
    expect(heading).to_have_text("Le contexte")

    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.click("[data-markdown=heading]")
    page.keyboard.type("Le tournage")
    page.keyboard.press("Enter")
    page.keyboard.type("Une scène ")
    page.keyboard.press("Control+B")
    page.keyboard.type("tournée de nuit")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.type(", puis ")
    page.keyboard.press("Control+I")
    page.keyboard.type("recommencée")
    page.keyboard.press("ArrowRight")
    page.keyboard.type(".")
    page.keyboard.press("Enter")
    page.click("[data-markdown=list]")
    page.keyboard.type("Premier plan")
    page.keyboard.press("Enter")
    page.keyboard.type("Second plan")

    assert body_text(page) == (
        "## Le contexte\n\nUn paragraphe de texte.\n\n"
        "## Le tournage\n\n"
        "Une scène **tournée de nuit**, puis *recommencée*.\n\n"
        "- Premier plan\n- Second plan"
    )
    # Away from the cursor, the markers are hidden and the formatting shows.
    expect(page.locator(".cm-line.cm-md-h2")).to_have_text(["Le contexte", "Le tournage"])
    paragraph = page.locator(".cm-line", has_text="Une scène")
    expect(paragraph).to_have_text("Une scène tournée de nuit, puis recommencée.")
    assert (
        paragraph.locator(".cm-md-strong").evaluate("e => getComputedStyle(e).fontWeight") == "700"
    )
    assert paragraph.locator(".cm-md-em").evaluate("e => getComputedStyle(e).fontStyle") == "italic"
    sizes = page.evaluate(
        """() => [".cm-md-h2", ".cm-line:not(.cm-md-h)"].map(
            (selector) => parseFloat(getComputedStyle(document.querySelector(selector)).fontSize)
        )"""
    )
    assert sizes[0] > sizes[1] * 1.3
    expect(page.locator(".cm-md-bullet")).to_have_count(1)
    # The preview and autosave follow the editor through the textarea.
    preview = page.locator("#writing-preview-body")
    expect(preview.locator("h2")).to_have_text(["Le contexte", "Le tournage"])
    expect(preview.locator("strong")).to_have_text("tournée de nuit")
    expect(page.locator("#autosave-status")).not_to_be_empty()

    # The Markdown view shows the same text, with its markers, and is written in as before.
    page.get_by_role("button", name="Markdown").click()
    textarea = page.locator("#id_body")
    expect(textarea).to_be_visible()
    expect(editor).to_be_hidden()
    expect(textarea).to_be_focused()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\n> Une citation.")
    page.get_by_role("button", name="Mise en forme").click()
    expect(page.locator(".cm-line.cm-md-quote")).to_have_text("Une citation.")
    # What was written in the other view is one step of the editor's undo.
    page.keyboard.press("Control+Z")
    assert body_text(page).endswith("- Second plan")
    page.keyboard.press("Control+Shift+Z")
    assert body_text(page).endswith("- Second plan\n\n> Une citation.")

    page.click("button[name=_save]")
    page.wait_for_load_state("load")
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".cm-line.cm-md-quote")).to_have_text("Une citation.")
    assert errors == []
    assert page.evaluate("window.cspViolations") == []
    context.close()


def test_the_markdown_reminders_go_with_the_markdown_view(newsroom, chromium):
    origin, change_url, _article_id = newsroom
    context, page, errors = open_form(chromium, origin, change_url)
    reminders = page.locator("#id_body_helptext, #writing-cheatsheet")
    editor = page.locator(".writing-desk .cm-content")
    expect(editor).to_be_visible()

    # Formatting shows as formatting: no syntax to learn, shown or read out.
    expect(reminders).to_have_count(2)
    for reminder in reminders.all():
        expect(reminder).to_be_hidden()
    assert "id_body_helptext" not in (editor.get_attribute("aria-describedby") or "")

    page.get_by_role("button", name="Markdown").click()
    expect(page.locator("#id_body_helptext")).to_contain_text("## pour un intertitre")
    expect(page.locator("#writing-cheatsheet")).to_contain_text("Aide-mémoire Markdown")
    assert "id_body_helptext" in page.locator("#id_body").get_attribute("aria-describedby")

    page.get_by_role("button", name="Mise en forme").click()
    for reminder in reminders.all():
        expect(reminder).to_be_hidden()
    assert errors == []
    context.close()


def test_toolbar_and_shortcuts_act_on_the_formatted_text(newsroom, chromium):
    origin, change_url, _article_id = newsroom
    context, page, errors = open_form(chromium, origin, change_url)
    editor = page.locator(".writing-desk .cm-content")

    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("Un mot important.")
    for _ in range(len(" important.")):
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowRight")
    for _ in range(len("important")):
        page.keyboard.press("Shift+ArrowRight")
    page.click("[data-markdown=bold]")
    assert body_text(page) == "Un mot **important**."
    page.click("[data-markdown=bold]")
    assert body_text(page) == "Un mot important."
    page.keyboard.press("Control+K")
    page.keyboard.type("https://example.com")
    assert body_text(page) == "Un mot [important](https://example.com)."
    # Away from the link, only its text shows, as a link.
    page.keyboard.press("Control+Home")
    expect(page.locator(".cm-md-link")).to_have_text("important")
    expect(page.locator(".cm-line")).to_have_text("Un mot important.")
    page.keyboard.press("Control+Z")
    assert body_text(page) == "Un mot [important](https://)."
    assert errors == []
    context.close()


GOOGLE_DOCS = (
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-4f1c2a7e-7fff-1b'
    '2c-9d3e-5a6b7c8d9e0f"><h1 dir="ltr" style="line-height:1.38;margin-top:20pt;margin-bottom:6p'
    't;"><span style="font-size:20pt;font-family:Arial,sans-serif;color:#000000;background-color:'
    "transparent;font-weight:400;font-style:normal;font-variant:normal;text-decoration:none;verti"
    'cal-align:baseline;white-space:pre;white-space:pre-wrap;">Le festival en chiffres</span></h1'
    '><p dir="ltr" style="line-height:1.38;margin-top:0pt;margin-bottom:0pt;"><span style="font-s'
    "ize:11pt;font-family:Arial,sans-serif;color:#000000;background-color:transparent;font-weight"
    ':400;font-style:normal;">Cette année, le jury a vu </span><span style="font-size:11pt;font-f'
    "amily:Arial,sans-serif;color:#000000;background-color:transparent;font-weight:700;font-style"
    ':normal;">vingt-deux films</span><span style="font-size:11pt;font-family:Arial,sans-serif;co'
    'lor:#000000;font-weight:400;font-style:normal;"> en </span><span style="font-size:11pt;font-'
    'family:Arial,sans-serif;color:#000000;font-weight:400;font-style:italic;">douze jours</span>'
    '<span style="font-size:11pt;font-family:Arial,sans-serif;color:#000000;font-weight:400;">, s'
    'elon le </span><a href="https://www.festival-cannes.com/fr/" style="text-decoration:none;"><'
    'span style="font-size:11pt;font-family:Arial,sans-serif;color:#1155cc;font-weight:400;text-d'
    'ecoration:underline;-webkit-text-decoration-skip:none;">site du festival</span></a><span sty'
    'le="font-size:11pt;font-family:Arial,sans-serif;">.</span></p><br><ul style="margin-top:0;ma'
    'rgin-bottom:0;padding-inline-start:48px;"><li dir="ltr" style="list-style-type:disc;font-siz'
    'e:11pt;font-family:Arial,sans-serif;color:#000000;" aria-level="1"><p dir="ltr" style="line-'
    'height:1.38;margin-top:0pt;margin-bottom:0pt;" role="presentation"><span style="font-size:11'
    'pt;font-family:Arial,sans-serif;font-weight:400;">Compétition officielle</span></p></li><ul '
    'style="margin-top:0;margin-bottom:0;padding-inline-start:48px;"><li dir="ltr" style="list-st'
    'yle-type:circle;font-size:11pt;" aria-level="2"><p dir="ltr" style="line-height:1.38;margin-'
    'top:0pt;margin-bottom:0pt;" role="presentation"><span style="font-size:11pt;font-weight:400;'
    '">Palme d’or</span></p></li></ul><li dir="ltr" style="list-style-type:disc;font-size:11pt;" '
    'aria-level="1"><p dir="ltr" style="line-height:1.38;margin-top:0pt;margin-bottom:0pt;" role='
    '"presentation"><span style="font-size:11pt;font-weight:400;">Un certain regard</span></p></l'
    'i></ul><br><p dir="ltr" style="line-height:1.38;"><span style="font-size:11pt;font-family:Ar'
    'ial,sans-serif;color:#000000;font-weight:400;">Fin du compte rendu.</span></p></b><br class='
    '"Apple-interchange-newline">'
)
GOOGLE_DOCS_MARKDOWN = (
    "## Le festival en chiffres\n\n"
    "Cette année, le jury a vu **vingt-deux films** en *douze jours*, selon le "
    "[site du festival](https://www.festival-cannes.com/fr/).\n\n"
    "- Compétition officielle\n    - Palme d’or\n- Un certain regard\n\n"
    "Fin du compte rendu."
)

WORD = """<html xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8">
<meta name=ProgId content=Word.Document><meta name=Generator content="Microsoft Word 15">
<!--[if gte mso
9]><xml><o:OfficeDocumentSettings><o:AllowPNG/></o:OfficeDocumentSettings></xml><![endif]-->
<style><!-- p.MsoNormal {mso-style-parent:""; margin:0cm; font-size:12.0pt;}
p.MsoQuote {mso-style-priority:29; font-style:italic;} --></style></head>
<body lang=FR style='tab-interval:35.4pt;word-wrap:break-word'>
<!--StartFragment-->
<h2><span lang=FR style='mso-fareast-font-family:"Times New Roman"'>Entretien avec la
réalisatrice<o:p></o:p></span></h2>
<p class=MsoNormal><span lang=FR>Elle a tourné <b style='mso-bidi-font-weight:normal'>trois
semaines</b> en <i style='mso-bidi-font-style:normal'>Bretagne</i>, avec une équipe
réduite.<o:p></o:p></span></p>
<p class=MsoQuote><span lang=FR>«&nbsp;Je voulais la lumière
d’hiver.&nbsp;»<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if
!supportLists]><span
lang=FR style='font-family:Symbol;mso-fareast-font-family:Symbol'><span
style='mso-list:Ignore'>·<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;
</span></span></span><![endif]><span
lang=FR>Le scénario<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpMiddle
style='margin-left:72.0pt;mso-add-space:auto;text-indent:-18.0pt;mso-list:l0 level2 lfo1'><![if
!supportLists]><span
lang=FR style='font-family:"Courier New"'><span style='mso-list:Ignore'>o<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;
</span></span></span><![endif]><span lang=FR>Première version en 2021<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if
!supportLists]><span
lang=FR style='font-family:Symbol'><span style='mso-list:Ignore'>·<span style='font:7.0pt
"Times New Roman"'>&nbsp;&nbsp;
</span></span></span><![endif]><span lang=FR>Le casting<o:p></o:p></span></p>
<p class=MsoNormal><!--[if supportFields]><span lang=FR><span
style='mso-element:field-begin'></span></span><![endif]-->
<span lang=FR>Sortie le 12 mars.</span><img width=120 height=80
src="file:///C:/Users/redac/AppData/Local/Temp/msohtmlclip1/01/clip_image001.png"><o:p></o:p></p>
<!--EndFragment-->
</body></html>"""
WORD_MARKDOWN = (
    "## Entretien avec la réalisatrice\n\n"
    "Elle a tourné **trois semaines** en *Bretagne*, avec une équipe réduite.\n\n"
    "> «\u00a0Je voulais la lumière d’hiver.\u00a0»\n\n"
    "- Le scénario\n    - Première version en 2021\n- Le casting\n\n"
    "Sortie le 12 mars."
)

WEB_PAGE = """<meta charset='utf-8'><div class="article__content" style="font-family: Georgia;">
<h2 class="article__title" id="intertitre-1">La salle <span class="highlight">rouvre</span></h2>
<p class="lead">Le cinéma <a href="https://www.example.fr/cinema-le-rex" class="internal-link"
data-track="click">Le Rex</a> rouvre <strong>samedi</strong> après <em>dix-huit mois</em> de
travaux.<sup><a href="#note-1">1</a></sup></p>
<figure class="wp-block-image"><img src="https://www.example.fr/rex.jpg" alt="La façade">
<figcaption>La façade rénovée.</figcaption></figure>
<script>window.dataLayer.push({event: "read"});</script><style>.lead{color:red}</style>
<blockquote class="wp-block-quote"><p>Nous avons gardé les fauteuils rouges.</p></blockquote>
<ol><li>Trois salles</li><li>Une terrasse</li></ol>
<button class="share">Partager</button>
<p>Voir <a href="javascript:alert(1)">ce lien</a> et <a href="/programme">le programme</a>.</p>
</div>"""
WEB_PAGE_MARKDOWN = (
    "## La salle rouvre\n\n"
    "Le cinéma [Le Rex](https://www.example.fr/cinema-le-rex) rouvre **samedi** après "
    "*dix-huit mois* de travaux.1\n\n"
    "La façade rénovée.\n\n"
    "> Nous avons gardé les fauteuils rouges.\n\n"
    "1. Trois salles\n2. Une terrasse\n\n"
    "Voir ce lien et le programme."
)

PASTE = """([selector, html, text]) => {
    const data = new DataTransfer();
    if (html !== null) data.setData("text/html", html);
    data.setData("text/plain", text);
    const event = new ClipboardEvent(
        "paste", {clipboardData: data, bubbles: true, cancelable: true}
    );
    document.querySelector(selector).dispatchEvent(event);
}"""


@pytest.mark.parametrize(
    ("html", "expected"),
    [(GOOGLE_DOCS, GOOGLE_DOCS_MARKDOWN), (WORD, WORD_MARKDOWN), (WEB_PAGE, WEB_PAGE_MARKDOWN)],
    ids=["google-docs", "word", "web-page"],
)
def test_pasted_html_keeps_headings_emphasis_lists_links_and_quotes_only(
    newsroom, chromium, html, expected
):
    origin, change_url, _article_id = newsroom
    context, page, errors = open_form(chromium, origin, change_url)
    page.locator(".writing-desk .cm-content").click()
    page.keyboard.press("Control+End")

    page.evaluate(PASTE, [".writing-desk .cm-content", html, "texte brut"])

    assert body_text(page) == "## Le contexte\n\nUn paragraphe de texte.\n\n" + expected
    # The same cleaning in the Markdown view.
    page.get_by_role("button", name="Markdown").click()
    page.fill("#id_body", "Début.")
    page.keyboard.press("Control+End")
    page.evaluate(PASTE, ["#id_body", html, "texte brut"])
    assert body_text(page) == "Début.\n\n" + expected
    assert errors == []
    assert page.evaluate("window.cspViolations") == []
    context.close()


def test_plain_text_is_pasted_as_it_is(newsroom, chromium):
    origin, change_url, _article_id = newsroom
    context, page, _errors = open_form(chromium, origin, change_url)
    page.locator(".writing-desk .cm-content").click()
    page.keyboard.press("Control+End")

    page.evaluate(PASTE, [".writing-desk .cm-content", None, " et *des étoiles* [sic]"])

    assert body_text(page) == "## Le contexte\n\nUn paragraphe de texte. et *des étoiles* [sic]"
    context.close()


# Stands in for the library's dialog (tests/browser/test_image_upload_browser.py tests
# the real one): a setter that ignores it keeps image-upload.js from replacing it.
UPLOAD_DIALOG = """
window.uploadsAsked = [];
const askedFor = (file) => {
    window.uploadsAsked.push(file.name);
    // The writer cancels the dialog for a file called "annule.png".
    const number = window.uploadsAsked.length;
    return Promise.resolve(file.name === "annule.png" ? null : `![](image:${number})`);
};
Object.defineProperty(window, "screenmaniaImageUpload", {get: () => askedFor, set: () => {}});
"""

DROP = """([names, x, y]) => {
    const data = new DataTransfer();
    names.forEach((name) => data.items.add(new File(["png"], name, {type: "image/png"})));
    const target = document.elementFromPoint(x, y);
    for (const type of ["dragenter", "dragover", "drop"]) {
        target.dispatchEvent(new DragEvent(type, {
            dataTransfer: data, clientX: x, clientY: y, bubbles: true, cancelable: true,
        }));
    }
}"""


def test_images_dropped_or_pasted_go_through_the_upload_dialog_into_the_text(newsroom, chromium):
    origin, change_url, _article_id = newsroom
    context, page, errors = open_form(chromium, origin, change_url)
    page.add_init_script(UPLOAD_DIALOG)
    page.reload()
    heading = page.locator(".cm-line.cm-md-h2")
    box = heading.bounding_box()

    # Dropped at the end of the heading: the image goes in after it, as a paragraph.
    page.evaluate(
        DROP, [["affiche.png"], box["x"] + box["width"] - 2, box["y"] + box["height"] / 2]
    )
    expect(page.locator("#id_body")).to_have_value(
        "## Le contexte\n\n![](image:1)\n\nUn paragraphe de texte."
    )

    # Pasted (a screenshot): at the cursor; a cancelled dialog inserts nothing.
    page.locator(".cm-line", has_text="Un paragraphe").click()
    page.keyboard.press("End")
    page.evaluate(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(["png"], "annule.png", {type: "image/png"}));
            data.items.add(new File(["png"], "capture.png", {type: "image/png"}));
            document.querySelector(".cm-content").dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true})
            );
        }"""
    )
    expect(page.locator("#id_body")).to_have_value(
        "## Le contexte\n\n![](image:1)\n\nUn paragraphe de texte.\n\n![](image:3)"
    )
    assert page.evaluate("window.uploadsAsked") == ["affiche.png", "annule.png", "capture.png"]
    expect(page.locator("#writing-preview-body")).to_contain_text("Un paragraphe de texte.")
    assert errors == []
    context.close()


def test_without_the_upload_dialog_dropped_images_are_ignored(newsroom, chromium):
    origin, change_url, _article_id = newsroom
    context, page, errors = open_form(chromium, origin, change_url)
    box = page.locator(".cm-line.cm-md-h2").bounding_box()

    page.evaluate(DROP, [["affiche.png"], box["x"] + 5, box["y"] + 5])

    # Neither in the text nor opened by the browser in place of the form.
    assert body_text(page) == "## Le contexte\n\nUn paragraphe de texte."
    assert page.url.endswith(change_url)
    assert errors == []
    context.close()


def test_without_javascript_the_body_is_the_plain_textarea(newsroom, chromium):
    origin, change_url, article_id = newsroom
    context = chromium.new_context(viewport=WIDE, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    log_in(page, origin, change_url)
    expect(page.locator("#id_body")).to_be_visible()
    expect(page.locator(".cm-editor")).to_have_count(0)
    expect(page.locator("#writing-views")).to_be_hidden()
    # The textarea is all there is: its syntax is told under it.
    expect(page.locator("#id_body_helptext")).to_contain_text("## pour un intertitre")

    page.fill("#id_body", "## Sans script\n\nUn texte **gras**.")
    page.click("button[name=_save]")
    page.wait_for_load_state("load")
    context.close()

    # As posted by the browser, with its CRLF line ends.
    assert Article.objects.get(pk=article_id).body == "## Sans script\r\n\r\nUn texte **gras**."


# Per key, from keydown to the second frame after it, the first that can show what the
# key changed: what the writer waits for, measured in the page, so the test driver's own
# latency is left out. A frame is some 16 ms, so no key measures under that.
MEASURE_KEYS = """
window.keyLatencies = [];
window.keysDown = 0;
document.addEventListener("keydown", (event) => {
    window.keysDown += 1;
    const start = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => {
        window.keyLatencies.push(performance.now() - start);
    }));
}, true);
"""
# Typed after End, which goes to the end of the line as shown: in a paragraph wrapped
# over several, before or after the space where it wraps. The last space keeps the
# sentence's last word apart from the next one either way: ten words more, each time.
TYPED = "Une phrase tapée au clavier au milieu du texte long. "


def key_latencies(page):
    page.evaluate("window.keyLatencies = []; window.keysDown = 0")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type(TYPED, delay=30)
    # Waited for in the page: wait_for_function() would evaluate a string, which the CSP
    # refuses. Accented letters are typed without a keydown, as an input method would.
    page.evaluate(
        """() => new Promise((resolve) => {
            const check = () => (
                window.keyLatencies.length >= window.keysDown ? resolve() : setTimeout(check, 20)
            );
            check();
        })"""
    )
    latencies = sorted(page.evaluate("window.keyLatencies"))
    return {
        "median": round(statistics.median(latencies), 1),
        "p95": round(latencies[int(len(latencies) * 0.95) - 1], 1),
        "max": round(latencies[-1], 1),
    }


@pytest.fixture
def long_article(live_server, transactional_db):
    User.objects.create_superuser("redaction", password=PASSWORD)
    article = make_article(body=long_read())
    return live_server.url, reverse("admin:articles_article_change", args=[article.pk]), article


def in_french(number):
    """``number`` as the admin writes it, thousands apart: « 10 757 »."""
    return f"{number:,}".replace(",", "\u00a0")


def words_counted(page):
    """The words of the text as the preview counts them for a reader (« 10 757 mots »)."""
    label = page.locator("#writing-reading-time").inner_text()
    return int(re.sub(r"\D", "", label.rpartition("·")[2]))


def places_typed(page):
    """Where the typed sentences are, each a fraction of the text, all halfway down."""
    text = body_text(page)
    places = [found.start() / len(text) for found in re.finditer(re.escape(TYPED), text)]
    assert all(0.3 < place < 0.7 for place in places), places
    return places


def test_typing_in_a_ten_thousand_word_article_stays_smooth(
    long_article, chromium, record_property
):
    origin, change_url, article = long_article
    context, page, errors = open_form(chromium, origin, change_url)
    page.add_init_script(MEASURE_KEYS)
    page.reload()
    # The page settled, as a writer finds it: the preview of the whole text drawn.
    expect(page.locator("#writing-preview-body h2")).to_have_count(len(HEADINGS))
    words = words_counted(page)
    assert words >= 10_000

    # Halfway down the text, as a writer scrolls there and clicks.
    page.locator(".cm-scroller").evaluate(
        "(scroller) => { scroller.scrollTop = scroller.scrollHeight / 2; }"
    )
    page.locator(".cm-line", has_text="cinéma").nth(2).click()
    formatted = key_latencies(page)
    assert len(places_typed(page)) == 1
    # The preview follows, its count with it: the sentence typed is ten words more.
    expect(page.locator("#writing-reading-time")).to_contain_text(in_french(words + 10))
    # The same in the Markdown view, the textarea of old, for comparison, halfway down too.
    page.get_by_role("button", name="Markdown").click()
    textarea = page.locator("#id_body")
    textarea.evaluate("(textarea) => { textarea.scrollTop = textarea.scrollHeight / 2; }")
    textarea.click()
    markdown = key_latencies(page)
    assert len(places_typed(page)) == 2
    expect(page.locator("#writing-reading-time")).to_contain_text(in_french(words + 20))

    record_property("keystroke_latency_ms", {"formatted": formatted, "markdown": markdown})
    print(f"keystroke latency, formatted {formatted}, Markdown {markdown}")
    # Timings vary with the machine's load: the bound is only what a writer would call
    # broken, keys taking a tenth of a second to show as a rule, not now and then.
    assert formatted["median"] < 100, formatted

    # Saved through the form, stored whole and served to readers.
    written = body_text(page)
    page.click("button[name=_save]")
    page.wait_for_load_state("load")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert errors == []
    context.close()
    article.refresh_from_db()
    # As the browser posts it (CRLF) and the form cleans it (the last space dropped).
    assert article.body.replace("\r\n", "\n") == written.strip()
    reader = chromium.new_context(viewport=WIDE, locale="fr-FR")
    page = reader.new_page()
    page.goto(origin + article.get_absolute_url())
    text = page.locator(".article-body").inner_text()
    assert text.count(TYPED.strip()) == 2
    # A word, for a reader, is a run between spaces holding a letter or a digit.
    assert sum(1 for token in text.split() if any(c.isalnum() for c in token)) == words + 20
    reader.close()


def test_the_editor_has_no_serious_accessibility_violation(newsroom, chromium, axe_js):
    origin, change_url, _article_id = newsroom
    context = chromium.new_context(viewport=WIDE, locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    log_in(page, origin, change_url)
    expect(page.locator(".writing-desk .cm-content")).to_be_visible()

    # The body's row: label, views, toolbar, editor and preview. The rest of the form
    # (the authors' inline, the planned date's widget) is no part of the editor.
    assert serious_violations(page, axe_js.read_text(), "body", scope=".field-body") == []
    context.close()
