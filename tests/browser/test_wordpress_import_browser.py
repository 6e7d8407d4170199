"""
An administrator imports a WordPress export from the admin: uploads it, watches the bar
a real worker moves, then reads the report, on a phone and on a laptop.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.served_demo import live_server
from tests.browser.test_reading import keep_screenshot
from tests.factories import ADMINISTRATOR, make_member
from tests.wordpress.wxr_files import export, post
from tests.workers import running_worker, wait_for
from wordpress.models import WordPressImport

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
CINEMA = {"id": 3, "slug": "cinema", "name": "Cinéma"}
POSTS = 40


@pytest.fixture
def origin(worker_database):
    """A live server of the test's own, on the database its workers share."""
    with live_server() as url:
        yield url


@pytest.fixture
def wxr_file(tmp_path):
    posts = [post(n, title=f"Critique n° {n}") for n in range(1, POSTS)]
    # A form WordPress's plugin drew: it has nothing to become here, and is reported.
    posts.append(
        post(POSTS, post_name="contact", content="<p>Écrivez-nous.</p>[contact-form-7 id=4]")
    )
    path = tmp_path / "cinerevue.WordPress.2024-01-15.xml"
    path.write_bytes(export(*posts, categories=[CINEMA]))
    return path


def keep_screenshots(page, name):
    """The page on a phone and on a laptop, for someone to look at (keep_screenshot)."""
    for viewport in (LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        keep_screenshot(page, f"wordpress-import-{name}-{viewport['width']}.png", full_page=True)


def test_an_administrator_uploads_an_export_watches_it_run_and_reads_the_report(
    origin, worker_database, private_root, wxr_file, chromium, tmp_path
):
    """On a phone, and the report on a laptop too: the run is the same at every width."""
    make_member(ADMINISTRATOR, "ines")
    page = chromium.new_context(viewport=PHONE, locale="fr-FR").new_page()
    page.goto(origin + reverse("admin:login"))
    page.fill("#id_username", "ines")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_url(origin + reverse("admin:index"))

    page.goto(origin + reverse("admin:wordpress_wordpressimport_add"))
    expect(page.locator("h1")).to_have_text("Importer un export WordPress")
    page.set_input_files("#id_file", wxr_file)
    keep_screenshots(page, "upload")
    page.get_by_role("button", name="Importer").click()

    # No worker yet: the page says the import waits for one.
    wordpress_import = WordPressImport.objects.get()
    page.wait_for_url(
        origin + reverse("admin:wordpress_wordpressimport_change", args=[wordpress_import.pk])
    )
    status = page.get_by_role("status")
    expect(status).to_have_text("En attente d’un processus de traitement pour lancer l’import…")
    keep_screenshots(page, "waiting")

    # Halfway through, as a worker's run reports it: the bar and its sentence follow
    # without a reload. (A real run of forty posts can end between two of the page's
    # looks, two seconds apart, on a quiet machine.)
    wordpress_import.start()
    wordpress_import.advance(12, POSTS)
    expect(status).to_have_text(f"12 éléments sur {POSTS} importés (30 %).")
    expect(page.locator(".wordpress-import progress")).to_have_js_property("value", 30)
    keep_screenshots(page, "progress")
    # Back to waiting, for the real worker to run it from the start.
    WordPressImport.objects.filter(pk=wordpress_import.pk).update(
        status=WordPressImport.Status.WAITING, started_at=None, progressed_at=None, done=0, total=0
    )

    with running_worker(worker_database, tmp_path) as worker:
        # Then the page reloads itself with the report.

        def finished():
            wordpress_import.refresh_from_db()
            return wordpress_import.status == WordPressImport.Status.DONE

        wait_for(finished, worker)

    expect(page.get_by_role("heading", name="Rapport")).to_be_visible()
    counts = page.locator(".wordpress-import__report table").first
    expect(counts.locator("thead th")).to_have_text(
        ["Type", "Créés", "Mis à jour", "Inchangés", "Ignorés"]
    )
    rows = counts.locator("tbody tr")
    expect(rows).to_have_count(3)
    for row, cells in zip(
        rows.all(),
        [["Articles", str(POSTS)], ["Auteurs", "1"], ["Catégories", "1"]],
        strict=True,
    ):
        expect(row.locator("th, td")).to_have_text([*cells, "0", "0", "0"])
    loss = page.locator(".wordpress-import__losses tbody tr")
    expect(loss).to_have_count(1)
    expect(loss.get_by_role("link")).to_have_attribute("href", "/2023/07/28/contact/")
    expect(loss).to_contain_text("contact-form-7")
    keep_screenshots(page, "report")

    # Nothing wider than the screen: the tables scroll in their own box.
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
