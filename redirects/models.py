from urllib.parse import parse_qsl, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import pagecache

# The query strings by which WordPress names a post, page, category, tag, author or
# attachment when its permalinks are not « pretty »: /?p=123, /?page_id=7, /?cat=4.
WORDPRESS_QUERY_KEYS = ("p", "page_id", "cat", "tag", "author", "attachment_id")

OLD_PATH_MAX_LENGTH = 500
TARGET_MAX_LENGTH = 2000


def old_path_of(address):
    """
    The form in which an old address is kept and looked up: its path, decoded (%C3%A9 is
    é, as Django gives ``request.path``), without host, fragment or query string, except
    WordPress's query form (``/?p=123``), which keeps that one parameter alone.
    """
    parts = urlsplit(address.strip())
    path = unquote(parts.path) or "/"
    if not path.startswith("/"):
        path = f"/{path}"
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for name in WORDPRESS_QUERY_KEYS:
        if query.get(name):
            return f"{path}?{name}={query[name]}"
    return path


def kept_old_path(address):
    """``old_path_of(address)``, or a ValidationError if too long to be kept."""
    path = old_path_of(address)
    if len(path) > OLD_PATH_MAX_LENGTH:
        raise ValidationError(
            _("An old address holds %(max)s characters at most: this one has %(length)s."),
            code="too_long",
            params={"max": OLD_PATH_MAX_LENGTH, "length": len(path)},
        )
    return path


def wordpress_query_of(request):
    """``/?p=123`` if ``request`` asks for an old WordPress address by its query, else None."""
    for name in WORDPRESS_QUERY_KEYS:
        if request.GET.get(name):
            return f"{request.path}?{name}={request.GET[name]}"
    return None


def _site_host():
    return urlsplit(settings.SITE_URL).netloc


def target_of(address):
    """
    ``address`` as a redirect's target: a path on the site (an absolute address on the
    site's own host is kept as its path, so that chains through it are seen) or an
    absolute http(s) address elsewhere.
    """
    address = address.strip()
    parts = urlsplit(address)
    if parts.scheme in ("http", "https") and parts.netloc:
        if parts.netloc != _site_host():
            return address
        address = parts._replace(scheme="", netloc="").geturl() or "/"
        parts = urlsplit(address)
    elif parts.scheme or parts.netloc or not address.startswith("/"):
        # « //elsewhere.example/ » is another host to a browser, not a path.
        raise ValidationError(
            _(
                "« %(address)s » is neither a path on the site (starting with « / ») nor "
                "an address starting with https://."
            ),
            code="invalid_target",
            params={"address": address},
        )
    target = parts._replace(path=unquote(parts.path)).geturl()
    if len(target) > TARGET_MAX_LENGTH:
        raise ValidationError(
            _("A new address holds %(max)s characters at most: this one has %(length)s."),
            code="too_long",
            params={"max": TARGET_MAX_LENGTH, "length": len(target)},
        )
    return target


def is_on_site(target):
    return target.startswith("/")


class RedirectQuerySet(models.QuerySet):
    def at(self, address):
        """The redirect answering ``address``, as a queryset (empty if none)."""
        return self.filter(old_path=old_path_of(address))

    def point(self, old_path, target, status=301, source="manual"):
        """
        Make ``old_path`` lead to ``target`` (created or updated) and return the redirect.

        In one hop: a target that itself redirects is followed to where it leads
        (``leads_to()``), and the redirects that led to ``old_path`` now lead to the
        target. A target leading back to ``old_path`` is a loop, refused with a
        ValidationError.
        """
        old_path = kept_old_path(old_path)
        with transaction.atomic():
            target = self.leads_to(old_path, target)
            redirect, _created = self.update_or_create(
                old_path=old_path,
                defaults={"target": target, "status": status, "source": source},
            )
            self._follow(old_path, target)
        return redirect

    def leads_to(self, old_path, target):
        """
        Where a redirect from ``old_path`` to ``target`` would lead in one hop, or a
        ValidationError if nowhere: an address that is not one, or a loop.
        """
        old_path = old_path_of(old_path)
        target = asked = target_of(target)
        if is_on_site(target) and old_path_of(target) == old_path:
            raise ValidationError(
                _("« %(old_path)s » cannot lead to itself."),
                code="loop",
                params={"old_path": old_path},
            )
        onward = self._moved(target) if is_on_site(target) else None
        if onward is not None:
            target = onward.target
        if is_on_site(target) and old_path_of(target) == old_path:
            raise ValidationError(
                _(
                    "« %(old_path)s » cannot lead to « %(target)s »: that address leads "
                    "back to it, and readers would go round in circles."
                ),
                code="loop",
                params={"old_path": old_path, "target": asked},
            )
        return target

    def gone(self, old_path, source="manual"):
        """Make ``old_path`` answer 410 Gone: removed on purpose, not lost."""
        redirect, _created = self.update_or_create(
            old_path=kept_old_path(old_path),
            defaults={"target": "", "status": Redirect.Status.GONE, "source": source},
        )
        return redirect

    def answering(self, request):
        """
        The redirect for ``request``, or None: its WordPress query form first, then its
        path, then its path with the slash WordPress's permalinks end with.
        """
        candidates = [wordpress_query_of(request), request.path]
        if not request.path.endswith("/"):
            candidates.append(f"{request.path}/")
        # No old address holds a NUL (forms refuse it), and PostgreSQL refuses to be asked.
        candidates = [path for path in candidates if path and "\x00" not in path]
        if not candidates:
            return None
        found = {redirect.old_path: redirect for redirect in self.filter(old_path__in=candidates)}
        return next((found[path] for path in candidates if path in found), None)

    def count_hit(self, redirect):
        # One UPDATE computed by the database: two readers at once both count.
        self.filter(pk=redirect.pk).update(hits=F("hits") + 1, last_hit_at=timezone.now())

    def _moved(self, target):
        """The redirect that sends ``target`` elsewhere, if any."""
        return (
            self.filter(old_path=old_path_of(target)).exclude(status=Redirect.Status.GONE).first()
        )

    def _follow(self, old_path, target):
        leading_here = list(
            self.filter(target=old_path).exclude(old_path=old_path).values_list("pk", flat=True)
        )
        if leading_here:
            self.filter(pk__in=leading_here).update(target=target)
            # update() sends no signal: the answers they gave are stale.
            pagecache.invalidate({pagecache.key(Redirect, pk) for pk in leading_here})


class Redirect(models.Model):
    """An old address that answers with a redirect, or 410 Gone, once no page is there."""

    class Status(models.IntegerChoices):
        MOVED_PERMANENTLY = 301, _("Permanent (301)")
        FOUND = 302, _("Temporary (302)")
        GONE = 410, _("Removed on purpose (410)")

    class Source(models.TextChoices):
        MANUAL = "manual", _("By hand")
        RENAME = "rename", _("Renamed")
        WORDPRESS = "wordpress", _("WordPress import")
        CSV = "csv", _("CSV import")

    old_path = models.CharField(
        _("old address"),
        max_length=OLD_PATH_MAX_LENGTH,
        unique=True,
        help_text=_(
            "The path readers still ask for, starting with « / », e.g. "
            "/2023/07/28/titre-de-l-article/ or /?p=123."
        ),
    )
    target = models.CharField(
        _("new address"),
        max_length=TARGET_MAX_LENGTH,
        blank=True,
        help_text=_(
            "A path on the site (/articles/…) or an address starting with https://. "
            "Empty for an address removed on purpose (410)."
        ),
    )
    status = models.PositiveSmallIntegerField(
        _("answer"), choices=Status.choices, default=Status.MOVED_PERMANENTLY
    )
    hits = models.PositiveIntegerField(
        _("visits"),
        default=0,
        editable=False,
        help_text=_("Answers the site built: those a cache or the CDN gave again are not counted."),
    )
    last_hit_at = models.DateTimeField(_("last visit"), null=True, blank=True, editable=False)
    source = models.CharField(
        _("origin"), max_length=16, choices=Source.choices, default=Source.MANUAL
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = RedirectQuerySet.as_manager()

    class Meta:
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")
        ordering = ["old_path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=410, target="")
                | (~models.Q(status=410) & ~models.Q(target="")),
                name="redirect_target_unless_gone",
            ),
        ]

    def __str__(self):
        if self.status == self.Status.GONE:
            return f"{self.old_path} → 410"
        return f"{self.old_path} → {self.target}"
