from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from articles.models import Article
from newsroom.revisions import History, prunable

# Articles handled per statement: each batch is one short transaction, so a
# prune of a large table never holds a long lock on it.
BATCH_SIZE = 500


class Command(BaseCommand):
    help = (
        "Delete old revisions of articles: those older than --keep-days and beyond the "
        "--keep-last latest of their article. Never a version readers saw (published, "
        "with its date passed), never the latest revision of an article."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-last",
            type=int,
            default=20,
            metavar="N",
            help="Revisions kept per article whatever their age (default 20, at least 1).",
        )
        parser.add_argument(
            "--keep-days",
            type=int,
            default=90,
            metavar="D",
            help="Revisions younger than this many days are kept (default 90).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be deleted, and delete nothing.",
        )

    def handle(self, *args, keep_last, keep_days, dry_run, **options):
        if keep_last < 1:
            raise CommandError("--keep-last must be 1 or more: the latest revision is kept.")
        if keep_days < 0:
            raise CommandError("--keep-days cannot be negative.")
        older_than = timezone.now() - timedelta(days=keep_days)
        total = History.objects.count()
        # Only articles with more revisions than they keep, some of them old,
        # can lose any: after a first prune, that is a handful.
        candidates = list(
            History.objects.values("id")
            .annotate(revisions=Count("history_id"), oldest=Min("history_date"))
            .filter(revisions__gt=keep_last, oldest__lt=older_than)
            .order_by("id")
            .values_list("id", flat=True)
        )
        deleted = articles = 0
        for start in range(0, len(candidates), BATCH_SIZE):
            batch = candidates[start : start + BATCH_SIZE]
            doomed = prunable(keep_last, older_than, article_ids=batch)
            if dry_run:
                count, touched = self.describe(doomed)
            else:
                with transaction.atomic():
                    touched = doomed.values("id").distinct().count()
                    count, _per_model = doomed.delete()
            deleted += count
            articles += touched
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {deleted} of {total} revisions, from {articles} articles; "
            f"{total - deleted} kept (the last {keep_last} of each article, those from the "
            f"last {keep_days} days, and every version readers saw)."
        )

    def describe(self, doomed):
        """Print, article by article, the revisions that would go; return the counts."""
        rows = list(
            doomed.order_by()
            .values("id")
            .annotate(count=Count("history_id"), first=Min("history_id"), last=Max("history_id"))
            .order_by("id")
        )
        titles = dict(
            Article.objects.filter(pk__in=[row["id"] for row in rows]).values_list("pk", "title")
        )
        for row in rows:
            title = titles.get(row["id"], "(deleted article)")
            self.stdout.write(
                f"  article {row['id']} « {title} »: {row['count']} revisions "
                f"(between revisions {row['first']} and {row['last']})"
            )
        return sum(row["count"] for row in rows), len(rows)
