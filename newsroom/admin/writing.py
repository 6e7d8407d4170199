"""
Writing comfort and nothing lost, in the article form.

- The live preview: the body goes through the very pipeline that renders the
  public page (``images.embedding.render``), on a staff-only endpoint.
- Concurrent edits: a form opened at version N saves only if the article is
  still at N when it is saved; otherwise it comes back with the editor's text
  and the reason (see ``ArticleAdminForm.claim_version``).
- Autosave keeps drafts in the editor's own browser (``autosave.js``); the
  server only tells it which drafts were saved since, so it can forget them,
  in a cookie of the admin's own: the list belongs to the browser, and
  keeping it in the session would write the session back at every save.
  What it sends to the server, for another machine, is the writer's working
  copy (``working_copies.py``).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import ngettext

from images.embedding import render
from markup.rendering import TextTooComplex
from newsroom.forms import DRAFT_KEY_RE, ConcurrentEdit

# Drafts saved lately from this browser, for it to forget; a short list, as
# the browser forgets them at the next article form it opens.
SAVED_DRAFTS_COOKIE = "saved_drafts"
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
                # « 10 757 mots », grouped as French writes a long-read's count.
                "words_label": ngettext("%(count)s word", "%(count)s words", words)
                % {"count": number_format(words, force_grouping=True)},
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
            "saved_drafts": saved_drafts(request),
        }

    def save_model(self, request, obj, form, change):
        if change:
            form.claim_version()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        return self.forget_saved_draft(request, response)

    def response_change(self, request, obj):
        return self.forget_saved_draft(request, super().response_change(request, obj))

    def forget_saved_draft(self, request, response):
        """``response`` to the form's saving, adding its draft to those the browser forgets."""
        key = request.POST.get("draft_key", "")
        if DRAFT_KEY_RE.fullmatch(key):
            response.set_cookie(
                SAVED_DRAFTS_COOKIE,
                ".".join([*saved_drafts(request), key][-SAVED_DRAFTS_KEPT:]),
                max_age=settings.SESSION_COOKIE_AGE,
                # Sent to the admin alone: reader pages neither set nor receive a cookie.
                path=reverse("admin:index", current_app=self.admin_site.name),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def saved_drafts(request):
    """The keys of the drafts saved lately from this browser, oldest first."""
    listed = request.COOKIES.get(SAVED_DRAFTS_COOKIE, "").split(".")
    return [key for key in listed if DRAFT_KEY_RE.fullmatch(key)]
