import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ConcurrentEdit
from images.embedding import render
from markup.rendering import TextTooComplex
from newsroom import workflow
from newsroom.calendar import paris_moment
from redirects.models import Redirect
from redirects.renames import redirect_taken_over

DRAFT_KEY_RE = re.compile(r"[0-9a-f]{32}")

MISSING_VERSION = _(
    "This form does not say which version of the article it was opened with, so saving it "
    "could overwrite a colleague's work. Copy your text, then reload the page."
)


class FormState:
    """A hidden value about the form itself: never reported as a change to the article."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class VersionField(FormState, forms.IntegerField):
    pass


class DraftKeyField(FormState, forms.CharField):
    pass


class ParisTimeMixin:
    """
    A date and time typed in Paris time that the clocks skip or show twice is refused
    in the calendar's words, which say why and what to choose: Django's own message
    prints the moment in ISO and names the zone « Europe/Paris ».
    """

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError as error:
            if getattr(error, "code", None) != "ambiguous_timezone":
                raise
            typed = error.params["datetime"]
            return paris_moment(typed.date(), typed.time())


class ParisDateTimeField(ParisTimeMixin, forms.DateTimeField):
    pass


class ParisSplitDateTimeField(ParisTimeMixin, forms.SplitDateTimeField):
    pass


class ScheduleField(ParisSplitDateTimeField):
    """The date given to « Programmer… »: the button's, never a change to the article."""

    def has_changed(self, initial, data):
        return False


class HeldChoiceField(forms.ModelChoiceField):
    """
    The choice of a related row which, left as it was, is the row the object already
    holds, read with it: taken from there rather than read again.
    """

    # The related row as the object holds it; HeldChoicesMixin sets it.
    held = None

    def to_python(self, value):
        held = self.held
        if held is not None and str(value) == str(getattr(held, self.to_field_name or "pk")):
            return held
        return super().to_python(value)


class HeldChoicesMixin:
    """Gives each HeldChoiceField the row the instance holds, if it was read with it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, HeldChoiceField):
                relation = self.instance._meta.get_field(name)
                if relation.is_cached(self.instance):
                    field.held = getattr(self.instance, name)


class ArticleAdminForm(HeldChoicesMixin, forms.ModelForm):
    """The newsroom's article form."""

    mark_as_update = forms.BooleanField(
        label=_("This edit is an update"),
        required=False,
        help_text=_(
            "Tick when the edit changes what readers learn (new facts, a new development): "
            "the page then says « Mis à jour le … » with today's date. Leave it for typos."
        ),
    )
    # The version the form was opened with. A bound form shows back the value
    # it was posted with, so a refused form stays refused when posted again.
    version = VersionField(required=False, min_value=1)
    # Names this opening of the form in the browser's autosave; once it is
    # saved, the browser is told to forget the draft stored under it.
    draft_key = DraftKeyField(required=False)
    # Read by the « Programmer… » button only, and drawn beside it (submit_line.html)
    # as a plain date input and time input, which browsers offer pickers for without
    # script: they post ISO dates, which every language's input formats accept.
    scheduled_for = ScheduleField(label=_("Publication date and time (Paris time)"), required=False)
    # Shown only when the slug is refused as another page's old address (check_old_address()).
    take_old_address = forms.BooleanField(
        label=_("Take this old address"),
        required=False,
        widget=forms.HiddenInput,
        help_text=_(
            "Readers who follow the old links will then find this article instead of the "
            "page they were sent to."
        ),
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "standfirst",
            "body",
            "status",
            "published_at",
            "section",
            "is_featured",
            "featured_image",
            "tags",
            "works",
            "reviewed_work",
            "rating",
            "spoilers",
            "embargo_until",
            "ai_usage",
            "ai_usage_note",
            "seo_title",
            "seo_description",
        ]
        # Read with the article (ArticleAdmin.get_object()): not again when left as they are.
        field_classes = {
            "section": HeldChoiceField,
            "featured_image": HeldChoiceField,
            "reviewed_work": HeldChoiceField,
            "planned_for": ParisSplitDateTimeField,
            "embargo_until": ParisSplitDateTimeField,
        }

    class Media:
        css = {"all": ["admin-extra/writing.css"]}
        js = [
            "admin-extra/vendor/screenmania-editor.min.js",
            "admin-extra/writing.js",
            "admin-extra/autosave.js",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.edit_conflict = False
        # The body's render, once clean_body() has made it.
        self.rendered = None
        # The status, date and embargo found, before this form writes onto the instance.
        self.found = workflow.Snapshot.of(self.instance)
        # The status and date the chosen button sets (NewsroomRulesMixin), applied at save.
        self.planned = {}
        if not self.is_bound:
            self.fields["draft_key"].initial = uuid.uuid4().hex
            if self.instance.pk is not None:
                self.fields["version"].initial = self.instance.version

    def validate_unique(self):
        # The slug is the article's one unique field. Left as it was, it is the one the
        # row holds, which the unique index lets no other row hold: asking the database
        # whether another row has it could only say no.
        if self.instance._state.adding or "slug" in self.changed_data:
            super().validate_unique()

    def check_old_address(self, cleaned_data):
        """
        A slug free in the table of articles may still be an old address that redirects
        (a renamed article's) or answers 410: taking it silently would send the old links'
        readers here. The editor may, by ticking « take it »; the redirect then goes.
        """
        slug = cleaned_data.get("slug")
        adding_or_renaming = self.instance._state.adding or "slug" in self.changed_data
        if not slug or not adding_or_renaming or cleaned_data.get("take_old_address"):
            return
        redirect = redirect_taken_over(self.instance, slug)
        if redirect is None:
            return
        self.fields["take_old_address"].widget = forms.CheckboxInput()
        if redirect.status == Redirect.Status.GONE:
            message = _(
                "The address %(address)s was removed on purpose (it answers « 410 Gone »). "
                "Choose another URL slug, or tick « Take this old address »."
            )
        else:
            message = _(
                "The address %(address)s is an old address that redirects to %(target)s. "
                "Choose another URL slug, or tick « Take this old address »: that redirect "
                "will then be removed."
            )
        self.add_error(
            "slug",
            forms.ValidationError(
                message,
                code="old_address",
                params={"address": redirect.old_path, "target": redirect.target},
            ),
        )

    def clean_draft_key(self):
        # Only ever used as a name; anything else is dropped rather than refused.
        key = self.cleaned_data["draft_key"]
        return key if DRAFT_KEY_RE.fullmatch(key) else ""

    def clean_body(self):
        body = self.cleaned_data["body"]
        try:
            # Rendered once, here: save() stores this render rather than make another.
            self.rendered = render(body)
        except TextTooComplex as refusal:
            raise forms.ValidationError(refusal.message, code="too_complex") from None
        # Trailers with an address or poster not understood, spoiler blocks left open:
        # each named by its line, since readers would not see them as written.
        errors = [
            forms.ValidationError(
                gettext("Line %(line)s (%(subject)s): %(problem)s")
                % {"line": p.line or "?", "subject": p.subject, "problem": p.message},
                code="body_syntax",
            )
            for p in self.rendered.problems
        ]
        missing = sorted(self.rendered.missing_image_ids)
        if missing:
            errors.append(
                forms.ValidationError(
                    ngettext(
                        "The text shows image no. %(numbers)s, which is not in the media "
                        "library: check the number, or insert the image with the toolbar's "
                        "Image button.",
                        "The text shows images no. %(numbers)s, which are not in the media "
                        "library: check the numbers, or insert the images with the toolbar's "
                        "Image button.",
                        len(missing),
                    )
                    % {"numbers": ", ".join(map(str, missing))},
                    code="unknown_image",
                )
            )
        if errors:
            raise forms.ValidationError(errors)
        return body

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("ai_usage") not in (None, Article.AIUsage.NONE) and not (
            cleaned_data.get("ai_usage_note", "").strip()
        ):
            self.add_error(
                "ai_usage_note",
                _("Tell readers in one sentence how AI was used in making this article."),
            )
        if cleaned_data.get("rating") is not None and cleaned_data.get("reviewed_work") is None:
            self.add_error(
                "rating",
                _("A rating belongs to a review: choose the film or series it reviews."),
            )
        self.check_embargo(cleaned_data)
        self.check_old_address(cleaned_data)
        if self.instance.pk is not None and "version" not in self.errors:
            self.check_version(cleaned_data.get("version"))
        return cleaned_data

    def check_embargo(self, cleaned_data):
        """
        Refuse a publication before the embargo ends, saying until when, rather
        than leave it to the database's constraint.
        """
        names = ["status", "published_at", "embargo_until"]
        if any(name in self.fields and name not in cleaned_data for name in names):
            return  # Already refused for another reason.
        # A field this user may not change is not in the form: it keeps its value,
        # unless the button pressed sets it.
        status, published_at, until = (
            cleaned_data[name]
            if name in self.fields
            else self.planned.get(name, getattr(self.instance, name))
            for name in names
        )
        if status != Article.Status.PUBLISHED:
            return
        # Left empty, Article.save() dates the publication now.
        published_at = published_at or timezone.now()
        if not workflow.breaks_embargo(until, published_at):
            return
        # clean() runs before the form writes onto the instance: it is still as stored.
        if self.instance.is_published and published_at == self.instance.published_at:
            self.add_error(
                "embargo_until",
                _(
                    "Readers have had this article since %(moment)s: an embargo cannot end "
                    "after its publication."
                )
                % {"moment": workflow.paris_day_and_time(self.instance.published_at)},
            )
            return
        field = next((name for name in ["published_at", "status"] if name in self.fields), None)
        self.add_error(field, workflow.embargo_message(until))

    def check_version(self, expected):
        """Refuse the form when the article was saved since it was opened."""
        if expected is None:
            self.add_error(None, MISSING_VERSION)
            return
        # As the instance was read for this request: a save since then is caught by the
        # save's conditional update (claim_version()), and the form shown again from there.
        current = self.instance.version
        if current != expected:
            self.edit_conflict = True
            self.add_error(None, self.conflict_message(theirs=current, yours=expected))

    def conflict_message(self, *, theirs, yours):
        message = gettext(
            "Someone else saved this article while you were editing it (version %(theirs)s, "
            "yours was based on %(yours)s). Your text is below, unsaved: copy what you need, "
            "then reload to see their version."
        ) % {"theirs": theirs, "yours": yours}
        last = self.instance.history.select_related("history_user").first()
        if last is None:
            return message
        when = date_format(timezone.localtime(last.history_date), "DATETIME_FORMAT")
        user = last.history_user
        if user is None:
            saved = gettext("Last saved on %(date)s.") % {"date": when}
        else:
            name = user.get_full_name() or user.get_username()
            saved = gettext("Last saved by %(user)s on %(date)s.") % {"user": name, "date": when}
        return f"{message} {saved}"

    def claim_version(self):
        """
        Compare-and-set at save time: the instance's next save writes the row only
        while it still holds the version this form was opened with, and raises
        ConcurrentEdit otherwise (Article.claimed_version).

        Validation alone leaves a gap between the check and the save in which a
        colleague may save. The save's own conditional UPDATE closes it: on
        PostgreSQL it waits for a concurrent save to commit and then matches no
        row; on SQLite writers are serialised.
        """
        expected = self.cleaned_data.get("version")
        if expected is None:
            raise ConcurrentEdit
        self.instance.claimed_version = expected
        # Written, the row held the save this copy was loaded from: nothing newer for the
        # page cache to notice (articles.signals), and no need to read the row to know.
        self.instance.saved_over_a_newer_copy = False
        # Article.save() adds one.
        self.instance.version = expected

    def _save_m2m(self):
        # As ModelForm's, but only the relations the editor changed are written: setting
        # the tags again looks each one up by name, a query apiece, to change nothing.
        opts = self.instance._meta
        for field in [*opts.many_to_many, *opts.private_fields]:
            name = field.name
            written = name in self.cleaned_data and name in self.changed_data
            if written and hasattr(field, "save_form_data"):
                field.save_form_data(self.instance, self.cleaned_data[name])

    def save(self, commit=True):
        # The body was rendered to be checked: the article stores that render.
        self.instance.rendered = self.rendered
        for name, value in self.planned.items():
            setattr(self.instance, name, value)
        if not commit or self.instance._state.adding:
            # Without commit, whoever saves the instance claims the version
            # first (WritingAdminMixin.save_model does in the admin).
            return super().save(commit=commit)
        # The article with its relations, or nothing when the claim fails.
        with transaction.atomic():
            self.claim_version()
            return super().save(commit=True)
