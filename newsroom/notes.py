"""
Leaving, answering and resolving notes (newsroom.models.Note), each checked on
the server and written to the action log.

Who may: an editor on any article; a writer on the articles they sign, whatever
their status (workflow.can_write_notes()). Resolving a thread is for an editor
or for whom the thread is addressed to: the article's writers.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.models import EditorialAction
from newsroom import workflow
from newsroom.models import NOTE_MAX_LENGTH, PASSAGE_MAX_LENGTH, Note

Kind = EditorialAction.Kind


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write the note before sending it."),
            "max_length": _(
                "A note holds %(limit_value)d characters at most (this one has %(show_value)d): "
                "shorten it, or split it in two."
            ),
        },
    )
    passage = forms.CharField(
        label=_("Passage (optional)"),
        max_length=PASSAGE_MAX_LENGTH,
        required=False,
        help_text=_(
            "Paste the words of the text the note is about; leave empty for the whole article."
        ),
        error_messages={
            "max_length": _(
                "Quote %(limit_value)d characters at most (this passage has %(show_value)d): "
                "the first words are enough to find it."
            ),
        },
    )


class AnswerForm(forms.Form):
    text = NoteForm.base_fields["text"]


def leave_note(article, user, text, passage=""):
    _require(workflow.can_write_notes(user, article))
    note = Note.objects.create(article=article, author=user, text=text, passage=passage)
    EditorialAction.record(article, user, Kind.NOTED, excerpt(text))
    return note


def answer(thread, user, text):
    _require(workflow.can_write_notes(user, thread.article))
    if thread.reply_to_id is not None:
        # Answers go to the thread, one level deep.
        thread = thread.reply_to
    note = Note.objects.create(article=thread.article, author=user, reply_to=thread, text=text)
    EditorialAction.record(thread.article, user, Kind.ANSWERED, excerpt(text))
    return note


def resolve(thread, user):
    """Marks the thread resolved; False, changing nothing, when it already was."""
    _require(workflow.can_write_notes(user, thread.article))
    if thread.reply_to_id is not None or thread.resolved_at is not None:
        return False
    thread.resolved_at = timezone.now()
    thread.resolved_by = user
    thread.save(update_fields=["resolved_at", "resolved_by"])
    EditorialAction.record(thread.article, user, Kind.RESOLVED, excerpt(thread.text))
    return True


def excerpt(text):
    return Truncator(" ".join(text.split())).chars(120)


def _require(allowed):
    if not allowed:
        raise PermissionDenied
