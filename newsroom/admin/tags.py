"""
Tags in the admin, in place of django-taggit's own admin: its « merge tags »
action and view checked no permission, and rewrote tagged items behind the
page cache's back. Merging here takes the rights to change and to delete tags,
and goes through ``merge_tags()``, which says what the merge makes stale.
Tags are set on the article form, not as rows of content type and object id.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag, TaggedItem

from newsroom.admin.redirects import OldAddressesMixin
from newsroom.admin.wording import WordingMixin
from newsroom.tags import merge_tags

MERGE_FORM_PREFIX = "merge"


class MergeTagsForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the merged tag"),
        max_length=Tag._meta.get_field("name").max_length,
        help_text=_(
            "The name of one of the selected tags keeps that tag and its page, or a new name "
            "makes a new tag."
        ),
    )


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(OldAddressesMixin, WordingMixin, admin.ModelAdmin):
    add_title = _("New tag")
    change_title = _("Edit the tag")
    view_title = _("Read the tag")
    add_another_title = _("Save and add another tag")
    list_display = ["name", "slug", "article_count"]
    ordering = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_total=Count("taggit_taggeditem_items"))

    @admin.display(description=_("articles"), ordering="item_total")
    def article_count(self, tag):
        return tag.item_total

    @admin.action(description=_("Merge the selected tags…"), permissions=["change", "delete"])
    def merge(self, request, queryset):
        tags = list(queryset)
        posted = request.POST if f"{MERGE_FORM_PREFIX}-name" in request.POST else None
        form = MergeTagsForm(posted, prefix=MERGE_FORM_PREFIX)
        if form.is_valid():
            into = merge_tags(tags, form.cleaned_data["name"])
            # Stored in English, as the admin stores its own: translated when shown.
            with translation.override(None):
                changed = [{"changed": {"fields": [str(TaggedItem._meta.verbose_name_plural)]}}]
            self.log_change(request, into, changed)
            self.message_user(
                request,
                _("Tags merged into “%(name)s”.") % {"name": into.name},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Merge tags"),
            "tags": tags,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/taggit/tag/merge.html", context)
