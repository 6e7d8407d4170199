"""
Preview from the article's admin page, and the preview links sent to people
without an account.

Previewing takes the right to see the article in the admin. Creating a link
takes ``articles.add_previewlink`` and the right to change that very article,
revoking one ``articles.change_previewlink`` and the same; both are POSTs
with the admin's CSRF protection, and both are written to the article's
admin history.
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from articles.models import PreviewLink
from newsroom.preview import StaffPreviewView, link_url
from newsroom.workflow import paris_time

VIEW_LINKS = "articles.view_previewlink"
ADD_LINK = "articles.add_previewlink"
REVOKE_LINK = "articles.change_previewlink"


class PreviewLinkForm(forms.Form):
    # Hours. A draft shown outside the newsroom should stop being readable
    # soon after it has been read; a week covers a read over the weekend.
    valid_for = forms.TypedChoiceField(
        label=_("Valid for"),
        choices=[(1, _("1 hour")), (24, _("24 hours")), (24 * 7, _("7 days"))],
        coerce=int,
        initial=24,
    )


def history_message(action, link, fields=()):
    """An entry for the article's admin history, in the structure the admin translates."""
    # Stored in English, as the admin stores its own: it is translated when shown.
    with translation.override(None):
        entry = {
            "name": str(PreviewLink._meta.verbose_name),
            "object": paris_time(link.expires_at),
        }
        if fields:
            entry["fields"] = [
                str(PreviewLink._meta.get_field(name).verbose_name) for name in fields
            ]
    return [{action: entry}]


class PreviewAdminMixin:
    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        staff_preview = StaffPreviewView.as_view(model_admin=self)
        # Before the model's own URLs, whose last pattern takes any "<id>/…".
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(staff_preview),
                name=f"{prefix}_preview",
            ),
            path(
                "<path:object_id>/preview-links/",
                self.admin_site.admin_view(self.preview_links_view),
                name=f"{prefix}_preview_links",
            ),
            path(
                "<path:object_id>/preview-links/new/",
                self.admin_site.admin_view(self.preview_link_create_view),
                name=f"{prefix}_preview_link_create",
            ),
            path(
                "<path:object_id>/preview-links/<int:link_id>/revoke/",
                self.admin_site.admin_view(self.preview_link_revoke_view),
                name=f"{prefix}_preview_link_revoke",
            ),
            *super().get_urls(),
        ]

    def preview_url(self, name, article, *args):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}",
            args=[article.pk, *args],
            current_app=self.admin_site.name,
        )

    def article_for_preview(self, request, object_id, allowed):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("This article does not exist (any more)."))
        if not allowed(request, article):
            raise PermissionDenied
        return article

    def may_see_preview_links(self, request, article):
        user = request.user
        return (user.has_perm(VIEW_LINKS) or user.has_perm(ADD_LINK)) and (
            self.has_view_permission(request, article)
        )

    def may_create_preview_link(self, request, article):
        return request.user.has_perm(ADD_LINK) and self.has_change_permission(request, article)

    def may_revoke_preview_link(self, request, article):
        return request.user.has_perm(REVOKE_LINK) and self.has_change_permission(request, article)

    def preview_links_view(self, request, object_id):
        """The article's links still working, each with its address, expiry and a revoke button."""
        article = self.article_for_preview(request, object_id, self.may_see_preview_links)
        # A handful per article: filtered by the model's own rule of "active".
        links = [
            link for link in article.preview_links.select_related("created_by") if link.is_active
        ]
        may_revoke = self.may_revoke_preview_link(request, article)
        for link in links:
            link.url = link_url(link)
            if may_revoke:
                link.revoke_url = self.preview_url("preview_link_revoke", article, link.pk)
        may_create = self.may_create_preview_link(request, article)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": article,
            "title": _("Preview links"),
            "subtitle": str(article),
            "links": links,
            "form": PreviewLinkForm() if may_create else None,
            "create_url": self.preview_url("preview_link_create", article),
            "preview_url": self.preview_url("preview", article),
        }
        return TemplateResponse(request, "articles/preview_links.html", context)

    def preview_link_create_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.article_for_preview(request, object_id, self.may_create_preview_link)
        links_url = self.preview_url("preview_links", article)
        form = PreviewLinkForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Choose how long the link works."), messages.ERROR)
            return HttpResponseRedirect(links_url)
        link = PreviewLink.objects.create(
            article=article,
            created_by=request.user,
            expires_at=timezone.now() + timedelta(hours=form.cleaned_data["valid_for"]),
        )
        self.log_change(request, article, history_message("added", link))
        self.message_user(
            request,
            _("Preview link created. It works until %(date)s (Paris time): copy it below.")
            % {"date": date_format(timezone.localtime(link.expires_at), "DATETIME_FORMAT")},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(f"{links_url}#preview-link-{link.pk}")

    def preview_link_revoke_view(self, request, object_id, link_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.article_for_preview(request, object_id, self.may_revoke_preview_link)
        link = get_object_or_404(PreviewLink, pk=link_id, article=article)
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
            self.log_change(
                request, article, history_message("changed", link, fields=["revoked_at"])
            )
        self.message_user(
            request,
            _("Preview link revoked: whoever opens it now is told it no longer works."),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self.preview_url("preview_links", article))
