"""
The home page, arranged on one page of the admin: the leads by their place, then the
blocks. There is one home page: its list opens it, and it is never added nor deleted.
"""

from collections import Counter

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseInlineFormSet
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from frontpage.models import LEAD_PLACES, MAX_BLOCKS, Block, FrontPage, LeadPick
from newsroom.admin.labels import LabelledFieldsMixin
from newsroom.admin.wording import WordingMixin


class BoundedInline(LabelledFieldsMixin):
    """An inline whose maximum the server holds to, not only the page's script."""

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_max=True, **kwargs)


class LeadPlacesFormSet(BaseInlineFormSet):
    def validate_unique(self):
        # Said in the desk's words before Django's « duplicate data » for the two
        # constraints: one article per place, one place per article.
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]
        places = Counter(row["place"] for row in kept if row.get("place"))
        articles = Counter(row["article"] for row in kept if row.get("article"))
        errors = [
            ValidationError(
                _("One article per place: “%(place)s” is given twice."),
                params={"place": dict(LEAD_PLACES)[place]},
            )
            for place, count in places.items()
            if count > 1
        ] + [
            ValidationError(
                _("“%(article)s” is at two places: one is enough."),
                params={"article": article},
            )
            for article, count in articles.items()
            if count > 1
        ]
        if errors:
            raise ValidationError(errors)
        super().validate_unique()


class LeadPickInline(BoundedInline, admin.TabularInline):
    model = LeadPick
    formset = LeadPlacesFormSet
    fields = ["place", "article"]
    autocomplete_fields = ["article"]
    max_num = len(LEAD_PLACES)
    extra = 0
    verbose_name = _("lead")
    verbose_name_plural = _("Leads: left empty, a place shows the latest article")


class BlockInline(BoundedInline, admin.StackedInline):
    model = Block
    template = "admin/edit_inline/stacked_punctuated.html"
    fields = [("position", "kind", "size"), ("section", "tag"), "heading", "articles"]
    autocomplete_fields = ["tag", "articles"]
    max_num = MAX_BLOCKS
    extra = 0
    verbose_name = _("block")
    verbose_name_plural = _("Blocks under the leads")


@admin.register(FrontPage)
class FrontPageAdmin(WordingMixin, admin.ModelAdmin):
    change_title = _("Arrange the home page")
    view_title = _("The home page’s arrangement")
    inlines = [LeadPickInline, BlockInline]
    fields = []

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        front_page = FrontPage.objects.first() or FrontPage.objects.create()
        return redirect("admin:frontpage_frontpage_change", front_page.pk)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
