from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from images.admin import ADMIN_CSS, thumbnail

from .admin_preview import PreviewAdminMixin
from .admin_revisions import RevisionAdminMixin
from .admin_writing import WritingAdminMixin
from .forms import ArticleAdminForm
from .models import Article, Authorship, Correction, EditorialAction, Section

TAG_SUGGESTIONS_LIMIT = 10

# Positions are stored as typed, then renumbered 1, 2, 3… after each save; an
# empty position means "at the end of the byline", whatever the others are.
END_OF_BYLINE = 32767


class ArticleState(admin.SimpleListFilter):
    """The four states an editor thinks in; "scheduled" is published with a future date."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("draft", Article.Status.DRAFT.label),
            ("review", Article.Status.REVIEW.label),
            ("scheduled", _("Scheduled")),
            ("published", Article.Status.PUBLISHED.label),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "draft":
            return queryset.filter(status=Article.Status.DRAFT)
        if value == "review":
            return queryset.filter(status=Article.Status.REVIEW)
        if value == "scheduled":
            return queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        if value == "published":
            return queryset.published()
        return queryset


class AuthorshipForm(forms.ModelForm):
    position = forms.IntegerField(
        label=_("position"),
        min_value=0,
        max_value=999,
        required=False,
        help_text=_("1 for the first name of the byline. Leave empty to add at the end."),
    )

    class Meta:
        model = Authorship
        fields = ["author", "position"]

    def clean_position(self):
        position = self.cleaned_data["position"]
        return END_OF_BYLINE if position is None else position


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    form = AuthorshipForm
    autocomplete_fields = ["author"]
    extra = 1
    verbose_name = _("author")
    verbose_name_plural = _("byline")


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["text", "created_at"]
    verbose_name_plural = _("corrections shown to readers")


@admin.register(Article)
class ArticleAdmin(PreviewAdminMixin, RevisionAdminMixin, WritingAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "state",
        "section",
        "byline",
        "published_at",
        "featured_thumbnail",
    ]
    list_filter = [
        ArticleState,
        "section",
        ("tags", admin.RelatedOnlyFieldListFilter),
        ("authors", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "standfirst", "body", "authors__name"]
    date_hierarchy = "published_at"
    list_per_page = 50
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AuthorshipInline, CorrectionInline]
    autocomplete_fields = ["featured_image"]
    readonly_fields = ["reading_time_display", "featured_image_preview"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "reading_time_display"]}),
        (
            _("Publication"),
            {"fields": [("status", "published_at"), "section", "is_featured"]},
        ),
        (_("Image"), {"fields": ["featured_image", "featured_image_preview"]}),
        (_("Tags"), {"fields": ["tags"]}),
        (_("Transparency"), {"fields": ["ai_usage", "ai_usage_note"]}),
        (
            _("Advanced options"),
            {"classes": ["collapse"], "fields": ["seo_title", "seo_description"]},
        ),
    ]

    class Media:
        css = ADMIN_CSS
        js = ["admin-extra/tag-suggestions.js"]

    def get_queryset(self, request):
        # for_listing() brings the section, the featured image and the authors
        # in byline order: what the changelist columns show, in fixed queries.
        return super().get_queryset(request).for_listing()

    def get_urls(self):
        suggestions = path(
            "tag-suggestions/",
            self.admin_site.admin_view(self.tag_suggestions_view),
            name="articles_article_tag_suggestions",
        )
        return [suggestions, *super().get_urls()]

    def tag_suggestions_view(self, request):
        """Existing tag names matching ``?q=``, those starting with it first, as JSON."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()[:100]
        names = []
        if query:
            names = list(
                Tag.objects.filter(name__icontains=query)
                .annotate(
                    starts=Case(
                        When(name__istartswith=query, then=Value(0)),
                        default=Value(1),
                        output_field=IntegerField(),
                    )
                )
                .order_by("starts", "name")
                .values_list("name", flat=True)[:TAG_SUGGESTIONS_LIMIT]
            )
        return JsonResponse({"results": names})

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "tags":
            formfield.widget.attrs.update(
                {
                    "class": "vTextField",
                    "autocomplete": "off",
                    "data-suggestions-url": reverse(
                        "admin:articles_article_tag_suggestions", current_app=self.admin_site.name
                    ),
                }
            )
        return formfield

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.is_published:
            # Only an article readers have seen can be "updated" for them.
            main_options = fieldsets[0][1]
            fieldsets = [
                (
                    fieldsets[0][0],
                    {**main_options, "fields": [*main_options["fields"], "mark_as_update"]},
                ),
                *fieldsets[1:],
            ]
        return fieldsets

    def save_model(self, request, obj, form, change):
        marked_as_update = form.cleaned_data.get("mark_as_update") and obj.is_published
        if marked_as_update:
            obj.revised_at = timezone.now()
        super().save_model(request, obj, form, change)
        if marked_as_update:
            EditorialAction.record(obj, request.user, EditorialAction.Kind.UPDATED)

    def view_on_site(self, article):
        return article.get_absolute_url()

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Correction:
            for correction in formset.new_objects:
                EditorialAction.record(
                    form.instance, request.user, EditorialAction.Kind.CORRECTED, correction.text
                )
        if formset.model is Authorship:
            renumbered = []
            for number, authorship in enumerate(form.instance.authorships.all(), start=1):
                if authorship.position != number:
                    authorship.position = number
                    renumbered.append(authorship)
            Authorship.objects.bulk_update(renumbered, ["position"])

    @admin.display(description=_("status"), ordering="status")
    def state(self, article):
        if article.status == Article.Status.PUBLISHED and not article.is_published:
            when = date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
            return format_html(
                '<span class="article-state article-state-scheduled">{}</span>',
                _("Scheduled for %(date)s") % {"date": when},
            )
        return format_html(
            '<span class="article-state article-state-{}">{}</span>',
            article.status,
            article.get_status_display(),
        )

    @admin.display(description=_("authors"))
    def byline(self, article):
        return format_html_join(", ", "{}", ((author.name,) for author in article.authors.all()))

    @admin.display(description=_("image"))
    def featured_thumbnail(self, article):
        return thumbnail(article.featured_image)

    @admin.display(description=_("image preview"))
    def featured_image_preview(self, article):
        preview = thumbnail(article.featured_image, max_width=320, max_height=200)
        return preview or self.get_empty_value_display()

    @admin.display(description=_("reading time"))
    def reading_time_display(self, article):
        if article.pk is None:
            return _("Computed when the article is saved.")
        return _("%(minutes)s min") % {"minutes": article.reading_time}


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "article_count"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    # Explicit, because Meta.ordering is dropped from the grouped query that
    # counts articles.
    ordering = ["position", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, section):
        return section.article_total
