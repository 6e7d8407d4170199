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
- ``articles.publish_article``: publish, schedule and unpublish;
- ``articles.lift_embargo``: lift an embargo, or bring it forward.

An embargo holds an article back until a date (a review until the press
screening's end): before it, nobody may publish it nor schedule it earlier,
whatever their role; scheduling it for the very minute the embargo ends is the
usual way to honour it. Anyone who may edit the article may set an embargo or
push it back; only lifting it, or bringing it forward, takes the permission,
and is logged.

Every move, whether from the article form or a bulk action, goes to the
action log with the user who made it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext, pgettext

from articles.models import Article, EditorialAction, State
from markup.formats import long_date

CHANGE = "articles.change_article"
EDIT_ANY = "articles.edit_any_article"
PUBLISH = "articles.publish_article"
LIFT_EMBARGO = "articles.lift_embargo"

Status = Article.Status
Kind = EditorialAction.Kind

# What only someone who may publish sets: when readers see the article, and the
# headline. A contributor still sends their draft for review: see editor_only_fields().
EDITOR_ONLY_FIELDS = ("status", "published_at", "is_featured")


def author_profile(user):
    """The author profile linked to ``user``'s login, or None."""
    return getattr(user, "author_profile", None)


def can_publish(user):
    return user.has_perm(CHANGE) and user.has_perm(PUBLISH)


def can_publish_article(user, article):
    """Whether ``user`` may publish, schedule or unpublish ``article``."""
    return can_publish(user) and can_edit(user, article)


def editor_only_fields(user, article=None):
    """The fields ``user`` may not set on ``article`` (None: a new one); none for an editor."""
    if can_publish(user):
        return []
    published = article is not None and article.status == Status.PUBLISHED
    # Someone editing every article without publishing keeps a published one's status.
    return [name for name in EDITOR_ONLY_FIELDS if name != "status" or published]


def can_edit_any(user):
    return user.has_perm(EDIT_ANY)


def can_lift_embargo(user):
    return user.has_perm(LIFT_EMBARGO)


def is_author(user, article):
    """Whether ``user``'s author profile is in the byline of ``article``."""
    if article.pk is None or not user.is_authenticated:
        return False
    # A list that prefetched the bylines (with_bylines()) knows without a query per row.
    if "authors" in getattr(article, "_prefetched_objects_cache", {}):
        return any(author.user_id == user.pk for author in article.authors.all())
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


def can_submit(user, article):
    # A new article will be its writer's (the admin puts them in the byline): they may
    # send it to the editors as soon as it is written.
    if article.pk is None:
        return user.has_perm(CHANGE) and user.has_perm("articles.add_article")
    return can_edit(user, article)


def can_write_notes(user, article):
    """
    Whether ``user`` may leave notes on ``article``, or answer them: an editor on any
    article, a writer on their own. A note does not touch the text, so an article in
    review, which its writer may no longer change, stays open to their answers.
    """
    return user.has_perm(CHANGE) and (can_edit_any(user) or is_author(user, article))


@dataclass(frozen=True)
class Snapshot:
    """An article's status, date and embargo at one moment, to tell what a save changed."""

    status: str
    published_at: datetime | None
    embargo_until: datetime | None = None

    @classmethod
    def of(cls, article):
        return cls(article.status, article.published_at, article.embargo_until)

    @classmethod
    def before(cls, form):
        """
        The state a bound form found (ArticleAdminForm.found, taken when it was made),
        which it has since overwritten on its instance: as read for this request. A
        colleague's save since then is refused by the form's version check, so it is
        the state in the database too.
        """
        if form.instance._state.adding:
            return NEW
        return form.found

    def state(self, now):
        return State.of(self.status, self.published_at, now)


NEW = Snapshot(Status.DRAFT, None)


def paris_time(moment):
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


# paris_time()'s stamp, as stored in the action log's details.
PARIS_TIME_RE = re.compile(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) CES?T")


def paris_times_in_words(detail):
    """``detail`` with each paris_time() stamp in it written as paris_day_and_time() writes it."""

    def in_words(stamp):
        naive = datetime.strptime(stamp[1], "%Y-%m-%d %H:%M")
        return paris_day_and_time(naive.replace(tzinfo=timezone.get_current_timezone()))

    return PARIS_TIME_RE.sub(in_words, detail)


def paris_day_and_time(moment):
    """« 3 décembre 2026 à 9 h 00 »: a moment in Paris time, as the active language writes it."""
    local = timezone.localtime(moment)
    # Django date formats, translated: French writes « 9 h 00 », English "09:00".
    if local.second:
        clock = time_format(local, pgettext("time of day, Django date format", "H:i:s"))
    else:
        clock = time_format(local, pgettext("time of day, Django date format", "H:i"))
    return gettext("%(date)s at %(time)s") % {"date": long_date(local), "time": clock}


class UnderEmbargo(Exception):
    """A publication date the article's embargo forbids; the message says until when."""

    def __init__(self, article):
        self.article = article
        self.until = article.embargo_until
        super().__init__(embargo_message(self.until))


def embargo_message(until):
    return gettext(
        "Under embargo until %(moment)s (Paris time): the article can be neither published "
        "nor scheduled before."
    ) % {"moment": paris_day_and_time(until)}


def breaks_embargo(embargo_until, published_at):
    """Whether publishing at ``published_at`` comes before the end of the embargo."""
    if embargo_until is None or published_at is None:
        return False
    # Compared as it will be stored: Article.save() drops the microseconds, and
    # the database checks the stored date (constraint published_after_embargo).
    return published_at.replace(microsecond=0) < embargo_until


def check_embargo(article, published_at):
    if breaks_embargo(article.embargo_until, published_at):
        raise UnderEmbargo(article)


def lifts_embargo(before, after, now=None):
    """
    Whether changing an embargo from ``before`` to ``after`` lets the article out
    earlier: removed or brought forward while it still holds. Once it has ended,
    changing it frees nothing.
    """
    now = now or timezone.now()
    if before is None or before <= now:
        return False
    return after is None or after < before


def record_embargo_lift(article, user, before):
    """Log the lifting of an embargo by the save that just happened; None if there was none."""
    if not lifts_embargo(before.embargo_until, article.embargo_until):
        return None
    detail = paris_time(before.embargo_until)
    if article.embargo_until is not None:
        detail = f"{detail} → {paris_time(article.embargo_until)}"
    return EditorialAction.record(article, user, Kind.EMBARGO_LIFTED, detail)


def record_transition(article, user, before):
    """Log the move from ``before`` to ``article`` as just saved; None when it did not move."""
    now = timezone.now()
    old, new = before.state(now), Snapshot.of(article).state(now)
    if new == State.SCHEDULED and (
        old != State.SCHEDULED or before.published_at != article.published_at
    ):
        return EditorialAction.record(
            article, user, Kind.SCHEDULED, paris_time(article.published_at)
        )
    if old == new:
        return None
    if new == State.PUBLISHED:
        return EditorialAction.record(article, user, Kind.PUBLISHED)
    if old in (State.SCHEDULED, State.PUBLISHED):
        return EditorialAction.record(article, user, Kind.UNPUBLISHED)
    if new == State.REVIEW:
        return EditorialAction.record(article, user, Kind.SUBMITTED)
    # In review → draft: sent back to its writer, which the log has no entry for.
    return None


@dataclass(frozen=True)
class Move:
    """
    One step of the flow: the states it ``applies`` to, and who is ``allowed`` to take
    it. The bulk actions, the article form's buttons and the buttons it offers all
    read them here.
    """

    name: str
    applies: Callable
    allowed: Callable
    # A state in which the move applies but would be refused whoever makes it, so
    # that no button offers it; a forged post still gets the refusal's reason.
    held_back: Callable = lambda article: False

    def is_offered(self, article, user):
        return self.applies(article) and not self.held_back(article) and self.allowed(user, article)


def _not_online(article):
    # A scheduled article is not online yet: publishing it now or at another date
    # is still a move.
    return not article.is_published


SUBMIT = Move("review", lambda article: article.status == Status.DRAFT, can_submit)
# Back to its writer, who may edit it again; an editor's move, not in the action log.
SEND_BACK = Move(
    "draft",
    lambda article: article.status == Status.REVIEW,
    lambda user, article: can_edit_any(user) and can_edit(user, article),
)
PUBLISH_NOW = Move(
    "publish", _not_online, can_publish_article, held_back=lambda article: article.is_under_embargo
)
SCHEDULE = Move("schedule", _not_online, can_publish_article)
UNPUBLISH = Move(
    "unpublish", lambda article: article.status == Status.PUBLISHED, can_publish_article
)
MOVES = {move.name: move for move in (SUBMIT, SEND_BACK, PUBLISH_NOW, SCHEDULE, UNPUBLISH)}


def offered_moves(article, user):
    """The names of the moves ``user`` may make on ``article`` as it stands."""
    return [name for name, move in MOVES.items() if move.is_offered(article, user)]


def _move(article, user, save, **changes):
    before = Snapshot.of(article)
    for name, value in changes.items():
        setattr(article, name, value)
    if save:
        # A full save, so that the move is a revision and bumps the version an
        # open edit form was loaded with.
        article.save()
        record_transition(article, user, before)
    return True


def _require(move, article, user):
    """Whether ``move`` applies to ``article``; PermissionDenied if ``user`` may not make it."""
    if not move.applies(article):
        return False
    if not move.allowed(user, article):
        raise PermissionDenied
    return True


# Each move returns False, changing nothing, when the article is not in a state
# it applies to, raises PermissionDenied when the user may not make it, and
# UnderEmbargo, changing nothing, when the date is before the article's embargo.
# With ``save=False`` it only sets the fields, for a form that saves the article
# itself (and logs the move, see ArticleAdmin.save_model()).


def submit_for_review(article, user, *, save=True):
    if not _require(SUBMIT, article, user):
        return False
    return _move(article, user, save, status=Status.REVIEW)


def send_back(article, user, *, save=True):
    if not _require(SEND_BACK, article, user):
        return False
    return _move(article, user, save, status=Status.DRAFT)


def publish_now(article, user, *, save=True):
    if not _require(PUBLISH_NOW, article, user):
        return False
    now = timezone.now()
    check_embargo(article, now)
    return _move(article, user, save, status=Status.PUBLISHED, published_at=now)


def schedule(article, user, when, *, save=True):
    if when <= timezone.now():
        raise ValueError("A schedule needs a date in the future.")
    # Rescheduling an article readers already have would take it off the site.
    if not _require(SCHEDULE, article, user):
        return False
    check_embargo(article, when)
    return _move(article, user, save, status=Status.PUBLISHED, published_at=when)


def unpublish(article, user, *, save=True):
    """Back to draft, off the site at once; the date is kept for a later republication."""
    if not _require(UNPUBLISH, article, user):
        return False
    return _move(article, user, save, status=Status.DRAFT)


def plan(article, user, when):
    """
    Move the date an article not yet published is planned for: the calendar's
    say, readers see nothing of it. Whoever may edit the article may plan it,
    a contributor their own draft; the embargo holds the plan as it holds a
    schedule, since the plan is the date it is meant to go out.
    """
    if when <= timezone.now():
        raise ValueError("A plan needs a date in the future.")
    if article.status == Status.PUBLISHED:
        return False
    if not can_edit(user, article):
        raise PermissionDenied
    check_embargo(article, when)
    # A full save, as for the other moves: an edit form opened before now
    # would otherwise put the old date back.
    article.planned_for = when
    article.save()
    return True
