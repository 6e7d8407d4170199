"""
Revisions of an article in the admin: the list, the comparison of any two, the restore.

Reading revisions takes the right to see the article; restoring one takes the
right to change that very article, as ``ArticleAdmin.has_change_permission``
decides it, and goes through a confirmation page and a POST.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from newsroom import revisions

CURRENT = "current"


class RevisionAdminMixin:
    revisions_per_page = 50

    def get_urls(self):
        def view(function, name):
            return path(
                f"<path:object_id>/revisions/{function}",
                self.admin_site.admin_view(getattr(self, name)),
                name=f"{self.opts.app_label}_{self.opts.model_name}_{name.removesuffix('_view')}",
            )

        # Before the model's own URLs, whose last pattern takes any "<id>/…".
        return [
            view("", "revisions_view"),
            view("compare/", "revision_compare_view"),
            view("<int:revision_id>/restore/", "revision_restore_view"),
            *super().get_urls(),
        ]

    def revision_url(self, name, article, *args):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}",
            args=[article.pk, *args],
            current_app=self.admin_site.name,
        )

    def revision_context(self, request, article, title, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": article,
            "title": title,
            "subtitle": str(article),
            "revisions_url": self.revision_url("revisions", article),
            "compare_url": self.revision_url("revision_compare", article),
            "can_restore": self.has_change_permission(request, article),
            **context,
        }

    def article_for_revisions(self, request, object_id, permission):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("This article does not exist (any more)."))
        if not permission(request, article):
            raise PermissionDenied
        return article

    def revisions_view(self, request, object_id):
        """Every revision of the article, newest first, with who saved it and in what state."""
        article = self.article_for_revisions(request, object_id, self.has_view_permission)
        queryset = (
            revisions.revisions_of(article)
            .select_related("history_user")
            # The list shows no text but the title: long bodies stay in the database.
            .defer("body", "standfirst", "seo_description", "ai_usage_note")
        )
        page = Paginator(queryset, self.revisions_per_page).get_page(request.GET.get("p"))
        rows = list(page)
        oldest = rows[-1] if rows and not page.has_next() else None
        latest = rows[0] if rows and page.number == 1 else None
        for revision in rows:
            revision.state = revisions.revision_state(revision)
            revision.state_label = revision.state.label
            revision.is_oldest = revision is oldest
            revision.is_latest = revision is latest
            revision.restore_url = self.revision_url(
                "revision_restore", article, revision.history_id
            )
        context = self.revision_context(
            request,
            article,
            _("Revisions"),
            page=page,
            rows=rows,
            page_range=page.paginator.get_elided_page_range(page.number),
        )
        return TemplateResponse(request, "admin/articles/article/revisions/list.html", context)

    def revision_compare_view(self, request, object_id):
        """
        The difference between two versions: ``?from=`` and ``?to=`` name
        revisions or "current"; without ``from``, the revision before ``to``.
        """
        article = self.article_for_revisions(request, object_id, self.has_view_permission)
        history = revisions.revisions_of(article)
        newer = self.version_from(article, history, request.GET.get("to") or CURRENT)
        chosen = request.GET.get("from")
        if chosen:
            older = self.version_from(article, history, chosen)
        else:
            older = revisions.version_before(article, newer)
        if older.sequence > newer.sequence:
            older, newer = newer, older
        comparison = revisions.compare(older, newer)
        for version in (older, newer):
            if version.revision is not None:
                version.revision.restore_url = self.revision_url(
                    "revision_restore", article, version.revision.history_id
                )
        context = self.revision_context(
            request, article, _("Compare revisions"), comparison=comparison
        )
        return TemplateResponse(request, "admin/articles/article/revisions/compare.html", context)

    def version_from(self, article, history, value):
        if value == CURRENT:
            return revisions.Version.of_article(article)
        try:
            revision = history.select_related("history_user").get(history_id=int(value))
        except (ValueError, revisions.History.DoesNotExist):
            raise Http404(_("This revision does not exist (any more).")) from None
        return revisions.Version.of_revision(revision)

    def revision_restore_view(self, request, object_id, revision_id):
        """
        On GET, what restoring would change; on POST, the restore. Both take
        the right to change this very article.
        """
        article = self.article_for_revisions(request, object_id, self.has_change_permission)
        try:
            revision = (
                revisions.revisions_of(article)
                .select_related("history_user")
                .get(history_id=revision_id)
            )
        except revisions.History.DoesNotExist:
            raise Http404(_("This revision does not exist (any more).")) from None
        if request.method == "POST":
            return self.restore_revision(request, article, revision)
        plan = revisions.plan_restore(article, revision, request.user)
        comparison = revisions.compare(
            revisions.Version.of_article(article),
            revisions.Version.of_article(plan.preview(article), label=_("After restoring")),
        )
        context = self.revision_context(
            request,
            article,
            _("Restore revision %(number)s") % {"number": revision.history_id},
            revision=revision,
            plan=plan,
            comparison=comparison,
        )
        return TemplateResponse(request, "admin/articles/article/revisions/restore.html", context)

    def restore_revision(self, request, article, revision):
        with transaction.atomic():
            # Locked, so that a save in between cannot slip under the check.
            stored = (
                self.model._default_manager.select_for_update()
                .values_list("version", flat=True)
                .get(pk=article.pk)
            )
            up_to_date = request.POST.get("version") == str(stored)
            if up_to_date:
                plan = revisions.restore(article, revision, request.user)
        if not up_to_date:
            # The confirmation compared with a version that is no longer the
            # current one: show it again, up to date.
            self.message_user(
                request,
                _(
                    "The article was saved by someone else since this page was opened. "
                    "Check the changes below again before restoring."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)
        restored = _("Revision %(number)s restored: it is the current version now.")
        self.message_user(request, restored % {"number": revision.history_id}, messages.SUCCESS)
        for reason in plan.kept:
            self.message_user(request, reason, messages.WARNING)
        return HttpResponseRedirect(
            reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[article.pk],
                current_app=self.admin_site.name,
            )
        )
