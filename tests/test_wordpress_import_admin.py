"""
The WordPress import's pages in the admin: for administrators alone, the upload checked
before anything is queued, the progress while the run goes on and the report after it.
The run itself, by a real worker, is tests/test_task_worker.py's.
"""

import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import ADMINISTRATOR, CONTRIBUTOR, EDITOR, logged_in, make_member
from tests.pages import soup
from tests.test_admin_french import faults
from tests.wordpress.wxr_files import export, post
from wordpress.models import WordPressImport

pytestmark = pytest.mark.django_db

Status = WordPressImport.Status
ADD = reverse("admin:wordpress_wordpressimport_add")
LIST = reverse("admin:wordpress_wordpressimport_changelist")


def page_of(wordpress_import):
    return reverse("admin:wordpress_wordpressimport_change", args=[wordpress_import.pk])


def progress_of(wordpress_import):
    return reverse("admin:wordpress_wordpressimport_progress", args=[wordpress_import.pk])


def resume_of(wordpress_import):
    return reverse("admin:wordpress_wordpressimport_resume", args=[wordpress_import.pk])


def an_export(name="export.xml", content=None):
    return SimpleUploadedFile(name, content or export(post(1)), content_type="text/xml")


def an_import(**fields):
    wordpress_import = WordPressImport(**fields)
    wordpress_import.file.save("export.xml", ContentFile(export(post(1))), save=False)
    wordpress_import.save()
    return wordpress_import


@pytest.fixture
def administrator():
    return logged_in(make_member(ADMINISTRATOR, "ines"))


def test_an_address_that_names_no_import_is_not_found(administrator, private_root):
    wordpress_import = an_import(status=Status.FAILED)
    client = administrator
    client.raise_request_exception = False
    for wrong in ("abc", "99999999999999999999999", str(wordpress_import.pk + 1)):
        for name in ("change", "progress"):
            address = reverse(f"admin:wordpress_wordpressimport_{name}", args=[wrong])
            assert client.get(address).status_code == 404, address
        resume = reverse("admin:wordpress_wordpressimport_resume", args=[wrong])
        assert client.post(resume).status_code == 404, resume
    assert client.get(progress_of(wordpress_import)).status_code == 200


@pytest.mark.parametrize("role", [EDITOR, CONTRIBUTOR])
def test_editors_and_contributors_are_refused_every_import_page(role, private_root):
    wordpress_import = an_import(status=Status.FAILED)
    client = logged_in(make_member(role, "lea"), raise_request_exception=False)

    for address in (LIST, ADD, page_of(wordpress_import), progress_of(wordpress_import)):
        assert client.get(address).status_code == 403, address
    assert client.post(ADD, {"file": an_export()}).status_code == 403
    assert client.post(resume_of(wordpress_import)).status_code == 403
    assert WordPressImport.objects.count() == 1
    assert wordpress_import.status == Status.FAILED
    assert LIST not in client.get(reverse("admin:index")).text


def test_an_administrator_uploads_an_export_and_is_taken_to_its_progress(
    administrator, private_root, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = administrator.post(ADD, {"file": an_export(), "fetch_urls": "on"})

    wordpress_import = WordPressImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_of(wordpress_import)
    assert wordpress_import.started_by.username == "ines"
    assert wordpress_import.fetch_urls is True
    assert wordpress_import.status == Status.WAITING
    assert len(queued) == 1
    # Kept where the site serves nothing: not under the media folder, no address.
    stored = private_root / wordpress_import.file.name
    assert stored.read_bytes() == export(post(1))
    assert not stored.is_relative_to(settings.MEDIA_ROOT)
    assert administrator.get(f"/media/{wordpress_import.file.name}").status_code == 404


def test_a_file_that_is_no_export_is_refused_in_french_and_nothing_is_queued(
    administrator, private_root, django_capture_on_commit_callbacks
):
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title></channel></rss>'
    with django_capture_on_commit_callbacks() as queued:
        response = administrator.post(ADD, {"file": an_export(content=rss)})

    assert response.status_code == 200
    errors = soup(response).select(".errorlist")
    assert "n’est pas un export WordPress" in errors[0].get_text()
    assert WordPressImport.objects.count() == 0
    assert queued == []


def test_an_export_over_the_size_limit_is_refused_in_french(administrator, private_root, settings):
    settings.WORDPRESS_IMPORT_MAX_BYTES = 100

    response = administrator.post(ADD, {"file": an_export()}, follow=True)

    assert "Le fichier dépasse 100\u00a0octets" in response.text
    assert WordPressImport.objects.count() == 0


def test_the_progress_page_follows_a_running_import(administrator, private_root):
    wordpress_import = an_import(status=Status.RUNNING, done=30, total=120)
    wordpress_import.progressed_at = timezone.now()
    wordpress_import.save()

    page = soup(administrator.get(page_of(wordpress_import)))

    assert page.select_one("progress")["value"] == "25"
    assert page.select_one("[role=status]").get_text() == (
        "30 éléments sur 120 importés (25\u00a0%)."
    )
    # Without JavaScript the page reloads itself; with it, the script reads the progress.
    assert page.select_one("noscript meta[http-equiv=refresh]")["content"] == "5"
    assert page.select_one("script[src$='import-progress.js']") is not None
    assert page.select_one("[data-progress-url]")["data-progress-url"] == progress_of(
        wordpress_import
    )
    assert json.loads(administrator.get(progress_of(wordpress_import)).text) == {
        "going_on": True,
        "done": 30,
        "total": 120,
        "percent": 25,
        "summary": "30 éléments sur 120 importés (25\u00a0%).",
    }


def test_the_report_counts_each_kind_and_links_each_loss_to_its_old_address(
    administrator, private_root
):
    wordpress_import = an_import(
        status=Status.DONE,
        finished_at=timezone.now(),
        report={
            "counts": {
                "post": {"created": 12, "skipped": 1},
                "attachment": {"created": 3, "unchanged": 2},
            },
            "losses": [
                {
                    "kind": "post",
                    "address": "/2023/07/28/greve/",
                    "message": "Code court inconnu gardé comme texte : [contact-form-7]",
                },
                {
                    "kind": "attachment",
                    "address": "javascript:alert(1)",
                    "message": "Fichier introuvable",
                },
            ],
        },
    )

    page = soup(administrator.get(page_of(wordpress_import)))

    counts = page.select(".wordpress-import__report table")[0]
    assert [th.get_text() for th in counts.select("thead th")] == [
        "Type",
        "Créés",
        "Mis à jour",
        "Inchangés",
        "Ignorés",
    ]
    rows = [[cell.get_text() for cell in row.select("th, td")] for row in counts.select("tbody tr")]
    assert {tuple(row[1:]) for row in rows} == {("3", "0", "2", "0"), ("12", "0", "0", "1")}
    losses = page.select(".wordpress-import__losses tbody tr")
    assert losses[0].select_one("a")["href"] == "/2023/07/28/greve/"
    assert "[contact-form-7]" in losses[0].get_text()
    # Another site's text: an address that is no web address is shown, never linked.
    assert losses[1].select_one("a") is None
    assert "2 éléments ont perdu quelque chose en route" in page.get_text()
    assert page.select_one("noscript") is None


def test_an_import_whose_progress_stopped_is_shown_interrupted_and_resumed(
    administrator, private_root, settings, django_capture_on_commit_callbacks
):
    wordpress_import = an_import(status=Status.RUNNING, done=40, total=120)
    wordpress_import.progressed_at = timezone.now() - timedelta(
        seconds=settings.TASKS_STALLED_AFTER + 1
    )
    wordpress_import.save()

    page = soup(administrator.get(page_of(wordpress_import)))
    assert page.select_one("h2").get_text() == "Import interrompu"
    assert "40 éléments sur 120" in page.select_one(".errornote").get_text()
    assert "Interrompu" in administrator.get(LIST).text

    with django_capture_on_commit_callbacks() as queued:
        response = administrator.post(resume_of(wordpress_import))

    assert response.status_code == 302
    wordpress_import.refresh_from_db()
    assert wordpress_import.status == Status.WAITING
    assert len(queued) == 1
    # Going on: nothing to resume twice.
    assert administrator.post(resume_of(wordpress_import)).status_code == 404


def test_every_import_page_speaks_a_newsroom_s_french(administrator, private_root):
    running = an_import(status=Status.RUNNING, done=1, total=3, progressed_at=timezone.now())
    failed = an_import(status=Status.FAILED, error="Le fichier s’arrête avant sa fin (ligne 4).")
    done = an_import(
        status=Status.DONE,
        finished_at=timezone.now(),
        report={
            "counts": {"post": {"created": 2}, "page": {"updated": 1}},
            "losses": [{"kind": "post", "address": "/?p=3", "message": "Image introuvable"}],
        },
    )
    pages = [LIST, ADD, *(page_of(each) for each in (running, failed, done))]

    problems = {}
    for address in pages:
        response = administrator.get(address)
        assert response.status_code == 200, address
        if found := faults(response.content.decode()):
            problems[address] = found

    assert problems == {}
