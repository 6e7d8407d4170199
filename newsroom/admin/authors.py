from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from authors.models import Author
from newsroom.admin.images import ImageChooserMixin, thumbnail
from newsroom.admin.labels import LabelledFieldsMixin
from newsroom.admin.redirects import OldAddressesMixin
from newsroom.admin.wording import WordingMixin


@admin.register(Author)
class AuthorAdmin(
    ImageChooserMixin, LabelledFieldsMixin, OldAddressesMixin, WordingMixin, admin.ModelAdmin
):
    add_title = _("New author")
    change_title = _("Edit the author")
    view_title = _("Read the author")
    add_another_title = _("Save and add another author")
    list_display = ["avatar_thumbnail", "name", "role", "user", "article_count"]
    list_display_links = ["avatar_thumbnail", "name"]
    list_select_related = ["avatar", "user"]
    search_fields = ["name", "slug"]
    # Explicit, because Meta.ordering is dropped from the grouped query that
    # counts articles, and the autocomplete pages through this queryset.
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["avatar"]
    # Editors rarely have the right to browse login accounts: an id box works
    # for them, an autocomplete would answer "forbidden".
    raw_id_fields = ["user"]
    readonly_fields = ["avatar_preview"]
    # A profile address typed without its scheme is an https one nowadays.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "slug", "role", "signature", "bio"]}),
        (_("Avatar"), {"fields": ["avatar", "avatar_preview"]}),
        (_("Links"), {"fields": ["website", "bluesky", "mastodon"]}),
        (_("Login account"), {"fields": ["user"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("authorships"))

    # The login account is shown to whoever may link it, not to contributors,
    # who look authors up to sign with them: to them it would list every
    # account's username.
    def get_list_display(self, request):
        list_display = super().get_list_display(request)
        if self.has_change_permission(request):
            return list_display
        return [name for name in list_display if name != "user"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        return [(name, options) for name, options in fieldsets if "user" not in options["fields"]]

    @admin.display(description=_("avatar"))
    def avatar_thumbnail(self, author):
        return thumbnail(author.avatar, max_width=48, max_height=48)

    @admin.display(description=_("avatar preview"))
    def avatar_preview(self, author):
        preview = thumbnail(author.avatar, max_width=160, max_height=160)
        return preview or self.get_empty_value_display()

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, author):
        return author.article_total
