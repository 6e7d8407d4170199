"""
A WordPress export made into the magazine's articles, site pages, authors, sections, tags and
library images, each old address redirected to the new one.

The file is read twice: once to count the items and learn what the others refer to
(attachments, each post's primary category), then to import. Each item is written in a
transaction of its own with its ImportedItem row, so that an import stopped anywhere
leaves whole items only, and running it again skips what is done (same digest) and
updates what changed. Image files are read and cleaned before that transaction opens:
the pixel work must not hold the database's write lock.
"""

import hashlib
import json
import logging
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.forms import modelform_factory
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from taggit.models import Tag

from articles.models import Article, Authorship, Section
from authors.models import Author
from images.embedding import render
from images.forms import DescribedLaterForm
from images.models import Image
from images.validators import ImageFileField
from markup.rendering import TextTooComplex
from redirects.models import Redirect
from sitepages.models import SitePage

from . import wxr
from .content import to_markdown
from .fetching import FetchRefused, fetch
from .models import ImportedItem

logger = logging.getLogger(__name__)

Kind = ImportedItem.Kind
# Changing what an item becomes changes every digest: the next import updates them all.
IMPORTER_VERSION = "1"
# One item's HTML: far above any real post (the body's own limit, BODY_MAX_CHARS, is on
# the Markdown), low enough that a hostile export cannot make the converter chew on it.
MAX_CONTENT_CHARS = 1_000_000
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp", ".avif"}
# WordPress's resized copies: photo-300x200.jpg, photo-scaled.jpg, photo-rotated.jpg.
_RESIZED = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")
_CREDIT = re.compile(r's:6:"credit";s:\d+:"([^"]*)"')
UNCATEGORISED = {"slug": "non-classe", "name": "Non classé"}

ImportImageForm = modelform_factory(
    Image,
    form=DescribedLaterForm,
    fields=["file", "title", "alt_text", "caption", "credit", "licence"],
    field_classes={"file": ImageFileField},
)


@dataclass
class Loss:
    """Something an item lost on the way, with the address readers knew it by."""

    kind: str
    address: str
    message: str


@dataclass
class Report:
    # kind → outcome (created, updated, unchanged, skipped) → how many
    counts: dict = field(default_factory=dict)
    losses: list = field(default_factory=list)

    OUTCOMES = ("created", "updated", "unchanged", "skipped")

    def count(self, kind, outcome):
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def lose(self, kind, address, message):
        self.losses.append(Loss(kind, address, str(message)))

    def as_json(self):
        return {
            "counts": {kind: dict(outcomes) for kind, outcomes in self.counts.items()},
            "losses": [asdict(loss) for loss in self.losses],
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            counts={kind: Counter(outcomes) for kind, outcomes in data.get("counts", {}).items()},
            losses=[Loss(**loss) for loss in data.get("losses", [])],
        )

    def summary_lines(self):
        """One line per kind, in the editor's language: « Articles : 12 créés, 1 ignoré »."""
        labels = outcome_labels()
        lines = []
        for kind, outcomes in sorted(self.counts.items()):
            counted = ", ".join(
                labels[outcome] % {"count": outcomes[outcome]}
                for outcome in self.OUTCOMES
                if outcomes.get(outcome)
            )
            lines.append(_("%(kind)s: %(counts)s") % {"kind": kind_label(kind), "counts": counted})
        return lines


def outcome_labels():
    return {
        "created": _("%(count)s created"),
        "updated": _("%(count)s updated"),
        "unchanged": _("%(count)s unchanged"),
        "skipped": _("%(count)s skipped"),
    }


def kind_label(kind):
    labels = {
        Kind.POST: _("Posts"),
        Kind.PAGE: _("Pages"),
        Kind.ATTACHMENT: _("Attachments"),
        Kind.IMAGE: _("Images from the content"),
        Kind.AUTHOR: _("Authors"),
        Kind.CATEGORY: _("Categories"),
        Kind.TAG: _("Tags"),
        "other": _("Other items"),
    }
    return labels.get(kind, kind)


def import_wxr(
    source, *, media_dir=None, fetch_urls=False, dry_run=False, progress=None, record=None
):
    """
    Imports the WordPress export ``source`` (a path or a binary file that can be read
    again from its start) and returns its Report. ``media_dir`` is a copy of the site's
    wp-content/uploads; ``fetch_urls`` allows downloading the images it lacks;
    ``dry_run`` writes nothing and reports what would be done. ``progress(done, total)``
    is called after each item; ``record``, a WordPressImport, is kept up to date.
    """
    importer = Importer(media_dir=media_dir, fetch_urls=fetch_urls, dry_run=dry_run)
    if record is not None:
        record.start()
    try:
        report = importer.run(source, progress=_reporting(progress, record))
    except Exception as error:
        if record is not None:
            record.fail(str(error) if isinstance(error, wxr.WXRError) else _("Unexpected error."))
        raise
    if record is not None:
        record.finish(report.as_json())
    return report


def _reporting(progress, record):
    if record is None:
        return progress
    last = {"percent": -1}

    def reported(done, total):
        if progress is not None:
            progress(done, total)
        # A row write a percent, not an item: 10,000 posts make a hundred writes.
        percent = 100 * done // total if total else 100
        if percent != last["percent"] or done == total:
            last["percent"] = percent
            record.advance(done, total)

    return reported


class Importer:
    def __init__(self, *, media_dir=None, fetch_urls=False, dry_run=False):
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.fetch_urls = fetch_urls
        self.dry_run = dry_run
        self.report = Report()
        # Within one run: what each attachment or address became (an image id, or None
        # once it failed, so that a missing file is reported once).
        self.images = {}
        # What became of each attachment: created, updated, unchanged or skipped.
        self.outcomes = {}
        self.slugs_taken = set()
        # How many images the item being imported showed and the library lacks.
        self.images_missing = 0
        # Sections, tags and authors by their WordPress key, once made or found (once()).
        self.made = {}

    def run(self, source, progress=None):
        export = wxr.parse(_rewound(source))
        self.survey(export)
        export = wxr.parse(_rewound(source))
        total, done = self.total, 0
        if progress:
            progress(done, total)
        for item in export.items:
            handled = self.import_item(item)
            if handled:
                done += 1
                if progress:
                    progress(done, total)
        return self.report

    # The first reading -----------------------------------------------------------

    def survey(self, export):
        site = export.site
        self.site = (site.base_blog_url or site.link or site.base_site_url).rstrip("/")
        parts = urlsplit(self.site)
        self.host = (parts.hostname or "").lower()
        self.base_path = parts.path.rstrip("/")
        self.authors = {author.login: author for author in export.authors}
        self.terms = {(term.taxonomy, term.slug): term for term in export.terms}
        self.terms_by_id = {term.wordpress_id: term for term in export.terms if term.wordpress_id}
        self.attachments, self.attachment_urls = {}, {}
        self.primary_categories = set()
        self.total = 0
        for item in export.items:
            if item.post_type not in {wxr.Item.POST, wxr.Item.PAGE, wxr.Item.ATTACHMENT}:
                continue
            self.total += 1
            if item.post_type == wxr.Item.ATTACHMENT:
                # Kept whole but without the (usually empty) content: a few hundred bytes each.
                item.content = ""
                self.attachments[item.post_id] = item
                for url in {item.attachment_url, item.guid}:
                    if url:
                        self.attachment_urls[self.url_key(url)] = item.post_id
            elif item.post_type == wxr.Item.POST and item.status != "trash":
                primary = self.primary_category(item)
                if primary is not None:
                    self.primary_categories.add(primary.slug)

    def primary_category(self, item):
        """Yoast's primary category when the post names one, else its first category."""
        chosen = item.postmeta.get("_yoast_wpseo_primary_category", "").strip()
        if chosen.isdigit() and int(chosen) in self.terms_by_id:
            term = self.terms_by_id[int(chosen)]
            if any(category.slug == term.slug for category in item.categories):
                return term
        return item.categories[0] if item.categories else None

    # Items ------------------------------------------------------------------------

    def import_item(self, item):
        importers = {
            wxr.Item.POST: self.import_post,
            wxr.Item.PAGE: self.import_page,
            wxr.Item.ATTACHMENT: self.import_attachment,
        }
        importer = importers.get(item.post_type)
        if importer is None:
            self.report.count("other", "skipped")
            return False
        try:
            importer(item)
        except DatabaseError:
            # The database's failure is no item's: the run stops, and the next one
            # carries on from here.
            raise
        except Exception:
            # One item's failure is that item's: reported, and the next one is imported.
            # What its transaction made is undone: forgotten too.
            self.made.clear()
            logger.exception("WordPress item %s could not be imported", item.post_id)
            self.report.count(item.post_type, "skipped")
            self.report.lose(
                item.post_type, self.address(item), _("Unexpected error: not imported.")
            )
        return True

    def import_post(self, item):
        kind, address = Kind.POST, self.address(item)
        if item.status not in {"publish", "future", "draft", "pending", "private"}:
            # Trashed, auto-drafts and the like: nothing an editor meant to keep.
            self.report.count(kind, "skipped")
            return
        digest = digest_of(item)
        article, again = self.earlier(kind, item, address, digest)
        if not again:
            self.slugs_taken.add(article.slug)
            return
        text = self.text_of(item, kind, address)
        if text is None:
            return
        converted, rendered = text
        status, published_at = self.status_of(item, address)
        featured = self.image_for(attachment_id=item.thumbnail_id) if item.thumbnail_id else None
        digest = self.complete(digest)
        title = self.title_of(item, kind, address)
        outcome = "updated" if article is not None else "created"
        if self.dry_run:
            slug = self.free_slug(Article, item, title, article or Article(), kind, address)
            self.slugs_taken.add(slug)
            self.report.count(kind, outcome)
            return
        with transaction.atomic():
            article = article or Article()
            article.title = title
            article.slug = self.free_slug(Article, item, title, article, kind, address)
            article.standfirst = self.standfirst_of(item, kind, address)
            article.body, article.rendered = converted.markdown, rendered
            article.status, article.published_at = status, published_at
            article.is_featured = item.is_sticky
            article.featured_image_id = featured
            article.section = self.section_of(item)
            article.save()
            self.set_authors(article, item)
            article.tags.set(self.tags_of(item))
            self.remember(kind, item.post_id, item.guid, article, digest)
            if item.status == "publish":
                # Only what readers could see had an address to keep; a draft's would
                # give its title away.
                target = article.get_absolute_url()
                for old in (item.link, f"/?p={item.post_id}"):
                    self.point(kind, old, target)
        self.slugs_taken.add(article.slug)
        self.report.count(kind, outcome)

    def import_page(self, item):
        kind, address = Kind.PAGE, self.address(item)
        if item.status != "publish" or item.post_password:
            # Site pages have no draft: whatever is imported is public at once.
            self.report.count(kind, "skipped")
            if item.status not in {"trash", "auto-draft", "inherit"}:
                self.report.lose(kind, address, _("Page not public on WordPress: not imported."))
            return
        digest = digest_of(item)
        page, again = self.earlier(kind, item, address, digest)
        if not again:
            return
        text = self.text_of(item, kind, address)
        if text is None:
            return
        converted, rendered = text
        digest = self.complete(digest)
        outcome = "updated" if page is not None else "created"
        title = self.title_of(item, kind, address)
        if self.dry_run:
            self.report.count(kind, outcome)
            return
        with transaction.atomic():
            page = page or SitePage()
            page.title = title
            page.slug = self.free_slug(SitePage, item, title, page, kind, address)
            page.body, page.rendered_body = converted.markdown, rendered
            page.save()
            self.remember(kind, item.post_id, item.guid, page, digest)
            for old in (item.link, f"/?page_id={item.post_id}"):
                self.point(kind, old, page.get_absolute_url())
        self.report.count(kind, outcome)

    def earlier(self, kind, item, address, digest):
        """
        What an earlier import made of the item (None if nothing), and whether to import
        it again: not when the export says the same, nor when an editor changed it here
        since (reported: the newsroom's work wins over the old site's).
        """
        imported = self.imported(kind, item.post_id, item.guid)
        if imported is None:
            return None, True
        target = imported.target
        if imported.content_hash == digest:
            self.report.count(kind, "unchanged")
            return target, False
        if target.updated_at > imported.imported_at:
            self.report.count(kind, "skipped")
            self.report.lose(kind, address, _("Edited here since the last import: left as it is."))
            return target, False
        return target, True

    def import_attachment(self, item):
        self.attachment_image(item.post_id)
        # Counted here, once, though a post showing it may have imported it first.
        self.report.count(Kind.ATTACHMENT, self.outcomes.get(item.post_id, "unchanged"))

    # What an item becomes ----------------------------------------------------------

    def status_of(self, item, address):
        """Our status and publication date for a post's WordPress status."""
        if item.post_password:
            self.report.lose(
                Kind.POST, address, _("Protected by a password on WordPress: imported as a draft.")
            )
            return Article.Status.DRAFT, None
        if item.status == "private":
            self.report.lose(Kind.POST, address, _("Private on WordPress: imported as a draft."))
            return Article.Status.DRAFT, None
        if item.status in {"publish", "future"}:
            # A future date makes it scheduled, as on WordPress.
            return Article.Status.PUBLISHED, item.post_date or timezone.now()
        if item.status == "pending":
            return Article.Status.REVIEW, None
        return Article.Status.DRAFT, None

    def title_of(self, item, kind, address):
        title = strip_tags(item.title).strip()
        if not title:
            self.report.lose(kind, address, _("No title on WordPress: given one to change."))
            title = _("Untitled (WordPress %(id)s)") % {"id": item.post_id}
        if len(title) > 200:
            self.report.lose(kind, address, _("Title shortened to 200 characters."))
            title = Truncator(title).chars(200)
        return title

    def standfirst_of(self, item, kind, address):
        standfirst = " ".join(strip_tags(item.excerpt).split())
        if len(standfirst) > 600:
            self.report.lose(kind, address, _("Excerpt shortened to 600 characters."))
            standfirst = Truncator(standfirst).chars(600)
        return standfirst

    def free_slug(self, model, item, title, instance, kind, address):
        """WordPress's slug if no other row has it, else one made free; a change is reported."""
        wanted = slugify(unquote(item.slug)) or slugify(title) or f"wordpress-{item.post_id}"
        limit = model._meta.get_field("slug").max_length
        wanted = wanted[:limit].strip("-")
        others = model._default_manager.exclude(pk=instance.pk)

        def free(slug):
            if others.filter(slug=slug).exists():
                return False
            if model is Article and slug in self.slugs_taken and slug != instance.slug:
                return False
            return model is not SitePage or _answers_as_site_page(slug)

        slug, number = wanted, 1
        while not free(slug):
            number += 1
            suffix = f"-{number}"
            slug = wanted[: limit - len(suffix)] + suffix
        if slug != wanted and instance.slug != slug:
            self.report.lose(
                kind,
                address,
                _("Address “%(wanted)s” already taken: imported as “%(slug)s”.")
                % {"wanted": wanted, "slug": slug},
            )
        return slug

    def complete(self, digest):
        """
        ``digest``, unless an image the item shows was missing: then one no export gives,
        so that the next import, given the media folder or the right to download, tries
        the item again.
        """
        missing, self.images_missing = self.images_missing, 0
        return digest if not missing else f"incomplete:{digest}"[:64]

    def text_of(self, item, kind, address):
        """
        The item's content as our Markdown and its render, or None, reported, when it is
        too long or too complex for the editor's pipeline.
        """
        if len(item.content) > MAX_CONTENT_CHARS:
            self.report.count(kind, "skipped")
            self.report.lose(kind, address, _("Content too long to be imported."))
            return None
        self.images_missing = 0
        converted = to_markdown(item.content, image_for=self.image_for)
        for problem in converted.problems:
            self.report.lose(kind, address, problem)
        try:
            # Rendered here, before the item's transaction opens; save() reuses it.
            return converted, render(converted.markdown)
        except TextTooComplex as refusal:
            self.report.count(kind, "skipped")
            self.report.lose(kind, address, str(refusal))
            return None

    def section_of(self, item):
        primary = self.primary_category(item)
        if primary is None:
            return self.once(("section", None), self.uncategorised)
        term = self.terms.get((wxr.Term.CATEGORY, primary.slug), primary)
        return self.once(("section", term.slug), partial(self.section_for, term))

    def uncategorised(self):
        section, _created = Section.objects.get_or_create(
            slug=UNCATEGORISED["slug"], defaults={"name": UNCATEGORISED["name"]}
        )
        return section

    def section_for(self, term):
        imported = self.imported(Kind.CATEGORY, _term_id(term), term.slug)
        if imported is not None and isinstance(imported.target, Section):
            return imported.target
        name = (term.name or term.slug)[:80]
        section = Section.objects.filter(name__iexact=name).first()
        if section is None:
            slug = self.unused_slug(Section, slugify(unquote(term.slug)) or slugify(name))
            description = getattr(term, "description", "")
            section = Section.objects.create(name=name, slug=slug, description=description)
            self.report.count(Kind.CATEGORY, "created")
        self.remember(Kind.CATEGORY, _term_id(term), term.slug, section, digest_of(term))
        self.point_term(Kind.CATEGORY, term, "articles:section", "articles:section_feed", section)
        return section

    def tags_of(self, item):
        """Its tags, and its categories other than the primary one, as tags."""
        primary = getattr(self.primary_category(item), "slug", None)
        tags = []
        for used in item.terms:
            if used.taxonomy == wxr.Term.TAG:
                kind = Kind.TAG
            elif used.taxonomy == wxr.Term.CATEGORY and used.slug != primary:
                kind = Kind.CATEGORY
            else:
                continue
            term = self.terms.get((used.taxonomy, used.slug), used)
            tags.append(self.once((kind, term.slug), partial(self.tag_for, kind, term)))
        return list(dict.fromkeys(tags))

    def tag_for(self, kind, term):
        imported = self.imported(kind, _term_id(term), term.slug)
        if imported is not None and isinstance(imported.target, Tag):
            return imported.target
        tag = self.tag_named(term)
        if kind == Kind.CATEGORY and term.slug in self.primary_categories:
            # A section too: its old addresses lead to the section.
            return tag
        self.remember(kind, _term_id(term), term.slug, tag, digest_of(term))
        self.point_term(kind, term, "articles:tag", "articles:tag_feed", tag)
        return tag

    def tag_named(self, term):
        name = (term.name or term.slug)[:100]
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            slug = self.unused_slug(Tag, slugify(unquote(term.slug)) or slugify(name) or "tag")
            tag = Tag.objects.create(name=name, slug=slug)
            self.report.count(Kind.TAG, "created")
        return tag

    def set_authors(self, article, item):
        author = self.author_of(item.author_login)
        Authorship.objects.filter(article=article).exclude(author=author).delete()
        if author is not None:
            Authorship.objects.get_or_create(article=article, author=author)

    def author_of(self, login):
        if not login:
            return None
        return self.once(("author", login), partial(self.author_for, login))

    def author_for(self, login):
        wordpress = self.authors.get(login) or wxr.Author(login=login)
        imported = self.imported(Kind.AUTHOR, wordpress.wordpress_id, login)
        if imported is not None and imported.target is not None:
            return imported.target
        name = (
            wordpress.display_name
            or " ".join(part for part in (wordpress.first_name, wordpress.last_name) if part)
            or login
        )[:120]
        author = Author.objects.filter(name__iexact=name, user=None).first()
        if author is None:
            author = Author.objects.create(
                name=name,
                slug=self.unused_slug(Author, slugify(name) or slugify(login) or "auteur"),
                bio=getattr(wordpress, "bio", ""),
            )
            self.report.count(Kind.AUTHOR, "created")
        self.remember(Kind.AUTHOR, wordpress.wordpress_id, login, author, digest_of(wordpress))
        target = author.get_absolute_url()
        feed = reverse("authors:feed", kwargs={"slug": author.slug})
        self.point(Kind.AUTHOR, f"/author/{login}/", target)
        self.point(Kind.AUTHOR, f"/author/{login}/feed/", feed)
        return author

    # Images -------------------------------------------------------------------------

    def image_for(self, url=None, attachment_id=None):
        """The library image's id for an attachment or an address in the content, or None."""
        found = self.find_image(url, attachment_id)
        if found is None:
            self.images_missing += 1
        return found

    def find_image(self, url=None, attachment_id=None):
        if attachment_id in self.attachments or (attachment_id is not None and not url):
            return self.attachment_image(attachment_id)
        if not url:
            return None
        attachment = self.attachment_urls.get(self.url_key(url)) or self.attachment_urls.get(
            self.url_key(_RESIZED.sub("", url))
        )
        if attachment is not None:
            return self.attachment_image(attachment)
        return self.url_image(url)

    def attachment_image(self, attachment_id):
        if ("attachment", attachment_id) in self.images:
            return self.images["attachment", attachment_id]
        self.images["attachment", attachment_id] = None
        item = self.attachments.get(attachment_id)
        if item is None:
            self.report.lose(
                Kind.ATTACHMENT,
                str(attachment_id),
                _("Attachment %(id)s is not in the export.") % {"id": attachment_id},
            )
            return None
        image_id, self.outcomes[attachment_id] = self.attachment_image_of(item)
        self.images["attachment", attachment_id] = image_id
        return image_id

    def attachment_image_of(self, item):
        kind, address = Kind.ATTACHMENT, item.attachment_url or item.guid
        imported = self.imported(kind, item.post_id, item.guid)
        image = imported.target if imported else None
        digest = digest_of(item)
        if image is not None and imported.content_hash == digest:
            return image.pk, "unchanged"
        metadata = {
            "title": strip_tags(item.title)[:200],
            "alt_text": item.postmeta.get("_wp_attachment_image_alt", "")[:300],
            "caption": " ".join(strip_tags(item.excerpt).split())[:300],
            "credit": _credit_of(item)[:200],
            "licence": (_("Imported from %(site)s") % {"site": self.site})[:300],
        }
        if image is not None:
            # Only its description changed: the file is the one already cleaned.
            if not self.dry_run:
                with transaction.atomic():
                    for name, value in metadata.items():
                        setattr(image, name, value)
                    image.save()
                    self.remember(kind, item.post_id, item.guid, image, digest)
            return image.pk, "updated"
        if PurePosixPath(urlsplit(address).path).suffix.lower() not in IMAGE_EXTENSIONS:
            self.report.lose(kind, address, _("Not an image: not imported."))
            return None, "skipped"
        relative = item.postmeta.get("_wp_attached_file", "")
        image_id = self.store_image(
            kind, address, relative, metadata, item.post_id, item.guid, digest
        )
        return image_id, "created" if image_id is not None else "skipped"

    def url_image(self, url):
        key = self.url_key(url)
        if ("url", key) in self.images:
            return self.images["url", key]
        self.images["url", key] = None
        kind = Kind.IMAGE
        guid = key if len(key) <= 500 else hashlib.sha256(key.encode()).hexdigest()
        imported = self.imported(kind, None, guid)
        if imported is not None:
            self.report.count(kind, "unchanged")
            self.images["url", key] = imported.target_id
            return imported.target_id
        if PurePosixPath(urlsplit(url).path).suffix.lower() not in IMAGE_EXTENSIONS:
            self.report.count(kind, "skipped")
            self.report.lose(kind, url, _("Not an image: not imported."))
            return None
        metadata = {
            "title": PurePosixPath(urlsplit(url).path).name[:200],
            "alt_text": "",
            "caption": "",
            "credit": "",
            "licence": (_("Imported from %(site)s") % {"site": self.site})[:300],
        }
        image_id = self.store_image(kind, url, "", metadata, None, guid, digest_of(url))
        self.report.count(kind, "created" if image_id is not None else "skipped")
        self.images["url", key] = image_id
        return image_id

    def store_image(self, kind, url, relative, metadata, wp_id, guid, digest):
        """The image at ``url`` put in the library through the upload form, or None, reported."""
        try:
            content = self.image_bytes(url, relative)
        except FetchRefused as refusal:
            self.report.lose(kind, url, _("Image not imported: %(why)s.") % {"why": refusal})
            return None
        name = PurePosixPath(urlsplit(url).path).name or "image"
        form = ImportImageForm(metadata, {"file": SimpleUploadedFile(name, content)})
        if self.dry_run:
            # Checked as an upload is, but no file written: no cleaning, no renditions.
            form.instance.process_file = lambda: None
        if not form.is_valid():
            message = " ".join(message for errors in form.errors.values() for message in errors)
            self.report.lose(kind, url, _("Image refused: %(why)s") % {"why": message})
            return None
        if self.dry_run:
            # Any number: the text is converted, then thrown away.
            return 0
        with transaction.atomic():
            image = form.save()
            self.remember(kind, wp_id, guid, image, digest)
        return image.pk

    def image_bytes(self, url, relative):
        """The file from the media folder, else downloaded if allowed: FetchRefused says why not."""
        path = self.media_path(url, relative)
        if path is not None:
            size = path.stat().st_size
            if size > settings.IMAGE_MAX_UPLOAD_BYTES:
                raise FetchRefused(_("the file is larger than the upload limit"))
            return path.read_bytes()
        if self.fetch_urls and not self.dry_run:
            return fetch(url)
        if self.media_dir is None and not self.fetch_urls:
            raise FetchRefused(_("missing file: no media folder was given"))
        raise FetchRefused(_("missing file: not in the media folder"))

    def media_path(self, url, relative):
        """The file in the media folder (a copy of wp-content/uploads), if it is there."""
        if self.media_dir is None:
            return None
        if not relative:
            parts = urlsplit(url)
            if parts.hostname and parts.hostname.lower() != self.host:
                return None
            _before, found, relative = unquote(parts.path).partition("/wp-content/uploads/")
            if not found:
                return None
        path = (self.media_dir / relative).resolve()
        # Never outside the folder, whatever the export's ``..`` or a link says.
        if not path.is_relative_to(self.media_dir) or not path.is_file():
            return None
        return path

    def url_key(self, url):
        """An address as the same file's other spellings give it: no scheme, host in lower case."""
        parts = urlsplit(url.strip())
        host = (parts.hostname or self.host).lower()
        return f"{host}{unquote(parts.path)}"

    def once(self, key, make):
        """What ``make()`` returns, made once a run: authors and terms recur in every post."""
        if key not in self.made:
            self.made[key] = make()
        return self.made[key]

    # Records and redirects --------------------------------------------------------------

    def imported(self, kind, wp_id, guid):
        """The ImportedItem of an item, if its target still exists."""
        found = ImportedItem.objects.of(self.site, kind, wp_id=wp_id, guid=guid)
        # The generic relation answers None for a target deleted here since.
        return found if found is not None and found.target is not None else None

    def remember(self, kind, wp_id, guid, target, digest):
        """Records what the item became, in the transaction that made it."""
        if self.dry_run:
            return
        key = {"wp_id": wp_id} if wp_id is not None else {"wp_id": None, "guid": guid}
        ImportedItem.objects.update_or_create(
            site=self.site,
            kind=kind,
            **key,
            defaults={
                "guid": guid[:500],
                "target_type": ContentType.objects.get_for_model(target),
                "target_id": target.pk,
                "content_hash": digest,
                "imported_at": timezone.now(),
            },
        )

    def point_term(self, kind, term, view, feed_view, target):
        path = self.term_path(term)
        prefix = "category" if term.taxonomy == wxr.Term.CATEGORY else "tag"
        new, new_feed = reverse(view, args=[target.slug]), reverse(feed_view, args=[target.slug])
        for old in {f"/{prefix}/{path}/", f"/{prefix}/{term.slug}/"}:
            self.point(kind, old, new)
            self.point(kind, f"{old}feed/", new_feed)

    def term_path(self, term):
        """A category's path in WordPress's addresses: its parents' slugs, then its own."""
        slugs, seen = [term.slug], {term.slug}
        parent = getattr(term, "parent", "")
        while parent and parent not in seen:
            seen.add(parent)
            slugs.insert(0, parent)
            parent = getattr(self.terms.get((term.taxonomy, parent)), "parent", "")
        return "/".join(slugs)

    def point(self, kind, old, target):
        """A permanent redirect from an old address of the site to ``target``."""
        path = self.old_path(old)
        if path is None or path == target or self.dry_run:
            return
        try:
            Redirect.objects.point(path, target, status=301, source="wordpress")
        except ValidationError as refusal:
            self.report.lose(kind, path, " ".join(refusal.messages))

    def old_path(self, address):
        """``address`` (a permalink or a path) as a path of this site, or None if elsewhere."""
        parts = urlsplit(address)
        if parts.hostname and parts.hostname.lower() != self.host:
            return None
        path = parts.path if parts.hostname else self.base_path + parts.path
        path = path or "/"
        return f"{path}?{parts.query}" if parts.query else path

    def address(self, item):
        return self.old_path(item.link) or item.link or item.guid

    def unused_slug(self, model, wanted):
        wanted = wanted[: model._meta.get_field("slug").max_length - 4]
        slug, number = wanted, 1
        while model._default_manager.filter(slug=slug).exists():
            number += 1
            slug = f"{wanted}-{number}"
        return slug


def digest_of(value):
    data = asdict(value) if hasattr(value, "__dataclass_fields__") else value
    text = json.dumps([IMPORTER_VERSION, data], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _term_id(term):
    return getattr(term, "wordpress_id", None)


def _credit_of(item):
    # WordPress keeps a photo's IPTC credit in its serialised metadata, nowhere else.
    found = _CREDIT.search(item.postmeta.get("_wp_attachment_metadata", ""))
    return found.group(1) if found else ""


def _answers_as_site_page(slug):
    # Site pages answer last, after every other address: the URLconf says which are taken.
    try:
        return resolve(f"/{slug}/").view_name == "sitepages:page"
    except Resolver404:
        return True


def _rewound(source):
    if hasattr(source, "seek"):
        source.seek(0)
    return source
