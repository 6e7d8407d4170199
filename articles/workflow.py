"""
The status flow of an article, and who may move it along.

draft → review → published; a published article dated in the future is
scheduled and reaches readers on its own when the date passes (no cron job:
``ArticleQuerySet.published()`` compares with the clock). Who may do what is
read from permissions, never from group names, so that a site can shape its
own roles:

- ``articles.change_article`` alone: one's own drafts (one's author profile is
  in the byline), which one may submit for review;
- ``articles.edit_any_article``: every article, whatever its status;
- ``articles.publish_article``: publish, schedule and unpublish.

Every move, whether from the article form or a bulk action, goes to the
action log with the user who made it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .models import Article, EditorialAction

CHANGE = "articles.change_article"
EDIT_ANY = "articles.edit_any_article"
PUBLISH = "articles.publish_article"

Status = Article.Status
Kind = EditorialAction.Kind

# What an editor calls the states: "published" is split by the clock.
DRAFT, REVIEW, SCHEDULED, LIVE = "draft", "review", "scheduled", "live"


def author_profile(user):
    """The author profile linked to ``user``'s login, or None."""
    return getattr(user, "author_profile", None)


def can_publish(user):
    return user.has_perm(CHANGE) and user.has_perm(PUBLISH)


def can_edit_any(user):
    return user.has_perm(EDIT_ANY)


def is_author(user, article):
    """Whether ``user``'s author profile is in the byline of ``article``."""
    if article.pk is None or not user.is_authenticated:
        return False
    return article.authorships.filter(author__user=user).exists()


def can_view(user, article):
    return can_edit_any(user) or is_author(user, article)


def can_edit(user, article):
    if not user.has_perm(CHANGE):
        return False
    if can_edit_any(user):
        return True
    # Once submitted, the text is the editors' until they send it back.
    return article.status == Status.DRAFT and is_author(user, article)


@dataclass(frozen=True)
class Snapshot:
    """An article's status and date at one moment, to tell what a save changed."""

    status: str
    published_at: datetime | None

    @classmethod
    def of(cls, article):
        return cls(article.status, article.published_at)

    @classmethod
    def stored(cls, article):
        """The state in the database, which a bound form has already overwritten in memory."""
        if article.pk is None:
            return NEW
        status, published_at = Article.objects.values_list("status", "published_at").get(
            pk=article.pk
        )
        return cls(status, published_at)

    def state(self, now):
        if self.status != Status.PUBLISHED:
            return self.status
        if self.published_at is not None and self.published_at > now:
            return SCHEDULED
        return LIVE


NEW = Snapshot(Status.DRAFT, None)


def paris_time(moment):
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def record_transition(article, user, before):
    """Log the move from ``before`` to ``article`` as just saved; None when it did not move."""
    now = timezone.now()
    old, new = before.state(now), Snapshot.of(article).state(now)
    if new == SCHEDULED and (old != SCHEDULED or before.published_at != article.published_at):
        return EditorialAction.record(
            article, user, Kind.SCHEDULED, paris_time(article.published_at)
        )
    if old == new:
        return None
    if new == LIVE:
        return EditorialAction.record(article, user, Kind.PUBLISHED)
    if old in (SCHEDULED, LIVE):
        return EditorialAction.record(article, user, Kind.UNPUBLISHED)
    if new == REVIEW:
        return EditorialAction.record(article, user, Kind.SUBMITTED)
    # In review → draft: sent back to its writer, which the log has no entry for.
    return None


def _move(article, user, **changes):
    before = Snapshot.of(article)
    for name, value in changes.items():
        setattr(article, name, value)
    # A full save, so that the move is a revision and bumps the version an
    # open edit form was loaded with.
    article.save()
    record_transition(article, user, before)
    return True


def _require(allowed):
    if not allowed:
        raise PermissionDenied


# Each move returns False, changing nothing, when the article is not in a state
# it applies to, and raises PermissionDenied when the user may not make it.


def submit_for_review(article, user):
    if article.status != Status.DRAFT:
        return False
    _require(can_edit(user, article))
    return _move(article, user, status=Status.REVIEW)


def publish_now(article, user):
    if article.is_published:
        return False
    _require(can_publish(user) and can_edit(user, article))
    return _move(article, user, status=Status.PUBLISHED, published_at=timezone.now())


def schedule(article, user, when):
    if when <= timezone.now():
        raise ValueError("A schedule needs a date in the future.")
    # Rescheduling an article readers already have would take it off the site.
    if article.is_published:
        return False
    _require(can_publish(user) and can_edit(user, article))
    return _move(article, user, status=Status.PUBLISHED, published_at=when)


def unpublish(article, user):
    """Back to draft, off the site at once; the date is kept for a later republication."""
    if article.status != Status.PUBLISHED:
        return False
    _require(can_publish(user) and can_edit(user, article))
    return _move(article, user, status=Status.DRAFT)
