"""
The tasks that send an edition, run by the task workers (manage.py tasks_worker) on
whichever machines run them: sending.py queues them, delivering.py does the work.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from newsletter.delivering import Sender, edition_to_send, finish


def queue_senders(edition_id, *, count, at=None):
    """``count`` tasks sending the edition side by side, from ``at`` (at once if None)."""
    for _ in range(count):
        send_edition.using(queue_name=settings.TASKS_QUEUE, run_after=at).enqueue(edition_id)


@task()
def send_edition(edition_id):
    edition = edition_to_send(edition_id)
    if edition is None:
        return
    # Queued before any work, for whatever this task leaves: the deliveries of its
    # worker should it die (their lease has run out by then), those waiting for a
    # later try. Each task queues one, so the tasks of an edition never multiply;
    # the one that finds the edition sent queues none.
    queue_senders(
        edition.pk, count=1, at=timezone.now() + timedelta(seconds=settings.NEWSLETTER_LEASE)
    )
    Sender(edition).send_all()
    finish(edition)
