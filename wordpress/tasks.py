"""
The admin's WordPress import, run by a task worker (manage.py tasks_worker) rather than
in the request that uploaded the export.

A run that fails is tried again later, TASKS_MAX_ATTEMPTS times in all, since what
fails on the way (a database that restarts, an old site that stops answering) often
passes the next time; each try carries on where the last stopped, the importer being
idempotent. An export WordPress could not have written fails the same way each time:
it is not tried again. A run that fails for good is told to whoever started it, on the
import's page and by e-mail.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from wordpress.importer import import_wxr
from wordpress.models import WordPressImport
from wordpress.wxr import WXRError

logger = logging.getLogger(__name__)
Status = WordPressImport.Status


def queue_import(wordpress_import, *, attempt=1, delay=0):
    """Hands the import to a worker once the transaction that saved it is committed."""
    run_after = timezone.now() + timedelta(seconds=delay) if delay else None

    def enqueue():
        run_import.using(queue_name=settings.TASKS_QUEUE, run_after=run_after).enqueue(
            wordpress_import.pk, attempt
        )

    # A worker on another machine may take the task at once: the row must be there.
    transaction.on_commit(enqueue)


def retry_delay(attempt):
    """Seconds before the try after ``attempt``: 30, then 120, then 480…"""
    return settings.TASKS_RETRY_DELAY * 4 ** (attempt - 1)


@task()
def run_import(import_id, attempt=1):
    wordpress_import = WordPressImport.objects.filter(pk=import_id).first()
    # Deleted meanwhile, done already, or running elsewhere: a task delivered twice does
    # nothing the second time.
    if wordpress_import is None or wordpress_import.status == Status.DONE:
        return
    if wordpress_import.status == Status.RUNNING and not wordpress_import.is_stalled:
        return
    try:
        with wordpress_import.file.open("rb") as export:
            import_wxr(export, fetch_urls=wordpress_import.fetch_urls, record=wordpress_import)
    except WXRError:
        # The importer has said what is wrong with the file on the import's page.
        report_failure(wordpress_import)
        raise
    except Exception as error:
        if attempt < settings.TASKS_MAX_ATTEMPTS:
            try_again_later(wordpress_import, attempt, error)
        else:
            wordpress_import.fail(
                _("The import stopped on an error %(count)s times in a row: %(error)s")
                % {"count": attempt, "error": describe(error)}
            )
            report_failure(wordpress_import)
        # The worker's log keeps the traceback.
        raise


def try_again_later(wordpress_import, attempt, error):
    delay = retry_delay(attempt)
    wordpress_import.status = Status.WAITING
    wordpress_import.error = _(
        "Try %(attempt)s of %(attempts)s stopped on an error (%(error)s). "
        "The import starts again in %(seconds)s seconds, where it stopped."
    ) % {
        "attempt": attempt,
        "attempts": settings.TASKS_MAX_ATTEMPTS,
        "error": describe(error),
        "seconds": round(delay),
    }
    wordpress_import.save(update_fields=["status", "error"])
    queue_import(wordpress_import, attempt=attempt + 1, delay=delay)


def describe(error):
    return f"{type(error).__name__}: {error}"[:500]


def report_failure(wordpress_import):
    """An e-mail to whoever started the import, who may have left its page."""
    starter = wordpress_import.started_by
    if starter is None or not starter.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        address = settings.SITE_URL + reverse(
            "admin:wordpress_wordpressimport_change", args=[wordpress_import.pk]
        )
        subject = _("WordPress import failed: %(file)s") % {"file": wordpress_import}
        body = _(
            "The import of %(file)s that you started failed:\n\n%(error)s\n\n"
            "What it had imported stays, and importing the same export again carries on "
            "where it stopped without making anything twice. Its page:\n%(address)s\n"
        ) % {"file": wordpress_import, "error": wordpress_import.error, "address": address}
    try:
        send_mail(subject, body, None, [starter.email])
    except OSError:
        # The import's page says it failed all the same.
        logger.exception("Could not e-mail %s of WordPress import %s", starter, wordpress_import.pk)
