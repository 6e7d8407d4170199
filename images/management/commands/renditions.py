"""
Keeps renditions in step with the library: after a change of sizes or formats in
settings (or of the drawing code), and to sweep files no image lists any more.
"""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from images import renditions
from images.models import Image
from images.signals import image_changed


class Command(BaseCommand):
    help = (
        "Draw the renditions images are missing (after a change of IMAGE_RENDITIONS, or "
        "for images saved before renditions existed) and delete rendition files that no "
        "image lists any more."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--redraw-missing",
            action="store_true",
            help="Also check every listed file exists and draw the missing ones (slower).",
        )
        parser.add_argument(
            "--keep-orphans", action="store_true", help="Leave unlisted rendition files alone."
        )
        parser.add_argument(
            "--min-age",
            type=int,
            default=60,
            metavar="MINUTES",
            help=(
                "Leave unlisted files younger than this (default 60): they may belong to an "
                "upload being saved right now."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be drawn and deleted, and change nothing.",
        )

    def handle(self, *args, redraw_missing, keep_orphans, min_age, dry_run, **options):
        refreshed = 0
        # A dry run counts orphans against what images would list once brought up to
        # date: after a change of widths, the files of the old ones are what goes.
        would_list = set()
        for image in Image.objects.order_by("pk").iterator(chunk_size=200):
            if dry_run:
                stale, names = self.would_draw(image, redraw_missing)
                refreshed += stale
                would_list |= names
                continue
            if image.refresh_renditions(force=redraw_missing):
                refreshed += 1
                # Article bodies hold their figures' markup: redraw them too.
                image_changed.send(sender=Image, image=image)
        if keep_orphans:
            orphans = set()
        else:
            orphans = self.orphans(timedelta(minutes=min_age), would_list if dry_run else None)
        if not dry_run:
            for name in sorted(orphans):
                default_storage.delete(name)
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{refreshed} image(s) {verb} brought up to date, "
                f"{len(orphans)} orphaned rendition file(s) {verb} deleted."
            )
        )

    def would_draw(self, image, redraw_missing):
        """Whether a real run would draw files for ``image``, and the names it would list."""
        current = renditions.listed_names(image.renditions)
        if not image.file or not image.width or not image.height:
            return False, current
        if not image.file_digest:
            # Saved before renditions existed: its names wait on a digest of the file.
            return True, current
        expected = renditions.listing_for(image)
        names = renditions.listed_names(expected)
        if image.renditions.get("signature") != expected["signature"]:
            return True, names
        return redraw_missing and not all(map(default_storage.exists, names)), names

    def orphans(self, min_age, listed=None):
        if not default_storage.exists(renditions.PREFIX):
            return set()
        if listed is None:
            listed = set()
            for listing in Image.objects.values_list("renditions", flat=True).iterator(2000):
                listed |= renditions.listed_names(listing)
        cutoff = timezone.now() - min_age
        return {
            name
            for name in self.stored_names(renditions.PREFIX)
            if name not in listed and default_storage.get_modified_time(name) <= cutoff
        }

    def stored_names(self, directory):
        """Every file under ``directory`` in the default storage (local or remote)."""
        subdirectories, files = default_storage.listdir(directory)
        for file in files:
            yield f"{directory}/{file}"
        for subdirectory in subdirectories:
            yield from self.stored_names(f"{directory}/{subdirectory}")
