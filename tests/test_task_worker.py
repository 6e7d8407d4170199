"""
The WordPress import as a background task, run by a real worker process
(manage.py tasks_worker) on the backend the settings choose: the database's when there
is no REDIS_URL, RQ on Redis when there is one, as CI's second run has it.
"""

import os
import time
from email import message_from_string
from email.policy import default

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.conftest import in_ci
from tests.factories import ADMINISTRATOR, make_member
from tests.wordpress.wxr_files import export, post
from tests.workers import running_worker, wait_for
from wordpress.models import ImportedItem, WordPressImport
from wordpress.tasks import queue_import

Status = WordPressImport.Status
# The section of every post, as the export's channel declares it.
CINEMA = {"id": 3, "slug": "cinema", "name": "Cinéma"}


def uploaded(posts, *, by):
    wordpress_import = WordPressImport(started_by=by)
    wordpress_import.file.save(
        "export.xml",
        ContentFile(export(*(post(n) for n in range(1, posts + 1)), categories=[CINEMA])),
        save=False,
    )
    wordpress_import.save()
    return wordpress_import


def status_of(wordpress_import):
    wordpress_import.refresh_from_db()
    return wordpress_import.status


@pytest.fixture
def administrator(worker_database):
    user = make_member(ADMINISTRATOR, "ines")
    user.email = "ines@screenmania.example"
    user.save()
    return user


def test_an_import_queued_is_run_by_a_worker(
    worker_database, private_root, administrator, tmp_path
):
    wordpress_import = uploaded(3, by=administrator)
    queue_import(wordpress_import)

    with running_worker(worker_database, tmp_path) as worker:
        wait_for(lambda: status_of(wordpress_import) == Status.DONE, worker)

    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Article 1",
        "Article 2",
        "Article 3",
    ]
    assert (wordpress_import.done, wordpress_import.total) == (3, 3)
    assert wordpress_import.report["counts"]["post"] == {"created": 3}


def test_a_failed_try_is_made_again_and_carries_on(
    worker_database, private_root, administrator, tmp_path
):
    wordpress_import = uploaded(2, by=administrator)
    export_file = private_root / wordpress_import.file.name
    kept = export_file.read_bytes()
    # The file out of reach for the first try, as on a shared disk that is not mounted yet.
    export_file.unlink()
    queue_import(wordpress_import)

    with running_worker(worker_database, tmp_path, TASKS_RETRY_DELAY="3") as worker:
        wait_for(lambda: bool(status_of(wordpress_import) and wordpress_import.error), worker)
        assert wordpress_import.status == Status.WAITING
        assert "Essai 1 sur 3" in wordpress_import.error
        export_file.write_bytes(kept)
        wait_for(lambda: status_of(wordpress_import) == Status.DONE, worker)

    assert Article.objects.count() == 2
    assert wordpress_import.error == ""


def test_an_import_that_keeps_failing_is_reported_to_whoever_started_it(
    worker_database, private_root, administrator, tmp_path
):
    wordpress_import = uploaded(1, by=administrator)
    (private_root / wordpress_import.file.name).unlink()
    queue_import(wordpress_import)
    outbox = tmp_path / "outbox"

    with running_worker(
        worker_database,
        tmp_path,
        TASKS_RETRY_DELAY="0.2",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(outbox),
    ) as worker:
        wait_for(lambda: status_of(wordpress_import) == Status.FAILED, worker)
        wait_for(lambda: outbox.is_dir() and any(outbox.iterdir()), worker, what="the e-mail")

    assert "3 fois de suite" in wordpress_import.error
    (written,) = outbox.iterdir()
    # The file backend ends each message with a line of dashes.
    message = message_from_string(written.read_text().rsplit("\n-", 1)[0], policy=default)
    assert message["To"] == "ines@screenmania.example"
    # Folded onto its next line by the file backend, which leaves a space before it.
    assert message["Subject"].strip() == "L’import WordPress a échoué\u00a0: export.xml"
    body = message.get_content()
    assert "3 fois de suite" in body
    page_address = reverse("admin:wordpress_wordpressimport_change", args=[wordpress_import.pk])
    assert f"http://127.0.0.1:8000{page_address}" in body

    page = Client()
    page.force_login(administrator)
    shown = page.get(reverse("admin:wordpress_wordpressimport_change", args=[wordpress_import.pk]))
    assert "L’import a échoué" in shown.text
    assert "Reprendre l’import" in shown.text


def test_an_import_whose_worker_was_killed_is_reported_then_resumed_without_duplicates(
    worker_database, private_root, administrator, tmp_path, settings
):
    settings.TASKS_STALLED_AFTER = 1
    wordpress_import = uploaded(40, by=administrator)
    queue_import(wordpress_import)

    with running_worker(worker_database, tmp_path) as worker:
        wait_for(lambda: status_of(wordpress_import) and wordpress_import.done >= 10, worker)
        worker.kill()
    halfway = Article.objects.count()
    assert 10 <= halfway < 40

    page = Client()
    page.force_login(administrator)
    address = reverse("admin:wordpress_wordpressimport_change", args=[wordpress_import.pk])
    time.sleep(1.5)  # TASKS_STALLED_AFTER, with nothing moving
    status_of(wordpress_import)
    assert wordpress_import.status == Status.RUNNING and wordpress_import.is_stalled
    assert "Import interrompu" in page.get(address).text
    page.post(reverse("admin:wordpress_wordpressimport_resume", args=[wordpress_import.pk]))

    with running_worker(worker_database, tmp_path) as worker:
        wait_for(lambda: status_of(wordpress_import) == Status.DONE, worker, timeout=120)

    assert Article.objects.count() == 40
    assert ImportedItem.objects.filter(kind="post").count() == 40
    assert sum(wordpress_import.report["counts"]["post"].values()) == 40


def test_ci_runs_these_tests_on_rq_in_its_postgresql_and_redis_phase(settings):
    """CI's second phase has both (.ci/run): its workers must then take their tasks from Redis."""
    if not (in_ci() and os.environ.get("DATABASE_URL", "").startswith("postgres")):
        pytest.skip("CI's PostgreSQL and Redis phase only")
    assert os.environ.get("REDIS_URL")
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
