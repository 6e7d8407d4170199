"""
The notes panel of the article's admin page (newsroom/notes.py): its threads, and
plain POST forms to leave a note, answer one and resolve a thread, each checked
on the server. The panel sits after the article form, never inside it: a note is
sent on its own, and sending one neither saves the article nor loses its text.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from newsroom import notes, workflow
from newsroom.models import NOTE_MAX_LENGTH, Note


class NotesAdminMixin:
    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        # Before the model's own URLs, whose last pattern takes any "<id>/…".
        return [
            path(
                "<path:object_id>/notes/",
                self.admin_site.admin_view(require_POST(self.note_create_view)),
                name=f"{prefix}_note_create",
            ),
            path(
                "<path:object_id>/notes/<int:note_id>/answer/",
                self.admin_site.admin_view(require_POST(self.note_answer_view)),
                name=f"{prefix}_note_answer",
            ),
            path(
                "<path:object_id>/notes/<int:note_id>/resolve/",
                self.admin_site.admin_view(require_POST(self.note_resolve_view)),
                name=f"{prefix}_note_resolve",
            ),
            *super().get_urls(),
        ]

    def notes_url(self, name, article, *args):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}",
            args=[article.pk, *args],
            current_app=self.admin_site.name,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not add:
            context["notes_panel"] = self.notes_panel(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def notes_panel(self, request, article):
        may_write = workflow.can_write_notes(request.user, article)
        threads = list(article.notes.for_panel())
        for thread in threads:
            thread.answer_url = self.notes_url("note_answer", article, thread.pk)
            thread.resolve_url = self.notes_url("note_resolve", article, thread.pk)
        return {
            "threads": threads,
            "may_write": may_write,
            "form": notes.NoteForm(),
            "max_length": NOTE_MAX_LENGTH,
            "open_count": sum(thread.resolved_at is None for thread in threads),
            "create_url": self.notes_url("note_create", article),
        }

    def article_for_notes(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("This article does not exist (any more)."))
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        return article

    def back_to_notes(self, article, note=None):
        anchor = f"note-{note.pk}" if note is not None else "notes"
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[article.pk],
            current_app=self.admin_site.name,
        )
        return HttpResponseRedirect(f"{url}#{anchor}")

    def refuse_form(self, request, article, form):
        for errors in form.errors.values():
            for error in errors:
                self.message_user(request, error, messages.ERROR)
        return self.back_to_notes(article)

    def note_create_view(self, request, object_id):
        article = self.article_for_notes(request, object_id)
        form = notes.NoteForm(request.POST)
        if not form.is_valid():
            return self.refuse_form(request, article, form)
        note = notes.leave_note(article, request.user, **form.cleaned_data)
        self.message_user(request, _("Note sent."), messages.SUCCESS)
        return self.back_to_notes(article, note)

    def note_answer_view(self, request, object_id, note_id):
        article = self.article_for_notes(request, object_id)
        thread = get_object_or_404(Note, pk=note_id, article=article)
        form = notes.AnswerForm(request.POST)
        if not form.is_valid():
            return self.refuse_form(request, article, form)
        note = notes.answer(thread, request.user, form.cleaned_data["text"])
        self.message_user(request, _("Answer sent."), messages.SUCCESS)
        return self.back_to_notes(article, note)

    def note_resolve_view(self, request, object_id, note_id):
        article = self.article_for_notes(request, object_id)
        thread = get_object_or_404(Note, pk=note_id, article=article, reply_to__isnull=True)
        if notes.resolve(thread, request.user):
            self.message_user(request, _("Note resolved."), messages.SUCCESS)
        else:
            self.message_user(request, _("This note was already resolved."), messages.INFO)
        return self.back_to_notes(article, thread)
