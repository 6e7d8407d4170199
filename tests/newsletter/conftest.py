from importlib import import_module

import pytest
from django.apps import apps

from newsletter.models import Letter

the_three_letters = import_module("newsletter.migrations.0002_the_three_letters")


@pytest.fixture
def letters(db):
    """The three letters of a new site, by slug (made again after a browser test's flush)."""
    if not Letter.objects.exists():
        the_three_letters.create_letters(apps, None)
    return {letter.slug: letter for letter in Letter.objects.all()}


@pytest.fixture
def mail(smtp_server, settings):
    """
    The mail server, with the task queue run in the request: what a worker would send
    arrives once the request's transaction commits (post()).
    """
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": [settings.TASKS_QUEUE],
        }
    }
    settings.DEFAULT_FROM_EMAIL = "Screenmania <lettre@screenmania.example>"
    settings.SITE_URL = "https://screenmania.example"
    return smtp_server


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POSTs as a browser would, its transaction's on_commit work done (the mail queued)."""

    def posted(url, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **extra)

    return posted
