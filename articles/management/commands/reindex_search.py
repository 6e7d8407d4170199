from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

import search
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Sets the search up again and indexes every article: on PostgreSQL, after "
        "scripts/services.sh has written the French lemmas' files (search.W001)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        with transaction.atomic(using=database):
            by_lemmas = search.configure(connections[database])
            count = search.index_all(Article.objects.using(database))
        how = "by their French lemmas" if by_lemmas else "as written (no French lemmas' files)"
        self.stdout.write(f"Indexed {count} articles: words match {how}.")
