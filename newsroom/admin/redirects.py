"""
The redirect table in the admin (redirects/): old addresses and where they lead, with
their visits, and the table as a CSV file to export and import. Editors manage it;
contributors do not see it. Also the mixin that tells an editor, on saving a rename, where
the old address now leads.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from newsroom.admin.wording import WordingMixin
from redirects.csv_files import MAX_BYTES, MAX_ROWS, Refused, import_csv, write_csv
from redirects.models import Redirect, kept_old_path
from redirects.renames import answer_gone, release_addresses

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# The article form's box for taking another article's old address (newsroom/forms.py).
TAKE_OLD_ADDRESS = "take_old_address"


class RedirectForm(forms.ModelForm):
    class Meta:
        model = Redirect
        fields = ["old_path", "status", "target"]

    def clean_old_path(self):
        old_path = self.cleaned_data["old_path"].strip()
        if not old_path.startswith("/") and "://" not in old_path:
            raise ValidationError(
                _("Start the old address with « / », as in /2023/07/28/titre/."), code="path"
            )
        return kept_old_path(old_path)

    def clean(self):
        cleaned_data = super().clean()
        old_path, status = cleaned_data.get("old_path"), cleaned_data.get("status")
        if old_path is None or status is None:
            return cleaned_data
        if status == Redirect.Status.GONE:
            cleaned_data["target"] = ""
            return cleaned_data
        if not cleaned_data.get("target"):
            self.add_error(
                "target",
                _("Say where the old address leads, or choose « Removed on purpose (410) »."),
            )
            return cleaned_data
        try:
            cleaned_data["target"] = Redirect.objects.leads_to(old_path, cleaned_data["target"])
        except ValidationError as error:
            self.add_error("target", error)
        return cleaned_data

    def validate_unique(self):
        # Checked on the normalised address: « /Ancien » and « /Ancien?utm=… » are one.
        try:
            self.instance.validate_unique(exclude=self._get_validation_exclusions())
        except ValidationError:
            self.add_error(
                "old_path",
                _("This old address already has a redirect: search for it in the list."),
            )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "The columns of an export: old_path, target, status (301, 302 or 410); the "
            "others are ignored. Commas or semicolons, in UTF-8."
        ),
    )


class VisitedFilter(admin.SimpleListFilter):
    """The redirects nobody asked for since the site built an answer: candidates to remove."""

    title = _("visits")
    parameter_name = "visited"

    def lookups(self, request, model_admin):
        return [("yes", _("Visited")), ("no", _("Never visited"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(last_hit_at__isnull=self.value() == "no")
        return queryset


@admin.register(Redirect)
class RedirectAdmin(WordingMixin, admin.ModelAdmin):
    add_title = _("New redirect")
    change_title = _("Edit the redirect")
    view_title = _("Read the redirect")
    add_another_title = _("Save and add another redirect")
    form = RedirectForm
    list_display = ["old_path", "leads_to", "status", "hits", "last_hit_at", "source"]
    list_filter = [
        "status",
        "source",
        VisitedFilter,
    ]
    search_fields = ["old_path", "target"]
    readonly_fields = ["hits", "last_hit_at", "source", "created_at"]
    fieldsets = [
        (None, {"fields": ["old_path", "status", "target"]}),
        (_("Use"), {"fields": ["hits", "last_hit_at", "source", "created_at"]}),
    ]
    change_list_template = "admin/redirects/redirect/change_list.html"

    class Media:
        css = {"all": ["admin-extra/redirects.css"]}

    def get_fieldsets(self, request, obj=None):
        # A redirect being made has no use to show yet.
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is not None else fieldsets[:1]

    @admin.display(description=_("new address"), ordering="target")
    def leads_to(self, redirect):
        return redirect.target or self.get_empty_value_display()

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="redirects_redirect_import",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="redirects_redirect_export",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        # Through point() and gone(), which collapse chains: not a plain save.
        source = obj.source if change else Redirect.Source.MANUAL
        with transaction.atomic():
            if change and "old_path" in form.changed_data:
                Redirect.objects.filter(pk=obj.pk).delete()
            if obj.status == Redirect.Status.GONE:
                saved = Redirect.objects.gone(obj.old_path, source=source)
            else:
                saved = Redirect.objects.point(obj.old_path, obj.target, obj.status, source)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            try:
                count = import_csv(form.cleaned_data["file"])
            except Refused as refusal:
                problems = refusal.problems
            else:
                self.message_user(
                    request,
                    ngettext("%(count)s redirect imported.", "%(count)s redirects imported.", count)
                    % {"count": count},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:redirects_redirect_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import redirects"),
            "media": self.media,
            "form": form,
            "problems": problems,
            "max_rows": MAX_ROWS,
            "max_kilobytes": MAX_BYTES // 1024,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/redirects/redirect/import.html", context)

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(content_type=CSV_CONTENT_TYPE)
        day = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="redirections-{day}.csv"'
        write_csv(Redirect.objects.order_by("old_path"), response)
        return response


class OldAddressesMixin:
    """
    For the admin of a thing readers reach by its slug: its help says that a new slug
    keeps the old address working, and saving a rename says where the old address leads.
    """

    slug_help_text = _(
        "The end of the address. Changed after publication, the old address redirects to "
        "the new one."
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "slug":
            formfield.help_text = self.slug_help_text
        return formfield

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        # A page that only shows the article has no box to tick.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != TAKE_OLD_ADDRESS]})
            for name, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get(TAKE_OLD_ADDRESS):
            release_addresses(obj)
        super().save_model(request, obj, form, change)
        redirected = getattr(obj, "redirected", [])
        if redirected:
            (old, new), others = redirected[0], len(redirected) - 1
            said = {"old": old, "new": new, "count": others}
            if others:
                message = ngettext(
                    "The old address %(old)s now redirects to %(new)s, and so does "
                    "%(count)s other address (feed, English page).",
                    "The old address %(old)s now redirects to %(new)s, and so do "
                    "%(count)s other addresses (feeds, English pages).",
                    others,
                )
            else:
                message = gettext("The old address %(old)s now redirects to %(new)s.")
            self.message_user(request, message % said, messages.INFO)


# Ticked on an article's deletion page: its addresses answer 410 rather than 404.
ANSWER_GONE = "answer_gone"


class WithdrawnOnPurposeMixin:
    """
    For the articles' admin: an article unpublished or deleted on purpose may answer
    « 410 Gone » rather than 404, which search engines take as final. The editor's
    choice, never the default: a 404 may be a mistake, put right later.
    """

    def has_withdraw_permission(self, request):
        return self.has_publish_permission(request) and request.user.has_perm(
            "redirects.add_redirect"
        )

    @admin.action(description=_("Unpublish for good (410 Gone)"), permissions=["withdraw"])
    def withdraw(self, request, queryset):
        selected = list(queryset.values_list("pk", flat=True))
        self.unpublish(request, queryset)
        # Those the unpublishing left online (an embargo's refusal) keep their address.
        withdrawn = self.model._default_manager.filter(pk__in=selected).exclude(
            status=self.model.Status.PUBLISHED
        )
        with transaction.atomic():
            for article in withdrawn:
                answer_gone(article)
        count = len(withdrawn)
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)s article now answers « 410 Gone »: search engines will drop it.",
                    "%(count)s articles now answer « 410 Gone »: search engines will drop them.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )

    def render_delete_form(self, request, context):
        context["may_answer_gone"] = request.user.has_perm("redirects.add_redirect")
        return super().render_delete_form(request, context)

    def delete_model(self, request, obj):
        chosen = request.POST.get(ANSWER_GONE) and request.user.has_perm("redirects.add_redirect")
        with transaction.atomic():
            if chosen:
                answer_gone(obj)
            super().delete_model(request, obj)
