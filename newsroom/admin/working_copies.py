"""
The server's half of autosave: the writer's working copy of an article.

autosave.js keeps the text in the browser at each pause in the typing and, every
few seconds, sends it here as the writer's working copy (newsroom.models.WorkingCopy).
Opening the form on another machine then offers it back in a banner, drawn by the
server so that it shows without JavaScript too; « Reprendre ce texte » is a plain
link that opens the form filled with the copy, which the normal save then saves.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.dateformat import time_format
from django.utils.translation import gettext, pgettext

from newsroom import workflow
from newsroom.forms import DRAFT_KEY_RE
from newsroom.models import WorkingCopy

# The query string of the link that opens the form filled with the working copy.
RESTORE = "reprendre"
# Posted by the article form while a working copy may exist (working_copy.html, set by
# autosave.js once it sends one): saving then deletes it.
HAS_COPY = "working_copy"


class WorkingCopyForm(forms.ModelForm):
    class Meta:
        model = WorkingCopy
        fields = [*WorkingCopy.TEXTS, "based_on_version"]


class WorkingCopyAdminMixin:
    def get_urls(self):
        keep = path(
            "working-copy/",
            self.admin_site.admin_view(self.working_copy_view),
            name="articles_article_working_copy",
        )
        return [keep, *super().get_urls()]

    def working_copy_view(self, request):
        """
        Keep what the form holds as the user's working copy, or forget it (``discard``,
        the banner's « Ignorer »); JSON in return.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article, draft_key = self.copied_article(request)
        if "discard" in request.POST:
            WorkingCopy.objects.of(request.user, article, draft_key).delete()
            return JsonResponse({"discarded": True})
        form = WorkingCopyForm(request.POST)
        if not form.is_valid():
            # Each field named as the article form names it, for the status line.
            problems = [
                f"{form.fields[name].label}\u00a0: {' '.join(errors)}"
                if name in form.fields
                else " ".join(errors)
                for name, errors in form.errors.items()
            ]
            return JsonResponse({"error": " ".join(problems)}, status=400)
        WorkingCopy.objects.keep(
            request.user,
            article,
            draft_key,
            form.cleaned_data["based_on_version"],
            **{name: form.cleaned_data[name] for name in WorkingCopy.TEXTS},
        )
        clock = time_format(
            timezone.localtime(), pgettext("time of day, Django date format", "H:i")
        )
        return JsonResponse(
            {"status": gettext("Text saved automatically at %(time)s.") % {"time": clock}}
        )

    def copied_article(self, request):
        """
        The article a working copy is posted for, and the new article form's key, each
        once the user is found to be allowed to write it.
        """
        article_id = request.POST.get("article", "")
        if not article_id:
            draft_key = request.POST.get("draft_key", "")
            if not DRAFT_KEY_RE.fullmatch(draft_key) or not self.has_add_permission(request):
                raise PermissionDenied
            return None, draft_key
        # Not the admin's list: a contributor's copy of a colleague's article is refused
        # on the permission (403), as the form itself refuses it.
        article = self.get_object(request, article_id)
        if article is None or not self.has_change_permission(request, article):
            raise PermissionDenied
        return article, ""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if request.method != "GET":
            return form
        if obj is None:
            copies = WorkingCopy.objects.filter(user=request.user, article__isnull=True)
            restored = request.GET.get(RESTORE, "")
            if DRAFT_KEY_RE.fullmatch(restored):
                copies = copies.filter(draft_key=restored)
            copy = copies.current().first()
            article = self.model()
        else:
            copy = WorkingCopy.objects.of(request.user, obj).current().first()
            article = obj
        if copy is None or not copy.differs_from(article):
            return form
        # The form class carries the copy to the banner (render_change_form()).
        bases = (RestoringForm, form) if RESTORE in request.GET else (form,)
        return type(form)(form.__name__, bases, {"working_copy": copy})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        context["working_copy"] = self.working_copy_context(form, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def working_copy_context(self, form, article):
        """What the banner says of the working copy the form offers or shows, if any."""
        copy = getattr(form, "working_copy", None)
        if copy is None:
            return None
        return {
            "copy": copy,
            "restored": isinstance(form, RestoringForm),
            # To the minute, as the banner reads: « 6 décembre 2026 à 22 h 10 ».
            "kept_on": workflow.paris_day_and_time(copy.updated_at.replace(second=0)),
            # For the script, to tell whether its browser holds a more recent text.
            "kept_at": int(copy.updated_at.timestamp() * 1000),
            "older": article is not None and copy.is_older_than(article),
            "restore_query": f"?{RESTORE}={copy.draft_key or 'texte'}",
            "texts": {name: getattr(copy, name) for name in WorkingCopy.TEXTS},
        }

    def save_model(self, request, obj, form, change):
        adding = obj.pk is None
        super().save_model(request, obj, form, change)
        if request.POST.get(HAS_COPY):
            # What was typed is now the article: nothing left to offer back. Costs a query
            # only when the form says a copy may exist (autosave.js sent one, or it was shown).
            key = request.POST.get("draft_key", "")
            WorkingCopy.objects.of(request.user, None if adding else obj, key).delete()


class RestoringForm:
    """The article form opened with the writer's working copy in place of the saved texts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        copy = self.working_copy
        self.initial.update({name: getattr(copy, name) for name in WorkingCopy.TEXTS})
        if copy.article_id is None:
            # The form goes on as the one the copy was typed in: saving it deletes the copy.
            self.initial["draft_key"] = copy.draft_key
        elif copy.based_on_version is not None:
            # As the form the copy was typed in: a colleague's save since then is refused
            # (ArticleAdminForm.check_version), not overwritten.
            self.initial["version"] = copy.based_on_version
