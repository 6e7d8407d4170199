"""
An article's revisions read as versions: compared, restored and pruned.

django-simple-history keeps one row per save of an article (``Article.history``).
This module is what the newsroom does with those rows: tell an editor what
changed between any two of them, copy one back onto the article, and decide
which ones a retention rule may delete. Revision numbers are the rows' own ids:
they never change, so a number written in the action log stays true after a
prune.
"""

import copy
import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Value, Window
from django.db.models.functions import Coalesce, Lag, RowNumber
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article, EditorialAction, Section, Spoilers, State
from images.models import Image
from markup.formats import rating_number
from newsroom import workflow
from works.models import Work

History = Article.history.model
Status = Article.Status

# The text editors write, compared word by word.
TEXT_FIELDS = ["title", "standfirst", "body"]
# Everything else a revision holds, shown as before → after.
DETAIL_FIELDS = [
    "section",
    "status",
    "published_at",
    "is_featured",
    "featured_image",
    "slug",
    "seo_title",
    "seo_description",
    "ai_usage",
    "ai_usage_note",
    "reviewed_work",
    "rating",
    "spoilers",
]
# What a restore copies back. Not ``revised_at``: the « Mis à jour le » date
# tells readers when the text last changed for them, and a restore is such a
# change, not a return to an older date.
RESTORED_FIELDS = TEXT_FIELDS + DETAIL_FIELDS
# Compared, never restored: bringing an old embargo back could lift the current
# one, which only an administrator may do (workflow.lifts_embargo).
SHOWN_ONLY_FIELDS = ["embargo_until"]
COMPARED_FIELDS = RESTORED_FIELDS + SHOWN_ONLY_FIELDS

# Unchanged lines shown around a change in the body; the rest is folded.
CONTEXT_LINES = 2
# Pairs of lines, then of words, that one comparison may weigh. difflib takes
# time in the product of the two lengths (worse on repeated lines), and a
# contributor writes both texts: two versions of 50,000 short lines took
# minutes to compare. Past the limit a passage is shown as removed then added
# in full, which is also how two unrelated long texts read best. At the limit
# a comparison takes about a quarter of a second.
DIFF_PAIRS_LIMIT = 1_000_000
# Words, runs of spaces and line breaks, single punctuation signs: joined
# back, the tokens give the text exactly.
TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]")


def _attname(name):
    return Article._meta.get_field(name).attname


def revisions_of(article):
    """The revisions of ``article``, newest first."""
    return History.objects.filter(id=article.pk).order_by("-history_id")


def revision_state(revision):
    """What an editor called the article when the revision was saved."""
    return State.of(revision.status, revision.published_at, revision.history_date)


# Comparing


@dataclass(frozen=True)
class Version:
    """One side of a comparison: a revision, the article as it is, or nothing at all."""

    label: str
    values: dict
    # When this version was saved, to tell scheduled from published; None for "nothing".
    moment: datetime | None
    revision: object = None

    @classmethod
    def of_revision(cls, revision):
        values = {name: getattr(revision, _attname(name)) for name in COMPARED_FIELDS}
        label = _("Revision %(number)s") % {"number": revision.history_id}
        return cls(label, values, revision.history_date, revision)

    @classmethod
    def of_article(cls, article, label=None):
        values = {name: getattr(article, _attname(name)) for name in COMPARED_FIELDS}
        return cls(label or _("Current version"), values, timezone.now())

    @classmethod
    def nothing(cls):
        values = dict.fromkeys(COMPARED_FIELDS, "")
        return cls(_("Nothing (before the first revision)"), values, None)

    @property
    def sequence(self):
        """Save order: nothing, then revisions by number, then the article as it is."""
        if self.revision is not None:
            return self.revision.history_id
        return 0 if self.moment is None else float("inf")

    @property
    def state(self):
        if self.moment is None:
            return ""
        return State.of(self.values["status"], self.values["published_at"], self.moment)

    @property
    def state_label(self):
        return self.state.label if self.state else ""


@dataclass(frozen=True)
class Block:
    """A piece of a text comparison: lines kept, lines folded away, or a changed passage."""

    kind: str  # "same", "folded" or "changed"
    html: str = ""
    line: int = 0
    count: int = 0


@dataclass
class TextChange:
    label: str
    changed: bool
    blocks: list = field(default_factory=list)


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class Comparison:
    old: Version
    new: Version
    texts: list
    fields: list

    @property
    def changed(self):
        return bool(self.fields) or any(text.changed for text in self.texts)


def version_before(article, version):
    """The revision saved before ``version`` (the latest one, before the article as it is)."""
    earlier = revisions_of(article).select_related("history_user")
    if version.revision is not None:
        earlier = earlier.filter(history_id__lt=version.revision.history_id)
    previous = earlier.first()
    return Version.nothing() if previous is None else Version.of_revision(previous)


def compare(old, new):
    """From ``old`` to ``new``: the text word by word, the other fields as before → after."""
    texts = []
    for name in TEXT_FIELDS:
        before, after = old.values[name] or "", new.values[name] or ""
        changed = before != after
        texts.append(
            TextChange(_label(name), changed, diff_lines(before, after) if changed else [])
        )
    display = _Display([old, new])
    fields = []
    for name in DETAIL_FIELDS + SHOWN_ONLY_FIELDS:
        before, after = display.value(old, name), display.value(new, name)
        if before != after:
            fields.append(FieldChange(_label(name), before, after))
    return Comparison(old, new, texts, fields)


def _label(name):
    return Article._meta.get_field(name).verbose_name


class _Display:
    """Field values as an editor reads them, looking up sections and images once."""

    def __init__(self, versions):
        def ids(name):
            return {version.values[name] for version in versions} - {None, ""}

        self.sections = Section.objects.in_bulk(ids("section"))
        self.images = Image.objects.in_bulk(ids("featured_image"))
        self.works = Work.objects.in_bulk(ids("reviewed_work"))

    def value(self, version, name):
        """The value as text, or "" when there is none."""
        value = version.values[name]
        if version.moment is None:
            return ""
        if name == "status":
            return str(version.state_label)
        if value is None or value == "":
            return ""
        if name == "section":
            found = self.sections.get(value)
            return str(found) if found else gettext("deleted section (#%(id)s)") % {"id": value}
        if name == "featured_image":
            found = self.images.get(value)
            return str(found) if found else gettext("deleted image (#%(id)s)") % {"id": value}
        if name == "reviewed_work":
            found = self.works.get(value)
            return str(found) if found else gettext("deleted work (#%(id)s)") % {"id": value}
        if name == "rating":
            return rating_number(value)
        if name == "spoilers":
            return str(Spoilers(value).label) if value in Spoilers else value
        if name in ("published_at", "embargo_until"):
            return date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if name == "is_featured":
            return gettext("Yes") if value else gettext("No")
        if name == "ai_usage":
            return str(Article.AIUsage(value).label) if value in Article.AIUsage else value
        return str(value)


def diff_lines(old, new, context=CONTEXT_LINES):
    """
    ``old`` → ``new`` as blocks of lines: changed passages diffed word by word,
    unchanged lines kept only around them so that a long body stays readable.
    """
    a, b = old.splitlines(), new.splitlines()
    if len(a) * len(b) > DIFF_PAIRS_LIMIT:
        opcodes = [("replace", 0, len(a), 0, len(b))]
    else:
        opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    blocks = []
    # Shared by the passages' word diffs: many changed passages must not add up to
    # more than one long one may take.
    pairs_left = DIFF_PAIRS_LIMIT
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "equal":
            removed, added = "\n".join(a[i1:i2]), "\n".join(b[j1:j2])
            html, pairs = _diff_words(removed, added, pairs_left)
            pairs_left -= pairs
            # Lines only removed have no number in the new text.
            blocks.append(Block("changed", html, line=0 if tag == "delete" else j1 + 1))
            continue
        lines = list(enumerate(b[j1:j2], start=j1 + 1))
        head = 0 if index == 0 else context
        tail = 0 if index == len(opcodes) - 1 else context
        folded = len(lines) - head - tail
        if folded <= 1:
            head, folded = len(lines), 0
        blocks += [Block("same", escape(text), line=number) for number, text in lines[:head]]
        if folded:
            blocks.append(Block("folded", count=folded))
            blocks += [
                Block("same", escape(text), line=number)
                for number, text in lines[len(lines) - tail :]
            ]
    return blocks


def diff_words(old, new):
    """``old`` → ``new`` as HTML, removed words in <del>, added ones in <ins>, all escaped."""
    return _diff_words(old, new, DIFF_PAIRS_LIMIT)[0]


def _diff_words(old, new, pairs_limit):
    """diff_words(), comparing at most ``pairs_limit`` pairs of words, and how many it did."""
    a, b = TOKEN_RE.findall(old), TOKEN_RE.findall(new)
    pairs = len(a) * len(b)
    if pairs > pairs_limit:
        chunks, pairs = [("", old, new)], 0
    else:
        chunks = _word_chunks(a, b)
    pieces = []
    for same, removed, added in chunks:
        if same:
            pieces.append(escape(same))
        if removed:
            pieces.append(format_html("<del>{}</del>", removed))
        if added:
            pieces.append(format_html("<ins>{}</ins>", added))
    return format_html_join("", "{}", ((piece,) for piece in pieces)), pairs


def _word_chunks(a, b):
    """
    Runs of the tokens ``a`` → ``b`` as (kept, removed, added): a kept run changes
    nothing, a change keeps none.
    """
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    chunks = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        # A lone space between two changes joins them: "le chat noir" →
        # "un chien blanc" reads as one replacement, not three.
        between_changes = 0 < index < len(opcodes) - 1
        if tag == "equal" and not (between_changes and removed.isspace()):
            chunks.append((removed, "", ""))
        elif chunks and not chunks[-1][0]:
            _same, previous_removed, previous_added = chunks.pop()
            chunks.append(("", previous_removed + removed, previous_added + added))
        else:
            chunks.append(("", removed, added))
    return chunks


# Restoring


@dataclass
class RestorePlan:
    """What restoring ``revision`` writes onto the article, and what it leaves, with why."""

    revision: object
    values: dict
    kept: list

    def apply_to(self, article):
        for name, value in self.values.items():
            setattr(article, _attname(name), value)
        return article

    def preview(self, article):
        """A copy of ``article`` as the restore would leave it, for the confirmation page."""
        return self.apply_to(copy.copy(article))


def plan_restore(article, revision, user):
    compared = Version.of_revision(revision).values
    values = {name: compared[name] for name in RESTORED_FIELDS}
    current = Version.of_article(article).values
    kept = []

    def keep(names, reason):
        if any(values[name] != current[name] for name in names):
            kept.append(reason)
        for name in names:
            values[name] = current[name]

    if not workflow.can_publish(user):
        # A restore must not be a way round the role rules: the old text
        # comes back, but only an editor puts an article online or takes it off.
        keep(
            workflow.EDITOR_ONLY_FIELDS,
            _(
                "Only an editor can publish, schedule or unpublish: the article keeps its "
                "current status, publication date and headline setting."
            ),
        )
    restored_date = values["published_at"] or timezone.now()
    if values["status"] == Status.PUBLISHED and workflow.breaks_embargo(
        article.embargo_until, restored_date
    ):
        # The embargo is not part of a revision: the current one holds.
        keep(
            ["status", "published_at"],
            _(
                "The article's embargo runs until %(moment)s (Paris time), after that "
                "revision's publication date: the article keeps its current status and "
                "publication date."
            )
            % {"moment": workflow.paris_day_and_time(article.embargo_until)},
        )
    if values["slug"] != current["slug"]:
        taken = Article.objects.filter(slug=values["slug"]).exclude(pk=article.pk).exists()
        if taken:
            keep(
                ["slug"],
                _(
                    "The address “%(slug)s” is now used by another article: the article keeps "
                    "its current address."
                )
                % {"slug": values["slug"]},
            )
    if not Section.objects.filter(pk=values["section"]).exists():
        keep(
            ["section"],
            _("The section of that revision no longer exists: the article keeps its section."),
        )
    image = values["featured_image"]
    if image is not None and not Image.objects.filter(pk=image).exists():
        keep(
            ["featured_image"],
            _(
                "The featured image of that revision is no longer in the media library: the "
                "article keeps its current image."
            ),
        )
    work = values["reviewed_work"]
    if work is not None and not Work.objects.filter(pk=work).exists():
        keep(
            ["reviewed_work", "rating"],
            _(
                "The film or series that revision reviewed is no longer in the catalogue: the "
                "article keeps its current review details and rating."
            ),
        )
    return RestorePlan(revision, values, kept)


def restore(article, revision, user):
    """
    Copy ``revision`` back onto ``article`` and save it, which makes a new
    revision; log it with the transition it made, if any. Returns the plan.
    """
    plan = plan_restore(article, revision, user)
    before = workflow.Snapshot.of(article)
    plan.apply_to(article)
    number = {"number": revision.history_id}
    article._history_user = user
    article._change_reason = gettext("Restored revision %(number)s") % number
    try:
        article.save()
    finally:
        del article._history_user, article._change_reason
    workflow.record_transition(article, user, before)
    EditorialAction.record(
        article, user, EditorialAction.Kind.RESTORED, gettext("revision %(number)s") % number
    )
    return plan


# Pruning


def seen_by_readers():
    """
    Revisions readers were shown: published, and dated before the next save
    replaced them (or before now, for the latest). A scheduled revision left
    untouched until its date went online, so it counts too.
    """
    shown_until = Coalesce(F("replaced_at"), Value(timezone.now()))
    return State.PUBLISHED.condition(moment=shown_until)


def prunable(keep_last, older_than, article_ids=None):
    """
    Revisions that the retention rule lets go: saved before ``older_than``,
    not among the ``keep_last`` latest of their article, never seen by readers.
    The latest revision of an article is always kept.
    """
    keep_last = max(keep_last, 1)
    revisions = History.objects.all()
    if article_ids is not None:
        revisions = revisions.filter(id__in=article_ids)
    newest_first = {"partition_by": [F("id")], "order_by": F("history_id").desc()}
    ranked = (
        revisions.annotate(
            position=Window(RowNumber(), **newest_first),
            replaced_at=Window(Lag("history_date"), **newest_first),
        )
        .filter(position__gt=keep_last)
        .exclude(seen_by_readers())
        .values("history_id")
    )
    # The date is checked outside the ranking query: a condition inside it
    # would rank only the old revisions, and "the latest N" would shift.
    return History.objects.filter(history_id__in=ranked, history_date__lt=older_than)
