from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Value, When
from django.forms import BaseInlineFormSet
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from taggit.models import Tag

from articles.models import Article, Authorship, Correction, EditorialAction, Section, State
from newsroom import workflow
from newsroom.admin.images import ADMIN_CSS, thumbnail
from newsroom.admin.preview import PreviewAdminMixin
from newsroom.admin.revisions import RevisionAdminMixin
from newsroom.admin.wording import WordingMixin
from newsroom.admin.writing import WritingAdminMixin
from newsroom.forms import ArticleAdminForm, HeldChoiceField, HeldChoicesMixin

TAG_SUGGESTIONS_LIMIT = 10

# Positions are stored as typed, then renumbered 1, 2, 3… after each save; an
# empty position means "at the end of the byline", whatever the others are.
END_OF_BYLINE = 32767


class ArticleState(admin.SimpleListFilter):
    """The four states an editor thinks in; "scheduled" is published with a future date."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        if self.value() in State.values:
            return queryset.filter(State(self.value()).condition())
        return queryset


class UnderEmbargoFilter(admin.SimpleListFilter):
    title = _("embargo")
    parameter_name = "embargo"

    def lookups(self, request, model_admin):
        return [("yes", _("Under embargo")), ("no", _("Not under embargo"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.under_embargo()
        if self.value() == "no":
            return queryset.exclude(pk__in=Article.objects.under_embargo().values("pk"))
        return queryset


class AuthorshipForm(HeldChoicesMixin, forms.ModelForm):
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
        # Read with the byline (AuthorshipInline.get_queryset()).
        field_classes = {"author": HeldChoiceField}

    def clean_position(self):
        position = self.cleaned_data["position"]
        return END_OF_BYLINE if position is None else position


class BylineFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Each row of the byline was read with the formset: its hidden id needs no
        # second read to say which row it is.
        name = self.model._meta.pk.name
        read = form.fields[name]
        form.fields[name] = HeldChoiceField(
            read.queryset, initial=read.initial, required=False, widget=read.widget
        )
        if not form.instance._state.adding:
            form.fields[name].held = form.instance


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    form = AuthorshipForm
    formset = BylineFormSet
    autocomplete_fields = ["author"]
    extra = 1
    verbose_name = _("author")
    verbose_name_plural = _("byline")

    # The byline is part of the article: whoever may write the article may
    # sign it, without a separate set of permissions on the link table.
    def has_view_permission(self, request, obj=None):
        if obj is None:
            return request.user.has_perm("articles.add_article")
        return workflow.can_view(request.user, obj)

    def has_add_permission(self, request, obj=None):
        if obj is None:
            return request.user.has_perm("articles.add_article")
        return workflow.can_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["text", "created_at"]
    verbose_name_plural = _("corrections shown to readers")


NO_AUTHOR_PROFILE = _(
    "Your login is not linked to an author profile, so an article you write could not be "
    "found again once saved. Ask an editor to link your account to your author profile "
    "(Authors, your name, “Login account”)."
)


class NewsroomRulesMixin:
    """
    The role rules of the article form, checked on the server: the admin hides
    what a role may not do, and a forged request is refused all the same.
    """

    user = None
    # Fields shown read-only to this user: a value posted for one was forged.
    locked_fields = ()

    def clean(self):
        cleaned_data = super().clean()
        may_publish = workflow.can_publish(self.user)
        for name in self.locked_fields:
            if any(self.data.get(key) for key in (name, f"{name}_0", f"{name}_1")):
                field = Article._meta.get_field(name)
                self.add_error(
                    None,
                    _("Only an editor can change “%(field)s”.") % {"field": field.verbose_name},
                )
        if cleaned_data.get("status") == Article.Status.PUBLISHED and not may_publish:
            self.add_error("status", _("Only an editor can publish or schedule an article."))
        self.check_embargo_lift(cleaned_data)
        if (
            self.instance.pk is None
            and not workflow.can_edit_any(self.user)
            and workflow.author_profile(self.user) is None
        ):
            self.add_error(None, NO_AUTHOR_PROFILE)
        return cleaned_data

    def check_embargo_lift(self, cleaned_data):
        if "embargo_until" not in cleaned_data or workflow.can_lift_embargo(self.user):
            return
        # clean() runs before the form writes onto the instance: it still
        # holds the embargo as loaded, which the version check keeps current.
        held = self.instance.embargo_until
        if workflow.lifts_embargo(held, cleaned_data["embargo_until"]):
            self.add_error("embargo_until", embargo_kept_message(held))


def embargo_kept_message(until):
    return _(
        "Only an administrator can lift this embargo or bring it forward: it holds until "
        "%(moment)s (Paris time). You may push it back."
    ) % {"moment": workflow.paris_day_and_time(until)}


def with_embargo_notice(fields):
    """A fieldset's fields with the embargo notice on the line after the status, if it has it."""
    placed = []
    for entry in fields:
        placed.append(entry)
        if "status" in (entry if isinstance(entry, list | tuple) else [entry]):
            placed.append("embargo_notice")
    return placed


# What a bulk action did; "left as it was" when an article was not in a state it applies to.
SUBMITTED = ngettext_lazy(
    "%(count)d article submitted for review.", "%(count)d articles submitted for review.", "count"
)
PUBLISHED = ngettext_lazy("%(count)d article published.", "%(count)d articles published.", "count")
SCHEDULED = ngettext_lazy("%(count)d article scheduled.", "%(count)d articles scheduled.", "count")
UNPUBLISHED = ngettext_lazy(
    "%(count)d article unpublished: back to draft.",
    "%(count)d articles unpublished: back to draft.",
    "count",
)
NOT_DRAFTS = ngettext_lazy(
    "%(count)d article left as it was: it was not a draft.",
    "%(count)d articles left as they were: they were not drafts.",
    "count",
)
ALREADY_ONLINE = ngettext_lazy(
    "%(count)d article left as it was: it is already online.",
    "%(count)d articles left as they were: they are already online.",
    "count",
)
EMBARGOED = _(
    "“%(title)s” left as it was: under embargo until %(moment)s (Paris time), it can be "
    "neither published nor scheduled before."
)
NOT_PUBLISHED = ngettext_lazy(
    "%(count)d article left as it was: it was not published.",
    "%(count)d articles left as they were: they were not published.",
    "count",
)


class ArticleActionForm(helpers.ActionForm):
    # Read by the "schedule" action only, and parsed there, so that a bad date
    # is reported as such rather than as "no action selected".
    publish_at = forms.CharField(
        label=_("Publication date (Paris time) for “Schedule…”"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __iter__(self):
        # The date box only where the schedule action is offered.
        offered = {name for name, _label in self.fields["action"].choices}
        for field in super().__iter__():
            if field.name != "publish_at" or "schedule" in offered:
                yield field


@admin.register(Article)
class ArticleAdmin(
    WordingMixin, PreviewAdminMixin, RevisionAdminMixin, WritingAdminMixin, admin.ModelAdmin
):
    form = ArticleAdminForm
    add_title = _("New article")
    change_title = _("Edit the article")
    view_title = _("Read the article")
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
        UnderEmbargoFilter,
        "section",
        ("tags", admin.RelatedOnlyFieldListFilter),
        ("authors", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "standfirst", "body", "authors__name"]
    date_hierarchy = "published_at"
    list_per_page = 50
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AuthorshipInline, CorrectionInline]
    autocomplete_fields = ["featured_image", "works", "reviewed_work"]
    readonly_fields = ["reading_time_display", "featured_image_preview", "embargo_notice"]
    actions = ["submit_for_review", "publish_now", "schedule", "unpublish"]
    action_form = ArticleActionForm
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "reading_time_display"]}),
        (
            _("Publication"),
            {"fields": [("status", "published_at"), "section", "is_featured"]},
        ),
        (_("Image"), {"fields": ["featured_image", "featured_image_preview"]}),
        (_("Tags"), {"fields": ["tags"]}),
        (
            _("Films and series"),
            {"fields": ["works", ("reviewed_work", "rating"), "spoilers", "embargo_until"]},
        ),
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
        # with_bylines() brings the section, the featured image and the authors
        # in byline order: what the changelist columns show, in fixed queries.
        articles = super().get_queryset(request).with_bylines()
        if workflow.can_edit_any(request.user):
            return articles
        # A contributor lists their own articles, in every state so that they
        # can follow what became of those they submitted. Colleagues' drafts
        # may hold an embargoed story; what is published is on the site.
        return articles.filter(authorships__author__user=request.user)

    def get_object(self, request, object_id, from_field=None):
        # Looked up beyond a contributor's own articles, so that someone else's
        # is refused by the permission checks (403) rather than called deleted.
        field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        try:
            # With the rows the form offers as choices: kept, they are not read again.
            articles = self.model._default_manager.select_related(
                "section", "featured_image", "reviewed_work"
            )
            return articles.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or workflow.can_view(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # The action log refuses every deletion, so that nobody rewrites it;
        # its entries about an article go with the article, for whoever may
        # delete the article.
        perms_needed.discard(EditorialAction._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def has_submit_permission(self, request):
        return self.has_change_permission(request)

    def has_publish_permission(self, request):
        return self.has_change_permission(request) and workflow.can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [
            *super().get_readonly_fields(request, obj),
            *workflow.editor_only_fields(request.user, obj),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        locked = workflow.editor_only_fields(request.user, obj)
        rules = {"user": request.user, "locked_fields": locked}
        return type(form)(form.__name__, (NewsroomRulesMixin, form), rules)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not workflow.can_publish(request.user):
            kwargs["choices"] = [
                (status.value, status.label)
                for status in (Article.Status.DRAFT, Article.Status.REVIEW)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def warn_without_author_profile(self, request):
        if (
            request.method == "GET"
            and not workflow.can_edit_any(request.user)
            and workflow.author_profile(request.user) is None
        ):
            self.message_user(request, NO_AUTHOR_PROFILE, messages.WARNING)

    def changelist_view(self, request, extra_context=None):
        self.warn_without_author_profile(request)
        return super().changelist_view(request, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        self.warn_without_author_profile(request)
        return super().add_view(request, form_url, extra_context)

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
        if db_field.name == "published_at":
            formfield.help_text = format_lazy("{} {}", formfield.help_text, _("Paris time."))
        if db_field.name == "embargo_until" and not workflow.can_lift_embargo(request.user):
            formfield.help_text = format_lazy(
                "{} {}",
                formfield.help_text,
                _("Only an administrator can lift an embargo or bring it forward."),
            )
        return formfield

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.is_published and self.has_change_permission(request, obj):
            # Only an article readers have seen can be "updated" for them.
            main_options = fieldsets[0][1]
            fieldsets = [
                (
                    fieldsets[0][0],
                    {**main_options, "fields": [*main_options["fields"], "mark_as_update"]},
                ),
                *fieldsets[1:],
            ]
        if obj is not None and obj.is_under_embargo:
            # Beside the status, where whoever is about to publish looks.
            fieldsets = [
                (name, {**options, "fields": with_embargo_notice(options["fields"])})
                for name, options in fieldsets
            ]
        return fieldsets

    def save_model(self, request, obj, form, change):
        before = workflow.Snapshot.before(form)
        marked_as_update = form.cleaned_data.get("mark_as_update") and obj.is_published
        if marked_as_update:
            obj.revised_at = timezone.now()
        super().save_model(request, obj, form, change)
        workflow.record_embargo_lift(obj, request.user, before)
        workflow.record_transition(obj, request.user, before)
        if marked_as_update:
            EditorialAction.record(obj, request.user, EditorialAction.Kind.UPDATED)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if article.reviewed_work_id is not None:
            # A review is about its work: it belongs on that work's page.
            article.works.add(article.reviewed_work_id)
        profile = None
        if not workflow.can_edit_any(request.user):
            profile = workflow.author_profile(request.user)
        if profile is not None:
            # A contributor's article is theirs through the byline: leaving
            # them out of it would lock them out of their own draft.
            article.authorships.get_or_create(
                author=profile, defaults={"position": article.authorships.count() + 1}
            )

    @admin.action(description=_("Submit for review"), permissions=["submit"])
    def submit_for_review(self, request, queryset):
        self.move(request, queryset, workflow.submit_for_review, SUBMITTED, NOT_DRAFTS)

    @admin.action(description=_("Publish now"), permissions=["publish"])
    def publish_now(self, request, queryset):
        self.move(request, queryset, workflow.publish_now, PUBLISHED, ALREADY_ONLINE)

    @admin.action(description=_("Schedule…"), permissions=["publish"])
    def schedule(self, request, queryset):
        values = request.POST.getlist("publish_at")
        try:
            value = values[int(request.POST.get("index", 0))].strip()
        except (IndexError, ValueError):
            value = ""
        if not value:
            self.message_user(
                request,
                _("Choose the publication date and time next to the action, then run it again."),
                messages.ERROR,
            )
            return
        try:
            when = forms.DateTimeField().clean(value)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        if when <= timezone.now():
            self.message_user(
                request,
                _("That date has passed: choose a future one, or use “Publish now”."),
                messages.ERROR,
            )
            return
        self.move(
            request, queryset, partial(workflow.schedule, when=when), SCHEDULED, ALREADY_ONLINE
        )

    @admin.action(description=_("Unpublish"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self.move(request, queryset, workflow.unpublish, UNPUBLISHED, NOT_PUBLISHED)

    def move(self, request, queryset, step, done_message, skipped_message):
        """
        Apply ``step`` to each article and say what happened. A refusal of the
        user undoes every move (all or none); an article the step does not apply
        to, or that its embargo holds back, is left as it was and the others
        move, as an editor publishing a morning's selection expects.
        """
        outcomes, embargoed = [], []
        selected = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            # Row by row, so that each move is saved as a revision and logged. Each
            # article is read again just before it moves, its row locked until the end:
            # a colleague's save since the selection was read (an embargo) counts, and
            # the move's full save cannot overwrite one made meanwhile.
            for pk in selected:
                article = self.model._default_manager.select_for_update().filter(pk=pk).first()
                if article is None:
                    continue  # Deleted since the list was read.
                try:
                    outcomes.append(step(article, request.user))
                except workflow.UnderEmbargo as refusal:
                    # Raised before anything is written: the transaction goes on.
                    embargoed.append(refusal)
        moved, skipped = outcomes.count(True), outcomes.count(False)
        for count, message, level in [
            (moved, done_message, messages.SUCCESS),
            (skipped, skipped_message, messages.WARNING),
        ]:
            if count:
                self.message_user(request, message % {"count": count}, level)
        for refusal in embargoed:
            self.message_user(
                request,
                EMBARGOED
                % {
                    "title": refusal.article.title,
                    "moment": workflow.paris_day_and_time(refusal.until),
                },
                messages.ERROR,
            )

    def view_on_site(self, article):
        # Readers get a 404 for anything not yet live: « Prévisualiser » is
        # the way to see it, and this button would only mislead.
        return article.get_absolute_url() if article.is_published else None

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Correction:
            for correction in formset.new_objects:
                EditorialAction.record(
                    form.instance, request.user, EditorialAction.Kind.CORRECTED, correction.text
                )
        if formset.model is Authorship and formset.has_changed():
            renumbered = []
            for number, authorship in enumerate(form.instance.authorships.all(), start=1):
                if authorship.position != number:
                    authorship.position = number
                    renumbered.append(authorship)
            Authorship.objects.bulk_update(renumbered, ["position"])

    @admin.display(description=_("status"), ordering="status")
    def state(self, article):
        if article.state == State.SCHEDULED:
            when = date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
            state = format_html(
                '<span class="article-state article-state-scheduled">{}</span>',
                _("Scheduled for %(date)s") % {"date": when},
            )
        else:
            state = format_html(
                '<span class="article-state article-state-{}">{}</span>',
                article.status,
                article.get_status_display(),
            )
        if not article.is_under_embargo:
            return state
        return format_html(
            '{} <span class="embargo-badge">{}</span>',
            state,
            _("Under embargo until %(moment)s")
            % {"moment": workflow.paris_day_and_time(article.embargo_until)},
        )

    @admin.display(description=_("embargo"))
    def embargo_notice(self, article):
        return format_html(
            '<p class="embargo-notice">{}</p>', workflow.embargo_message(article.embargo_until)
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
class SectionAdmin(WordingMixin, admin.ModelAdmin):
    add_title = _("New section")
    change_title = _("Edit the section")
    view_title = _("Read the section")
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


class ActingMemberFilter(admin.RelatedOnlyFieldListFilter):
    """Titled « Par membre de la rédaction »: the field's own name, « par », gave « Par par »."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = _("newsroom member")


@admin.register(EditorialAction)
class EditorialActionAdmin(WordingMixin, admin.ModelAdmin):
    """The action log: read by editors, written only by the workflow itself."""

    view_title = _("An action of the log")

    list_display = ["at", "user", "kind", "article_link", "detail"]
    list_filter = ["kind", ("user", ActingMemberFilter)]
    list_select_related = ["article", "user"]
    search_fields = ["article__title", "detail"]
    date_hierarchy = "at"
    fields = ["at", "user", "kind", "article_link", "detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("article"), ordering="article__title")
    def article_link(self, action):
        url = reverse(
            "admin:articles_article_change",
            args=[action.article_id],
            current_app=self.admin_site.name,
        )
        return format_html('<a href="{}">{}</a>', url, action.article)
