"""
The full-text index: owns no model, only the index's tables, configurations and their
migrations. Imports nothing from the apps above it (articles, reader…).
"""

from django.apps import AppConfig
from django.core.checks import Tags, Warning, register
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate

import search


def add_unaccent(sender, connection, **kwargs):
    search.add_unaccent(connection)


def forget_missing_articles(sender, using, **kwargs):
    # After a migrate, and after a flush, which ends with the same signal.
    search.forget_missing(using)


def check_lemma_dictionary(app_configs, databases=None, **kwargs):
    """PostgreSQL without the French dictionary searches by words as written: said at migrate."""
    return [
        Warning(
            "PostgreSQL matches searched words as written, not by their French lemmas: "
            "its dictionary files are missing.",
            hint="Run `bash scripts/services.sh postgres` on the database server (it installs "
            "hunspell-fr and converts it), then `manage.py reindex_search`.",
            id="search.W001",
        )
        for alias in databases or ()
        if search.uses_lemmas(connections[alias]) is False
    ]


class SearchConfig(AppConfig):
    name = "search"

    def ready(self):
        connection_created.connect(add_unaccent, dispatch_uid="search.add_unaccent")
        register(check_lemma_dictionary, Tags.database)
        # Sent once for each app that has models, which this one has not: the articles'
        # is the one whose rows the index follows.
        post_migrate.connect(
            forget_missing_articles,
            sender=self.apps.get_app_config("articles"),
            dispatch_uid="search.forget_missing_articles",
        )
