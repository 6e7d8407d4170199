"""
``manage.py tasks_worker``: one command for the background worker, whichever backend
TASKS names, so that `make run`, a systemd unit and the tests start it the same way.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend

from newsletter.editions import watch_daily_digests


class Command(BaseCommand):
    help = "Runs the background tasks of the queue, as long as it is not stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Start again when the code changes (the database backend only; for make run).",
        )

    def handle(self, *, reload, verbosity, **options):
        queue = settings.TASKS_QUEUE
        if settings.NEWSLETTER_DAILY_DIGESTS:
            # Beside the queue, in this process: the digests are due at an hour, not queued.
            watch_daily_digests()
        if isinstance(task_backends["default"], DatabaseBackend):
            # A second between looks at the table: a newly queued import starts within it.
            call_command(
                "db_worker",
                queue_name=queue,
                interval=1,
                reload=reload,
                startup_delay=False,
                verbosity=verbosity,
            )
        else:
            # The scheduler moves retries, queued for later, onto the queue when their
            # time comes; RQ's Job class of django-tasks-rq runs a Task.
            call_command(
                "rqworker",
                queue,
                job_class="django_tasks_rq.Job",
                with_scheduler=True,
                verbosity=verbosity,
            )
