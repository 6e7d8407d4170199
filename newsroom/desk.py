"""
The desk: the admin's home, what each person has to do today.

A writer sees their own work; whoever edits every article (workflow.can_edit_any())
sees the whole newsroom's, and the notes writers leave on their own articles: a
question to the desk is for whoever edits. Each list is one named QuerySet and a
prefetch of its bylines, cut to DESK_LINES: the page costs the same whatever the
number of articles.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from newsroom import workflow
from newsroom.models import Note

DESK_LINES = 10
# How far ahead an embargo's end is worth a line: the week's press screenings.
EMBARGO_HORIZON = timedelta(days=7)


@dataclass
class DeskList:
    name: str
    title: str
    empty: str
    lines: list
    # The article list, filtered to the same articles, when there may be more than shown.
    more_query: str = ""

    def __iter__(self):
        return iter(self.lines)

    @property
    def is_cut(self):
        return len(self.lines) >= DESK_LINES


def start_of_today():
    """Midnight in Paris, where the newsroom's « today » begins."""
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def own_drafts_query(user):
    """The article list's filters for ``user``'s drafts (a writer's list holds only theirs)."""
    profile = workflow.author_profile(user)
    if profile is None:
        return "status=draft"
    return f"status=draft&authors__id__exact={profile.pk}"


def desk_for(user):
    """The lists of ``user``'s desk, in the order an editor's morning reads them."""
    edits_everything = workflow.can_edit_any(user)
    articles = Article.objects.for_desk()
    theirs = articles if edits_everything else articles.written_by(user)
    mine = articles.written_by(user)
    notes = Note.objects.open().addressed_to(user)
    if edits_everything:
        notes |= Note.objects.open().from_writers().exclude(author=user)
    ending_soon = theirs.embargo_ending_before(timezone.now() + EMBARGO_HORIZON)
    today = theirs.published_since(start_of_today())
    return [
        DeskList(
            "notes",
            _("Notes for you"),
            _("No note waits for your answer."),
            list(notes.for_desk()[:DESK_LINES]),
        ),
        DeskList(
            "drafts",
            _("My drafts"),
            _("No draft in progress."),
            list(mine.drafts().order_by("-updated_at", "-id")[:DESK_LINES]),
            own_drafts_query(user),
        ),
        DeskList(
            "review",
            _("To review") if edits_everything else _("Waiting for review"),
            _("Nothing waits for a review.")
            if edits_everything
            else _("None of your articles waits for a review."),
            # Oldest first: the one waiting longest comes up first.
            list(theirs.in_review().order_by("updated_at", "id")[:DESK_LINES]),
            "status=review",
        ),
        DeskList(
            "scheduled",
            _("Coming up"),
            _(
                "Nothing is scheduled: an article published with a future date "
                "goes live on its own."
            ),
            list(theirs.scheduled().order_by("published_at", "id")[:DESK_LINES]),
            "status=scheduled",
        ),
        DeskList(
            "embargoes",
            _("Embargoes ending this week"),
            _("No embargo ends in the next seven days."),
            list(ending_soon.order_by("embargo_until", "id")[:DESK_LINES]),
            "embargo=yes",
        ),
        DeskList(
            "published_today",
            _("Published today"),
            _("Nothing published since midnight yet."),
            list(today.order_by("-published_at", "-id")[:DESK_LINES]),
            "status=published",
        ),
    ]
