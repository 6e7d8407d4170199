"""An admin's import run: its file kept out of the public media, its progress and report kept."""

import pytest
from django.core.files.base import ContentFile

from articles.models import Article
from wordpress.importer import Report, import_wxr
from wordpress.models import WordPressImport

from .wxr_files import export, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    return tmp_path / "private"


def uploaded(content):
    run = WordPressImport(fetch_urls=False)
    run.file.save("export.xml", ContentFile(content))
    return run


def test_the_export_is_kept_out_of_the_media_folder(private_root, media_root):
    run = uploaded(export(post(1)))
    assert (private_root / run.file.name).is_file()
    assert not any(path.is_file() for path in media_root.rglob("*.xml"))


def test_a_run_records_its_progress_and_report(private_root):
    run = uploaded(export(*(post(n) for n in range(1, 6))))
    seen = []
    with run.file.open("rb") as file:
        import_wxr(file, record=run, progress=lambda done, total: seen.append((done, total)))
    run.refresh_from_db()
    assert run.status == WordPressImport.Status.DONE
    assert (run.done, run.total, run.percent_done) == (5, 5, 100)
    assert run.started_at <= run.finished_at
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)
    report = Report.from_json(run.report)
    assert report.counts["post"]["created"] == 5
    assert Article.objects.count() == 5


def test_a_file_that_is_no_export_fails_with_a_french_message(private_root):
    run = uploaded(b"<html><body>Pas un export</body></html>")
    with run.file.open("rb") as file, pytest.raises(ValueError):
        import_wxr(file, record=run)
    run.refresh_from_db()
    assert run.status == WordPressImport.Status.FAILED
    assert run.error
    assert "WordPress" in run.error
