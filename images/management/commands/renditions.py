"""
Keeps renditions in step with the library: after a change of sizes or formats in
settings (or of the drawing code), and to sweep files no image lists any more.

Everything goes through the storage (listdir, get_modified_time, delete), so the sweep
works the same on a local folder and in an S3-compatible bucket. A backend that cannot
date its files keeps its unlisted ones unless ``--min-age 0`` says their age does not
matter: deleting a file an upload has just drawn would break a page until the next
``--redraw-missing``, while an orphan left for a later run costs only its bytes.
"""

from datetime import timedelta

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
                "upload being saved right now. 0 deletes every unlisted file, without "
                "asking the storage for dates."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be drawn and deleted, and change nothing.",
        )

    def handle(self, *args, redraw_missing, keep_orphans, min_age, dry_run, **options):
        self.storage = Image._meta.get_field("file").storage
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
                self.storage.delete(name)
        if options["verbosity"] < 1:
            return
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
        if redraw_missing:
            stored = renditions.stored_names(self.storage, renditions.folder(image))
            return not names <= stored, names
        return False, names

    def orphans(self, min_age, listed=None):
        if listed is None:
            listed = set()
            for listing in Image.objects.values_list("renditions", flat=True).iterator(2000):
                listed |= renditions.listed_names(listing)
        unlisted = {name for name in self.stored_names(renditions.PREFIX) if name not in listed}
        if not min_age:
            return unlisted
        cutoff = timezone.now() - min_age
        orphans, undated = set(), 0
        for name in unlisted:
            try:
                modified = self.storage.get_modified_time(name)
            except NotImplementedError:
                undated += 1
                continue
            if modified <= cutoff:
                orphans.add(name)
        if undated:
            self.stderr.write(
                self.style.WARNING(
                    f"{undated} unlisted rendition file(s) kept: this storage cannot tell "
                    "their age. Run with --min-age 0 when no image is being uploaded to "
                    "delete them."
                )
            )
        return orphans

    def stored_names(self, directory):
        """Every file under ``directory``, found with listdir: a bucket has only names."""
        try:
            subdirectories, files = self.storage.listdir(directory)
        except FileNotFoundError:
            # No rendition drawn yet on a local disk (a bucket lists a missing prefix as empty).
            return
        for file in files:
            yield f"{directory}/{file}"
        for subdirectory in subdirectories:
            yield from self.stored_names(f"{directory}/{subdirectory}")
