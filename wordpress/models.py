from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.core.validators import FileExtensionValidator
from django.db import models
from django.dispatch import receiver
from django.test.signals import setting_changed
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _


class PrivateStorage(LazyObject):
    """
    ``storages["private"]``, looked up on first use and again after STORAGES changes, as
    Django's default_storage is: a FileField evaluates its storage once, at import.
    """

    def _setup(self):
        self._wrapped = storages["private"]


def private_storage():
    return _private_storage


_private_storage = PrivateStorage()


@receiver(setting_changed)
def forget_private_storage(setting, **kwargs):
    if setting == "STORAGES":
        _private_storage._wrapped = empty


class WordPressImport(models.Model):
    """
    An import started from the admin: the uploaded export, kept where the site never serves
    it, and how far its background run went, for the administrator who watches it.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file = models.FileField(
        _("WordPress export"),
        upload_to="wordpress/%Y/%m/",
        storage=private_storage,
        validators=[FileExtensionValidator(["xml"])],
        help_text=_("The XML file of Tools → Export in WordPress's administration."),
    )
    fetch_urls = models.BooleanField(
        _("download images from the old site"),
        default=False,
        help_text=_(
            "Images the export names by address are fetched from the web. Left unticked, "
            "they are reported as missing."
        ),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded on"), auto_now_add=True)
    started_at = models.DateTimeField(_("started on"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    # Moved on each step: a run whose progress stops moving lost its worker (is_stalled).
    progressed_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    done = models.PositiveIntegerField(_("items done"), default=0)
    total = models.PositiveIntegerField(_("items in the export"), default=0)
    # wordpress.importer.Report.as_json(): counts per kind and each loss.
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("WordPress import")
        verbose_name_plural = _("WordPress imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.file.name.rsplit("/", 1)[-1] if self.file else str(self.pk)

    @property
    def percent_done(self):
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_stalled(self):
        """Running, but its progress has not moved for TASKS_STALLED_AFTER: its worker died."""
        if self.status != self.Status.RUNNING:
            return False
        moved = self.progressed_at or self.started_at
        return moved is None or timezone.now() - moved > timedelta(
            seconds=settings.TASKS_STALLED_AFTER
        )

    def start(self):
        self.status, self.started_at = self.Status.RUNNING, timezone.now()
        self.progressed_at = self.started_at
        self.finished_at, self.error = None, ""
        self.save(update_fields=["status", "started_at", "progressed_at", "finished_at", "error"])

    def advance(self, done, total):
        self.done, self.total, self.progressed_at = done, total, timezone.now()
        self.save(update_fields=["done", "total", "progressed_at"])

    def finish(self, report):
        self.status, self.finished_at = self.Status.DONE, timezone.now()
        self.report = report
        self.save(update_fields=["status", "finished_at", "report"])

    def fail(self, error):
        self.status, self.finished_at = self.Status.FAILED, timezone.now()
        self.error = error
        self.save(update_fields=["status", "finished_at", "error"])


class ImportedItemQuerySet(models.QuerySet):
    def of(self, site, kind, wp_id=None, guid=""):
        """What an export's item became: by WordPress's id, else by its GUID (None if new)."""
        if wp_id is not None:
            found = self.filter(site=site, kind=kind, wp_id=wp_id).first()
            if found is not None:
                return found
        if not guid:
            return None
        found = self.filter(kind=kind, guid=guid)
        if kind not in ImportedItem.KINDS_WITH_URL_GUIDS:
            # A login or a slug: another site's may be the same.
            found = found.filter(site=site)
        # A post's GUID is its first address, kept when the site moves to another domain.
        return found.order_by("-id").first()


class ImportedItem(models.Model):
    """
    One thing of a WordPress site and what it became here: what makes a second import of
    the same export update rather than duplicate, and an interrupted one carry on where it
    stopped (each item is written in one transaction with its row here).
    """

    class Kind(models.TextChoices):
        POST = "post", _("post")
        PAGE = "page", _("page")
        ATTACHMENT = "attachment", _("attachment")
        # An image the content shows by address, with no attachment in the export.
        IMAGE = "image", _("image")
        AUTHOR = "author", _("author")
        CATEGORY = "category", _("category")
        TAG = "tag", _("tag")

    # GUIDs WordPress made from the site's address, and which stay when the site moves.
    KINDS_WITH_URL_GUIDS = {Kind.POST, Kind.PAGE, Kind.ATTACHMENT}

    # The WordPress site's address (the export's base_blog_url): ids repeat across sites.
    site = models.CharField(_("WordPress site"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # WordPress's own id (post, term or user); None for what has none (an image by URL).
    wp_id = models.BigIntegerField(_("WordPress id"), null=True, blank=True)
    # The post's GUID, or the key of what has no id: the image's address, a login, a slug.
    guid = models.CharField(_("GUID"), max_length=500, blank=True, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    # SHA-256 of what the export said of the item: the same digest, nothing to update.
    content_hash = models.CharField(max_length=64)
    imported_at = models.DateTimeField(_("imported on"), default=timezone.now)

    objects = ImportedItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("imported item")
        verbose_name_plural = _("imported items")
        ordering = ["site", "kind", "wp_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "wp_id"],
                condition=models.Q(wp_id__isnull=False),
                name="one_imported_item_per_wordpress_id",
            ),
            models.UniqueConstraint(
                fields=["site", "kind", "guid"],
                condition=models.Q(wp_id__isnull=True),
                name="one_imported_item_per_key",
            ),
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="imported_target_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.wp_id or self.guid} ({self.site})"
