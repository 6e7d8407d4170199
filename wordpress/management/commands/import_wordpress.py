"""
``manage.py import_wordpress export.xml [--media DIR] [--fetch-urls] [--dry-run]``: a WordPress
export (Outils → Exporter) made into the magazine's articles, pages, authors, sections, tags
and library images, with a progress bar, then the report: counts per kind and each item
that lost something, by its old address. Run it again to carry on after an interruption,
or to bring in what changed since: nothing is duplicated.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from tqdm import tqdm

from wordpress.importer import import_wxr
from wordpress.wxr import WXRError


class Command(BaseCommand):
    help = "Imports a WordPress export (WXR file): posts, pages, authors, terms and images."

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="The XML file WordPress exported.")
        parser.add_argument(
            "--media",
            type=Path,
            help="A copy of the site's wp-content/uploads folder, where images are read from.",
        )
        parser.add_argument(
            "--fetch-urls",
            action="store_true",
            help="Download from the web the images the media folder does not hold.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be imported; write nothing."
        )

    def handle(self, *args, export, media, fetch_urls, dry_run, **options):
        if not export.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": export})
        if media is not None and not media.is_dir():
            raise CommandError(_("No folder at %(path)s.") % {"path": media})
        # The report is read by the newsroom, in the site's language.
        translation.activate("fr")
        quiet = options["verbosity"] == 0
        with tqdm(
            unit=_(" items"), disable=quiet, file=self.stderr._out, dynamic_ncols=True
        ) as bar:

            def progress(done, total):
                bar.total = total
                bar.update(done - bar.n)

            try:
                report = import_wxr(
                    export,
                    media_dir=media,
                    fetch_urls=fetch_urls,
                    dry_run=dry_run,
                    progress=progress,
                )
            except WXRError as error:
                raise CommandError(str(error)) from None
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        for line in report.summary_lines():
            self.stdout.write(line)
        if report.losses:
            self.stdout.write(
                _("%(count)s losses, by old address:") % {"count": len(report.losses)}
            )
            for loss in report.losses:
                self.stdout.write(f"  {loss.address}\u00a0: {loss.message}")
