"""
Notes between the desk and the writer: an editor's remark on an article (on the
whole of it or on a quoted passage), the writer's answer, and its resolution.

Notes live in the newsroom only: no reader page, feed, search or revision
reads them (articles/ does not know they exist), and they are not part of the
article, so writing one neither saves the article nor makes a revision.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Authorship

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
