from datetime import datetime, time

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from markup.formats import long_date
from newsroom.admin.images import ImageChooserMixin, thumbnail
from newsroom.admin.labels import LabelledFieldsMixin
from newsroom.admin.redirects import OldAddressesMixin
from newsroom.admin.wording import WordingMixin
from works.models import Work


def day_in_words(day):
    """« 9 décembre 2026 », as the lists write dates (long_date() takes a moment)."""
    return long_date(datetime.combine(day, time()))


@admin.register(Work)
class WorkAdmin(
    ImageChooserMixin, LabelledFieldsMixin, OldAddressesMixin, WordingMixin, admin.ModelAdmin
):
    add_title = _("New film or series")
    change_title = _("Edit the film or series")
    view_title = _("Read the film or series")
    add_another_title = _("Save and add another film or series")
    list_display = ["title", "kind", "year", "release", "poster_thumbnail", "article_count"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "original_title", "directors", "cast"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["poster"]
    list_select_related = ["poster"]
    # Explicit, because Meta.ordering is dropped from the grouped query that counts articles.
    ordering = ["title", "year"]
    readonly_fields = ["poster_preview"]
    fieldsets = [
        (None, {"fields": ["title", "original_title", "slug", "kind", "year", "synopsis"]}),
        (_("Credits"), {"fields": ["directors", "cast", "countries", ("runtime", "seasons")]}),
        (_("Release in France"), {"fields": ["release_date", ("platform", "platform_date")]}),
        (_("Poster"), {"fields": ["poster", "poster_preview"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description=_("release"))
    def release(self, work):
        parts = []
        if work.release_date:
            parts.append(_("in cinemas on %(date)s") % {"date": day_in_words(work.release_date)})
        if work.platform_date:
            parts.append(
                _("on %(platform)s on %(date)s")
                % {"platform": work.platform, "date": day_in_words(work.platform_date)}
            )
        return " · ".join(parts) or self.get_empty_value_display()

    @admin.display(description=_("poster"))
    def poster_thumbnail(self, work):
        return thumbnail(work.poster)

    @admin.display(description=_("poster preview"))
    def poster_preview(self, work):
        return thumbnail(work.poster, max_width=200, max_height=300) or (
            self.get_empty_value_display()
        )

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, work):
        return work.article_total
