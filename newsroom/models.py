"""
Notes between the desk and the writer: an editor's remark on an article (on the
whole of it or on a quoted passage), the writer's answer, and its resolution.

Notes live in the newsroom only: no reader page, feed, search or revision
reads them (articles/ does not know they exist), and they are not part of the
article, so writing one neither saves the article nor makes a revision.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import normalize_newlines
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Authorship
from markup.rendering import BODY_MAX_CHARS

# A remark, not an article: bounded like everything typed below administrator.
NOTE_MAX_LENGTH = 2000
PASSAGE_MAX_LENGTH = 300


class NoteQuerySet(models.QuerySet):
    def threads(self):
        """The notes that open a thread, each holding its answers (``replies``)."""
        return self.filter(reply_to__isnull=True)

    def open(self):
        """Notes of threads still unresolved: an answer is resolved with its thread."""
        return self.filter(
            models.Q(reply_to__isnull=True, resolved_at__isnull=True)
            | models.Q(reply_to__isnull=False, reply_to__resolved_at__isnull=True)
        )

    def addressed_to(self, user):
        """
        The notes ``user`` is expected to answer: a thread opened by someone else on an
        article ``user`` signs, and answers to a thread ``user`` opened.
        """
        on_own_article = models.Q(
            reply_to__isnull=True,
            article__in=Article.objects.written_by(user).values("pk"),
        )
        answered = models.Q(reply_to__author=user)
        return self.filter(on_own_article | answered).exclude(author=user)

    def from_writers(self):
        """Threads opened by one of the article's writers: questions to the desk."""
        signed = Authorship.objects.filter(
            article=models.OuterRef("article"), author__user=models.OuterRef("author")
        )
        return self.filter(models.Exists(signed), reply_to__isnull=True)

    def for_desk(self):
        return self.select_related("article", "author__author_profile", "reply_to").order_by(
            "-created_at", "-id"
        )

    def for_panel(self):
        """An article's threads as its page shows them, answers in order, in two queries."""
        answers = Note.objects.select_related("author__author_profile").order_by("created_at", "id")
        return (
            self.threads()
            .select_related("author__author_profile", "resolved_by__author_profile")
            .prefetch_related(models.Prefetch("replies", queryset=answers))
            .order_by("resolved_at", "created_at", "id")
        )


class Note(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # One level of answers: a thread is a note and the notes answering it.
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in answer to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    passage = models.CharField(
        _("passage"),
        max_length=PASSAGE_MAX_LENGTH,
        blank=True,
        help_text=_(
            "The words of the text the note is about, copied; empty for the whole article."
        ),
    )
    text = models.TextField(_("note"), validators=[MaxLengthValidator(NOTE_MAX_LENGTH)])
    created_at = models.DateTimeField(_("written on"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved on"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reply_to__isnull=True) | models.Q(resolved_at__isnull=True),
                name="only_threads_are_resolved",
            )
        ]

    def __str__(self):
        return self.text[:60]


# How long a working copy is kept after its last keystroke, as the browser keeps its own.
WORKING_COPY_KEPT = timedelta(days=30)


class WorkingCopyQuerySet(models.QuerySet):
    def of(self, user, article=None, draft_key=""):
        """
        ``user``'s copy of ``article`` (an article or its id), or, with no article, of the
        new article typed in the form opened as ``draft_key``.
        """
        if article is not None:
            return self.filter(user=user, article=article)
        return self.filter(user=user, article__isnull=True, draft_key=draft_key)

    def current(self):
        return self.filter(updated_at__gte=timezone.now() - WORKING_COPY_KEPT)

    def expired(self):
        return self.filter(updated_at__lt=timezone.now() - WORKING_COPY_KEPT)

    def keep(self, user, article, draft_key, based_on_version, **texts):
        """
        Write ``user``'s copy of ``article`` (or of the new article ``draft_key``) with
        ``texts``: one UPDATE while typing goes on, an INSERT at its first keystrokes.
        """
        values = {**texts, "based_on_version": based_on_version, "updated_at": timezone.now()}
        if article is not None:
            draft_key = ""  # An article has one copy per writer, whichever form typed it.
        copies = self.of(user, article, draft_key)
        if copies.update(**values):
            return
        try:
            # A savepoint: the writer's other machine may create the same copy meanwhile.
            with transaction.atomic():
                self.create(user=user, article=article, draft_key=draft_key, **values)
        except IntegrityError:
            copies.update(**values)
        else:
            # Once per copy, not per keystroke: enough to keep the table small, no cron.
            self.expired().delete()


class WorkingCopy(models.Model):
    """
    What a writer typed in the article form and has not saved, kept on the server as
    they type (autosave.js), so that another machine can offer it back.

    Not a revision: the article, its version and its history are untouched. No reader
    page, feed, search or sitemap reads it (articles/ does not know it exists). Saving
    the article through the form deletes the writer's copy.
    """

    # The fields the form autosaves (autosave.js, FIELDS).
    TEXTS = ["title", "standfirst", "body", "seo_title", "seo_description"]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # None while the article is new: then the copy belongs to the form it is typed in.
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    draft_key = models.CharField(_("form"), max_length=32, blank=True)
    # The texts the form autosaves, bounded as the article's own fields.
    title = models.CharField(_("title"), max_length=200, blank=True)
    standfirst = models.TextField(_("standfirst"), max_length=600, blank=True)
    body = models.TextField(_("body"), max_length=BODY_MAX_CHARS, blank=True)
    seo_title = models.CharField(_("title for search engines"), max_length=70, blank=True)
    seo_description = models.CharField(
        _("description for search engines"), max_length=160, blank=True
    )
    # The article's version the form was opened with: saving the copy over a newer one
    # is refused, as any form opened before a colleague's save.
    based_on_version = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(_("kept on"), default=timezone.now, db_index=True)

    objects = WorkingCopyQuerySet.as_manager()

    class Meta:
        verbose_name = _("working copy")
        verbose_name_plural = _("working copies")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=models.Q(article__isnull=False),
                name="one_working_copy_per_writer_and_article",
            ),
            models.UniqueConstraint(
                fields=["user", "draft_key"],
                condition=models.Q(article__isnull=True),
                name="one_working_copy_per_new_article_form",
            ),
        ]

    def __str__(self):
        return self.title or self.draft_key

    def differs_from(self, article):
        """Whether the copy holds anything else than ``article``'s saved texts."""
        # Browsers post a textarea's line breaks as CRLF, and their script reads them as LF.
        return any(
            normalize_newlines(getattr(self, name))
            != normalize_newlines(getattr(article, name) or "")
            for name in self.TEXTS
        )

    def is_older_than(self, article):
        """Whether the article was saved since the form this copy was typed in was opened."""
        return self.based_on_version is not None and self.based_on_version < article.version
