import copy
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Value, When
from django.forms import BaseInlineFormSet
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy
from taggit.models import Tag

from articles import stored_relations
from articles.models import Article, Authorship, Correction, EditorialAction, Section, State
from markup import rendering
from newsroom import workflow
from newsroom.admin.images import ImageChooserMixin, thumbnail
from newsroom.admin.labels import LabelledFieldsMixin
from newsroom.admin.notes import NotesAdminMixin
from newsroom.admin.preview import PreviewAdminMixin
from newsroom.admin.redirects import OldAddressesMixin, WithdrawnOnPurposeMixin
from newsroom.admin.revisions import RevisionAdminMixin
from newsroom.admin.wording import WordingMixin, titled
from newsroom.admin.working_copies import WorkingCopyAdminMixin
from newsroom.admin.writing import WritingAdminMixin
from newsroom.checklist import checklist
from newsroom.forms import (
    ArticleAdminForm,
    HeldChoiceField,
    HeldChoicesMixin,
    ParisDateTimeField,
)
from newsroom.templatetags.newsroom import member_name

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
        # Drawn in a table row, under the column's header: no label of its own.
        widget=forms.NumberInput(attrs={"aria-label": _("Position in the byline")}),
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
        if "DELETE" in form.fields and not form.instance._state.adding:
            # Under the column's « Supprimer ? », which says whom only by its row.
            form.fields["DELETE"].widget.attrs["aria-label"] = _(
                "Delete %(author)s from the byline"
            ) % {"author": form.instance.author}


class AuthorshipInline(LabelledFieldsMixin, admin.TabularInline):
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
    template = "admin/edit_inline/stacked_punctuated.html"
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
        self.plan_publication(self.cleaned_data)
        cleaned_data = super().clean()
        for name in self.locked_fields:
            if any(self.data.get(key) for key in (name, f"{name}_0", f"{name}_1")):
                field = Article._meta.get_field(name)
                self.add_error(
                    None,
                    _("Only an editor can change “%(field)s”.") % {"field": field.verbose_name},
                )
        self.check_embargo_lift(cleaned_data)
        if (
            self.instance.pk is None
            and not workflow.can_edit_any(self.user)
            and workflow.author_profile(self.user) is None
        ):
            self.add_error(None, NO_AUTHOR_PROFILE)
        return cleaned_data

    def plan_publication(self, cleaned_data):
        """
        The status and date the button pressed sets, through the workflow's own move,
        checked as the bulk actions check it: on a copy, so that a refused form shows
        the article as it stands. The form's save applies them (ArticleAdminForm.save()).
        """
        name = self.data.get(PUBLISHING)
        if name not in workflow.MOVES:
            return  # « Enregistrer »: the status and date stay as they are.
        article = copy.copy(self.instance)
        if "embargo_until" in cleaned_data:
            # As this save leaves it (check_embargo_lift() says whether it may).
            article.embargo_until = cleaned_data["embargo_until"]
        if name == workflow.SCHEDULE.name:
            when = self.clean_schedule(cleaned_data)
            if when is None:
                return
            step = partial(workflow.schedule, when=when)
        else:
            step = FORM_STEPS[name]
        try:
            moved = step(article, self.user, save=False)
        except PermissionDenied:
            self.add_error(None, REFUSED[name])
            return
        except workflow.UnderEmbargo as refusal:
            # Beside the date chosen, or above the form for « Publier maintenant ».
            field = "scheduled_for" if name == workflow.SCHEDULE.name else None
            self.add_error(field, str(refusal))
            return
        if not moved:
            state = State(self.instance.state).label
            self.add_error(None, DOES_NOT_APPLY % {"state": state})
            return
        self.planned = {"status": article.status, "published_at": article.published_at}

    def clean_schedule(self, cleaned_data):
        """The date « Programmer… » was given, or None with the reason on its field."""
        if "scheduled_for" not in cleaned_data:
            return None  # Refused already, as no date at all.
        when = cleaned_data["scheduled_for"]
        if when is None:
            self.add_error("scheduled_for", NO_SCHEDULE_DATE)
        elif when <= timezone.now():
            self.add_error("scheduled_for", PAST_SCHEDULE_DATE)
        else:
            return when
        return None

    def check_embargo_lift(self, cleaned_data):
        if "embargo_until" not in cleaned_data or workflow.can_lift_embargo(self.user):
            return
        # clean() runs before the form writes onto the instance: it still
        # holds the embargo as loaded, which the version check keeps current.
        held = self.instance.embargo_until
        if workflow.lifts_embargo(held, cleaned_data["embargo_until"]):
            self.add_error("embargo_until", embargo_kept_message(held))


# The name of the article form's buttons, each posting the move it makes (workflow.MOVES);
# « Enregistrer » posts none, and keeps the status and date as they are.
PUBLISHING = "publishing"
FORM_STEPS = {
    workflow.SUBMIT.name: workflow.submit_for_review,
    workflow.SEND_BACK.name: workflow.send_back,
    workflow.PUBLISH_NOW.name: workflow.publish_now,
    workflow.UNPUBLISH.name: workflow.unpublish,
}
ONLY_EDITORS_PUBLISH = _("Only an editor can publish, schedule or unpublish an article.")
REFUSED = {
    workflow.SUBMIT.name: _("You may not submit this article for review."),
    workflow.SEND_BACK.name: _("Only an editor can send an article back to its writer."),
    workflow.PUBLISH_NOW.name: ONLY_EDITORS_PUBLISH,
    workflow.SCHEDULE.name: ONLY_EDITORS_PUBLISH,
    workflow.UNPUBLISH.name: ONLY_EDITORS_PUBLISH,
}
DOES_NOT_APPLY = _(
    "This button does not apply to the article as it stands (%(state)s): nothing was saved. "
    "Reload the page to see its buttons."
)
NO_SCHEDULE_DATE = _(
    "Choose the publication date and time (Paris time) beside “Schedule…”, then press it again."
)
PAST_SCHEDULE_DATE = _("That date has passed: choose a future one, or use “Publish now”.")
MOVE_LABELS = {
    workflow.SUBMIT.name: pgettext_lazy("article form button", "Submit for review"),
    workflow.SEND_BACK.name: _("Send back to the writer"),
    workflow.PUBLISH_NOW.name: _("Publish now"),
    workflow.SCHEDULE.name: _("Schedule…"),
    workflow.UNPUBLISH.name: _("Unpublish"),
}
# The button that saves without moving the article, named after what it keeps.
SAVE_LABELS = {
    State.DRAFT: _("Save draft"),
    State.REVIEW: _("Save"),
    State.SCHEDULED: _("Save changes"),
    State.PUBLISHED: _("Save changes"),
}
# What the message after a save says: the move made, else what the save kept.
MOVED = {
    workflow.SUBMIT.name: _("“%(title)s” is submitted for review."),
    workflow.SEND_BACK.name: _("“%(title)s” is back to draft: its writer may edit it again."),
    workflow.PUBLISH_NOW.name: _("“%(title)s” is published: it is online now."),
    workflow.SCHEDULE.name: _("“%(title)s” will be published on %(moment)s (Paris time)."),
    workflow.UNPUBLISH.name: _("“%(title)s” is unpublished: back to draft, off the site."),
}
SAVED = {
    State.DRAFT: _("“%(title)s” is saved as a draft."),
    State.REVIEW: _("“%(title)s” is saved; it is still in review."),
    State.SCHEDULED: _("“%(title)s” is saved; it will be published on %(moment)s (Paris time)."),
    State.PUBLISHED: _("“%(title)s” is saved; readers see the changes."),
}


def state_label(state, published_at):
    """« Programmé pour le 12 décembre 2026 à 6 h 00 »: the badge of the article form."""
    if published_at is not None and state == State.SCHEDULED:
        return _("Scheduled for %(moment)s") % {"moment": workflow.paris_day_and_time(published_at)}
    if published_at is not None and state == State.PUBLISHED:
        # To the minute: « Publier maintenant » dates it to the second, which is noise here.
        moment = workflow.paris_day_and_time(published_at.replace(second=0, microsecond=0))
        return _("Published on %(moment)s") % {"moment": moment}
    return state.label


def publishing_message(request, article):
    """What the save just did to ``article``, and when readers get it."""
    moved = request.POST.get(PUBLISHING)
    message = MOVED.get(moved) or SAVED[article.state]
    moment = article.published_at and workflow.paris_day_and_time(article.published_at)
    return message % {"title": article.title, "moment": moment}


def embargo_kept_message(until):
    return _(
        "Only an administrator can lift this embargo or bring it forward: it holds until "
        "%(moment)s (Paris time). You may push it back."
    ) % {"moment": workflow.paris_day_and_time(until)}


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
    ImageChooserMixin,
    LabelledFieldsMixin,
    NotesAdminMixin,
    WordingMixin,
    PreviewAdminMixin,
    RevisionAdminMixin,
    WritingAdminMixin,
    WorkingCopyAdminMixin,
    OldAddressesMixin,
    WithdrawnOnPurposeMixin,
    admin.ModelAdmin,
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
    readonly_fields = ["reading_time_display", "featured_image_preview"]
    actions = ["submit_for_review", "publish_now", "schedule", "unpublish", "withdraw"]
    action_form = ArticleActionForm
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "take_old_address",
                    "standfirst",
                    "body",
                    "reading_time_display",
                ]
            },
        ),
        (
            _("Publication"),
            # The status and date are set by the buttons at the bottom (PUBLISHING).
            {"fields": ["planned_for", "section", "is_featured"]},
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
        css = {"all": ["admin-extra/publishing.css"]}
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

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        move = request.POST.get(PUBLISHING)
        if form.planned and move in workflow.MOVES:
            # Read by newsroom.history, which says it as the message after the save does.
            moved = {"move": move}
            if move == workflow.SCHEDULE.name:
                moved["at"] = form.instance.published_at.isoformat()
            message.append({"moved": moved})
        return message

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
            when = ParisDateTimeField().clean(value)
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

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        context["publishing"] = self.publishing_context(request, form)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def publishing_context(self, request, form):
        """The state badge, the buttons the user may press, and the checks before publishing."""
        # As found: a refused form has written what was typed onto its instance,
        # never the status or date.
        article = form.instance
        found = form.found
        state = found.state(timezone.now())
        rendered = form.rendered
        outline = rendered.outline if rendered else rendering.outline(article.body_html)
        if "tags" in getattr(form, "cleaned_data", {}):
            tags = form.cleaned_data["tags"]
        else:
            tags = [tag.name for tag in article.tags.all()] if article.pk else []
        moves = workflow.offered_moves(article, request.user)
        embargoed = article.is_under_embargo
        return {
            "button": PUBLISHING,
            "state": state,
            "state_label": state_label(state, found.published_at),
            "embargo_badge": embargoed
            and _("Under embargo until %(moment)s")
            % {"moment": workflow.paris_day_and_time(article.embargo_until)},
            "embargo": embargoed and workflow.embargo_message(article.embargo_until),
            "save_label": SAVE_LABELS[state],
            "moves": [(name, MOVE_LABELS[name]) for name in moves],
            "may_publish": workflow.PUBLISH_NOW.name in moves,
            "may_schedule": workflow.SCHEDULE.name in moves,
            "schedule_label": MOVE_LABELS[workflow.SCHEDULE.name],
            "schedule_field": form["scheduled_for"],
            "checklist": checklist(article, outline, tags) if article.pk else None,
        }

    def response_add(self, request, obj, post_url_continue=None):
        if IS_POPUP_VAR in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, publishing_message(request, obj), messages.SUCCESS)
        url = reverse(
            "admin:articles_article_change", args=[obj.pk], current_app=self.admin_site.name
        )
        redirect = HttpResponseRedirect(self.with_preserved_filters(request, url))
        return self.forget_saved_draft(request, redirect)

    def response_change(self, request, obj):
        if IS_POPUP_VAR in request.POST:
            return super().response_change(request, obj)
        # Back to the article, whose badge and buttons show where it now stands.
        self.message_user(request, publishing_message(request, obj), messages.SUCCESS)
        redirect = HttpResponseRedirect(self.with_preserved_filters(request, request.path))
        return self.forget_saved_draft(request, redirect)

    def with_preserved_filters(self, request, url):
        context = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return add_preserved_filters(context, url)

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
            if renumbered:
                # Sends no signal: the byline stored with the article follows its order.
                stored_relations.refresh([form.instance.pk])

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
class SectionAdmin(OldAddressesMixin, WordingMixin, admin.ModelAdmin):
    add_title = _("New section")
    change_title = _("Edit the section")
    view_title = _("Read the section")
    add_another_title = _("Save and add another section")
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


@admin.register(EditorialAction)
class EditorialActionAdmin(WordingMixin, admin.ModelAdmin):
    """The action log: read by editors, written only by the workflow itself."""

    view_title = _("An action of the log")

    list_display = ["at", "by", "kind", "article_link", "detail_in_words"]
    list_filter = ["kind", ("user", titled(admin.RelatedOnlyFieldListFilter, _("newsroom member")))]
    list_select_related = ["article", "user__author_profile"]
    search_fields = ["article__title", "detail"]
    date_hierarchy = "at"
    fields = ["at", "by", "kind", "article_link", "detail_in_words"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("by"), ordering="user")
    def by(self, action):
        return member_name(action.user)

    @admin.display(description=_("detail"))
    def detail_in_words(self, action):
        # Stored as the workflow stamps it, read as the newsroom writes dates.
        return workflow.paris_times_in_words(action.detail) or self.get_empty_value_display()

    @admin.display(description=_("article"), ordering="article__title")
    def article_link(self, action):
        url = reverse(
            "admin:articles_article_change",
            args=[action.article_id],
            current_app=self.admin_site.name,
        )
        return format_html('<a href="{}">{}</a>', url, action.article)
