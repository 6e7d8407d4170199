"""
The redirect table in a browser, as an editor uses it on a laptop and on a phone: the
list, the form, and a CSV import refused line by line then accepted; nothing wider than
the screen and nothing axe finds serious.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from redirects.models import Redirect
from tests.browser.axe import serious_violations
from tests.browser.test_desk_browser import log_in, newsroom
from tests.browser.test_reading import keep_screenshot

pytestmark = pytest.mark.browser

__all__ = ["newsroom"]

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
BAD_CSV = (
    "old_path;target;status\n"
    "/2023/07/28/la-greve-a-hollywood-et-les-plateformes-de-streaming/;/articles/greve/;301\n"
    "ancien;/articles/x/;301\n"
    "/statut/;/articles/x/;303\n"
)
GOOD_CSV = "old_path;target;status\n/?p=123;/articles/greve/;301\n/retire/;;410\n"


@pytest.fixture
def redirects(newsroom):
    Redirect.objects.point(
        "/2023/07/28/la-greve-a-hollywood-et-les-plateformes-de-streaming/",
        "/articles/la-greve-a-hollywood/",
        source=Redirect.Source.WORDPRESS,
    )
    Redirect.objects.point("/festival/", "https://festival.example/programme/", status=302)
    Redirect.objects.gone("/2019/01/01/retire/")
    return newsroom


def test_an_editor_lists_adds_and_imports_redirects(redirects, chromium, axe_js):
    page = log_in(chromium, redirects, "ines", viewport=LAPTOP, locale="fr-FR", bypass_csp=True)
    axe_source = axe_js.read_text()
    problems = []

    def look(name):
        """Each page at each width: one walk through, the window resized at each page."""
        page.wait_for_load_state("load")
        for viewport in (LAPTOP, PHONE):
            width = viewport["width"]
            page.set_viewport_size(viewport)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            problems.extend(serious_violations(page, axe_source, f"{name} at {width} px"))
            keep_screenshot(page, f"redirects-{name}-{width}.png", full_page=True)
        page.set_viewport_size(LAPTOP)

    page.goto(redirects + reverse("admin:redirects_redirect_changelist"))
    expect(page.locator("#result_list")).to_contain_text("Import WordPress")
    look("list")

    page.goto(redirects + reverse("admin:redirects_redirect_add"))
    page.fill("#id_old_path", "/programme/")
    page.select_option("#id_status", "301")
    page.fill("#id_target", "/programme/")
    page.click("input[name=_save]")
    expect(page.locator(".errorlist")).to_contain_text("ne peut pas mener à elle-même")
    look("form")

    page.goto(redirects + reverse("admin:redirects_redirect_import"))
    page.set_input_files(
        "#id_file", {"name": "r.csv", "mimeType": "text/csv", "buffer": BAD_CSV.encode()}
    )
    page.click("input[type=submit]")
    expect(page.locator(".errornote")).to_contain_text("Ligne 3")
    expect(page.locator(".errornote")).to_contain_text("Ligne 4")
    look("import")

    page.set_input_files(
        "#id_file", {"name": "r.csv", "mimeType": "text/csv", "buffer": GOOD_CSV.encode()}
    )
    page.click("input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("2 redirections importées.")

    article = Article.objects.get()
    page.goto(redirects + reverse("admin:articles_article_delete", args=[article.pk]))
    expect(page.locator(".answer-gone")).to_contain_text("410 Gone")
    look("article-deletion")
    page.context.close()
    assert not problems, "\n".join(problems)
