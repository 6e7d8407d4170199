"""
The WordPress import in the newsroom's admin, for its administrators: upload an export,
watch the run that a task worker makes of it, read its report.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wordpress import wxr
from wordpress.importer import Report, kind_label
from wordpress.models import ImportedItem, WordPressImport
from wordpress.tasks import queue_import

# The report's columns, in the importer's order (Report.OUTCOMES).
OUTCOMES = [
    ("created", pgettext_lazy("import report", "Created")),
    ("updated", pgettext_lazy("import report", "Updated")),
    ("unchanged", pgettext_lazy("import report", "Unchanged")),
    ("skipped", pgettext_lazy("import report", "Skipped")),
]


class WordPressImportForm(forms.ModelForm):
    class Meta:
        model = WordPressImport
        fields = ["file", "fetch_urls"]

    def clean_file(self):
        export = self.cleaned_data["file"]
        if export.size > settings.WORDPRESS_IMPORT_MAX_BYTES:
            raise forms.ValidationError(too_large_message())
        # Its head (site, authors, terms) read now, so that a file that is no export is
        # refused here rather than by a task, minutes later.
        try:
            wxr.parse(export)
        except wxr.WXRError as error:
            raise forms.ValidationError(str(error)) from error
        export.seek(0)
        return export


def too_large_message():
    return gettext(
        "The file is larger than %(size)s: split the export in WordPress "
        "(Tools → Export, one content type or one period at a time)."
    ) % {"size": filesizeformat(settings.WORDPRESS_IMPORT_MAX_BYTES)}


@admin.register(WordPressImport)
class WordPressImportAdmin(admin.ModelAdmin):
    form = WordPressImportForm
    add_form_template = "admin/wordpress/wordpressimport/add_form.html"
    list_display = ["__str__", "status_and_progress", "started_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["started_by"]

    # Django's own rights, given to the administrators' role alone (migration 0003):
    # add (upload an export) and view (watch it). Nobody changes or deletes a run.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"), ordering="status")
    def status_and_progress(self, wordpress_import):
        if wordpress_import.status == WordPressImport.Status.RUNNING:
            if wordpress_import.is_stalled:
                return gettext("Interrupted")
            return gettext("Running (%(percent)s %%)") % {"percent": wordpress_import.percent_done}
        return wordpress_import.get_status_display()

    def get_urls(self):
        return [
            path(
                "<path:object_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="wordpress_wordpressimport_progress",
            ),
            path(
                "<path:object_id>/resume/",
                self.admin_site.admin_view(require_POST(self.resume_view)),
                name="wordpress_wordpressimport_resume",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        # Refused before Django writes the upload to disk, when the browser says its size.
        length = request.META.get("CONTENT_LENGTH") or "0"
        if (
            request.method == "POST"
            and length.isdigit()
            and int(length) > settings.WORDPRESS_IMPORT_MAX_BYTES + 64 * 1024
        ):
            if not self.has_add_permission(request):
                raise PermissionDenied
            self.message_user(request, too_large_message(), messages.ERROR)
            return HttpResponseRedirect(request.path)
        extra_context = {"title": gettext("Import a WordPress export"), **(extra_context or {})}
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        obj.started_by = request.user
        super().save_model(request, obj, form, change)
        queue_import(obj)

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(
            reverse("admin:wordpress_wordpressimport_change", args=[obj.pk])
        )

    def the_import(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The admin's own lookup: an address that names no run (/abc/) is not found,
        # rather than an error.
        wordpress_import = self.get_object(request, unquote(object_id))
        if wordpress_import is None:
            raise Http404
        return wordpress_import

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The run's progress while it goes on, its report once it is done."""
        wordpress_import = self.the_import(request, object_id)
        if request.method == "POST" and not self.has_change_permission(request, wordpress_import):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import of %(file)s") % {"file": wordpress_import},
            "wordpress_import": wordpress_import,
            "going_on": going_on(wordpress_import),
            "summary": progress_summary(wordpress_import),
            "can_resume": can_resume(wordpress_import) and self.has_add_permission(request),
            "progress_url": reverse(
                "admin:wordpress_wordpressimport_progress", args=[wordpress_import.pk]
            ),
            **report_context(wordpress_import),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/wordpress/wordpressimport/progress.html", context)

    def progress_view(self, request, object_id):
        """What import-progress.js reads every two seconds while the run goes on."""
        wordpress_import = self.the_import(request, object_id)
        return JsonResponse(
            {
                "going_on": going_on(wordpress_import),
                "done": wordpress_import.done,
                "total": wordpress_import.total,
                "percent": wordpress_import.percent_done,
                "summary": progress_summary(wordpress_import),
            }
        )

    def resume_view(self, request, object_id):
        """A run whose worker died, or that failed for good, queued again where it stopped."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        wordpress_import = self.the_import(request, object_id)
        if not can_resume(wordpress_import):
            raise Http404
        wordpress_import.status = WordPressImport.Status.WAITING
        wordpress_import.error = ""
        wordpress_import.save(update_fields=["status", "error"])
        queue_import(wordpress_import)
        self.message_user(
            request,
            gettext("The import starts again where it stopped; nothing is imported twice."),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:wordpress_wordpressimport_change", args=[wordpress_import.pk])
        )


def going_on(wordpress_import):
    waiting_or_running = wordpress_import.status in {
        WordPressImport.Status.WAITING,
        WordPressImport.Status.RUNNING,
    }
    return waiting_or_running and not wordpress_import.is_stalled


def can_resume(wordpress_import):
    return wordpress_import.is_stalled or wordpress_import.status == WordPressImport.Status.FAILED


def progress_summary(wordpress_import):
    if wordpress_import.status == WordPressImport.Status.WAITING:
        return wordpress_import.error or gettext("Waiting for a worker to start the import…")
    if not wordpress_import.total:
        return gettext("Reading the export…")
    return ngettext(
        "%(done)s item of %(total)s imported (%(percent)s %%).",
        "%(done)s items of %(total)s imported (%(percent)s %%).",
        wordpress_import.done,
    ) % {
        "done": wordpress_import.done,
        "total": wordpress_import.total,
        "percent": wordpress_import.percent_done,
    }


def report_context(wordpress_import):
    """The report's counts as rows of a table, one per kind, and its losses."""
    if wordpress_import.status != WordPressImport.Status.DONE:
        return {}
    report = Report.from_json(wordpress_import.report)
    rows = [
        {"kind": kind_label(kind), "counts": [counts.get(outcome, 0) for outcome, _ in OUTCOMES]}
        for kind, counts in sorted(report.counts.items(), key=in_kind_order)
    ]
    losses = [
        {
            "kind": kind_label(loss.kind),
            "address": loss.address,
            "href": link_to(loss.address),
            "message": loss.message,
        }
        for loss in report.losses
    ]
    return {
        "outcome_labels": [label for _, label in OUTCOMES],
        "count_rows": rows,
        "losses": losses,
    }


def in_kind_order(kind_and_counts):
    """Posts first, then pages, media, authors and terms: ImportedItem.Kind's order."""
    kinds = list(ImportedItem.Kind.values)
    kind = kind_and_counts[0]
    return kinds.index(kind) if kind in kinds else len(kinds)


def link_to(address):
    """
    The old address as a link: a path, which now redirects to what the item became, or a
    web address. The export is another site's text, so nothing else becomes a link.
    """
    if address.startswith("/") and not address.startswith("//"):
        return address
    return address if address.startswith(("https://", "http://")) else ""
