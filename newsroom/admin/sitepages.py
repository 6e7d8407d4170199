from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from newsroom.admin.wording import WordingMixin
from sitepages.models import SitePage


@admin.register(SitePage)
class SitePageAdmin(WordingMixin, admin.ModelAdmin):
    add_title = _("New site page")
    change_title = _("Edit the site page")
    view_title = _("Read the site page")
    add_another_title = _("Save and add another site page")
    list_display = ["title", "address", "updated_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "body"]

    @admin.display(description=_("address"), ordering="slug")
    def address(self, page):
        return page.get_absolute_url()

    def get_readonly_fields(self, request, obj=None):
        # The footer links to these pages by their address, on every page of the site.
        if obj is not None and obj.is_in_footer:
            return ["slug"]
        return []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None and obj.is_in_footer else self.prepopulated_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_in_footer:
            return False
        return super().has_delete_permission(request, obj)
