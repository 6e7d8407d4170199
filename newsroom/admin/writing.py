"""
Writing comfort and nothing lost, in the article form.

- The live preview: the body goes through the very pipeline that renders the
  public page (``images.embedding.render``), on a staff-only endpoint.
- Concurrent edits: a form opened at version N saves only if the article is
  still at N when it is saved; otherwise it comes back with the editor's text
  and the reason (see ``ArticleAdminForm.claim_version``).
- Autosave keeps drafts in the editor's own browser (``autosave.js``); the
  server only tells it which drafts were saved since, so it can forget them.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils.translation import ngettext

from images.embedding import render
from markup.rendering import TextTooComplex
from newsroom.forms import ConcurrentEdit

# Drafts saved lately in this session, for the browser to forget; a short
# list, as the browser forgets them at the next article form it opens.
SAVED_DRAFTS_SESSION_KEY = "articles_saved_drafts"
SAVED_DRAFTS_KEPT = 20


class WritingAdminMixin:
    def get_urls(self):
        preview = path(
            "writing-preview/",
            self.admin_site.admin_view(self.writing_preview_view),
            name="articles_article_writing_preview",
        )
        return [preview, *super().get_urls()]

    def writing_preview_view(self, request):
        """The body as readers will see it, with its reading time, as JSON."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        body = request.POST.get("body", "")
        try:
            rendered = render(body, for_editor=True)
        except TextTooComplex as refusal:
            # The same words the form would say on saving, where the preview stands.
            return JsonResponse({"error": refusal.message}, status=400)
        minutes, words = rendered.reading_time, rendered.words
        return JsonResponse(
            {
                "html": rendered.html,
                "reading_time": minutes,
                "words": words,
                "reading_time_label": ngettext(
                    "Reading time: about %(minutes)s minute",
                    "Reading time: about %(minutes)s minutes",
                    minutes,
                )
                % {"minutes": minutes},
                "words_label": ngettext("%(count)s word", "%(count)s words", words)
                % {"count": words},
            }
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "writing": self.writing_context(request)}
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ConcurrentEdit:
            # A colleague saved between validation and save; what this request
            # wrote was rolled back with its transaction. Validating again now
            # finds the newer version and shows the form back with the text.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def writing_context(self, request):
        return {
            "preview_url": reverse(
                "admin:articles_article_writing_preview", current_app=self.admin_site.name
            ),
            "saved_drafts": request.session.get(SAVED_DRAFTS_SESSION_KEY, []),
        }

    def save_model(self, request, obj, form, change):
        if change:
            form.claim_version()
        super().save_model(request, obj, form, change)
        key = form.cleaned_data.get("draft_key")
        if key:
            saved = request.session.get(SAVED_DRAFTS_SESSION_KEY, [])
            request.session[SAVED_DRAFTS_SESSION_KEY] = [*saved, key][-SAVED_DRAFTS_KEPT:]
