"""
The newsletter in the admin. Editors compose an edition (its letter's latest articles
filled in, reordered, an intro by hand), preview it at a phone's width, send it to
themselves as a test, then to every reader now or at a time in Paris, and follow the
sending. Administrators also run the letters, the subscribers and the suppressed
addresses. Contributors see none of it.

Who may do what is the roles' permissions (newsletter/migrations/0005_roles.py),
checked by every view here on the server; an edition whose sending has begun is no
longer changed by anyone.
"""

import logging
from smtplib import SMTPException

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from markup.formats import grouped
from newsletter import editions, mail
from newsletter.models import Delivery, Edition, EditionArticle, Letter, Subscriber, Suppression
from newsletter.sending import start_sending
from newsroom.admin.labels import LabelledFieldsMixin, NamedAutocompleteSelect
from newsroom.admin.wording import WordingMixin

logger = logging.getLogger(__name__)

# An intro is a few sentences above the articles, not an article of its own.
MAX_INTRO_LENGTH = 2000
# Far enough for a letter planned before a holiday; a date further off is a typo.
MAX_SCHEDULE_DAYS = 90
# The buttons of the edition's form, each saving first (Django's own « _continue »).
PREVIEW, TEST, FILL, SEND = "_preview", "_test", "_fill", "_send"


class LetterForm(forms.ModelForm):
    class Meta:
        model = Letter
        fields = ["name", "slug", "kind", "description", "section", "send_time", "position"]
        fields += ["is_active"]

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("send_time") and cleaned_data.get("kind") != Letter.Kind.DAILY:
            self.add_error(
                "send_time",
                _("Only a daily letter sends itself: leave the time empty, or choose « daily »."),
            )
        return cleaned_data


@admin.register(Letter)
class LetterAdmin(WordingMixin, admin.ModelAdmin):
    add_title = _("New letter")
    change_title = _("Edit the letter")
    view_title = _("Read the letter")
    add_another_title = _("Save and add another letter")
    form = LetterForm
    list_display = ["name", "kind", "section", "send_time", "is_active", "readers"]
    list_select_related = ["section"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_readers=Count(
                    "subscriptions",
                    filter=Q(subscriptions__subscriber__confirmed_at__isnull=False),
                )
            )
        )

    @admin.display(description=_("readers"), ordering="confirmed_readers")
    def readers(self, letter):
        return grouped(letter.confirmed_readers)


class ChosenArticleSelect(NamedAutocompleteSelect):
    """
    The article's autocomplete, labelled from the row its form already holds: Django's
    asks the database for the chosen article's title, a query per row of the edition.
    """

    chosen = None

    def optgroups(self, name, value, attr=None):
        label = self.chosen and self.chosen.get(str(value[0]) if value else "")
        if not label:
            return super().optgroups(name, value, attr)
        return [(None, [self.create_option(name, value[0], label, True, 0)], 0)]


class EditionArticleForm(forms.ModelForm):
    class Meta:
        model = EditionArticle
        fields = ["position", "article"]
        error_messages = {
            "article": {
                "invalid_choice": _(
                    "Only a published article may be in an edition: readers could not open "
                    "this one."
                )
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["article"].widget
        widget = getattr(widget, "widget", widget)
        if self.instance.article_id and isinstance(widget, ChosenArticleSelect):
            widget.chosen = {str(self.instance.article_id): str(self.instance.article)}


class EditionArticleInline(LabelledFieldsMixin, admin.TabularInline):
    model = EditionArticle
    form = EditionArticleForm
    fields = ["position", "article"]
    autocomplete_fields = ["article"]
    max_num = editions.MAX_ARTICLES
    extra = 1
    verbose_name = _("article")
    verbose_name_plural = _("Articles, in the order readers see them (lowest position first)")

    def get_formset(self, request, obj=None, **kwargs):
        # The maximum held by the server, not only by the page's script.
        return super().get_formset(request, obj, validate_max=True, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "article":
            # An article is written on its own page, not in a window over the edition.
            formfield.widget.can_add_related = formfield.widget.can_change_related = False
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            kwargs["widget"] = ChosenArticleSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
            # The autocomplete offers every article; only published ones are accepted.
            kwargs["queryset"] = Article.objects.published()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class EditionForm(forms.ModelForm):
    intro = forms.CharField(
        label=capfirst(_("introduction")),
        required=False,
        max_length=MAX_INTRO_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "A few sentences above the articles, signed by the desk if you like. "
            "Empty lines separate paragraphs."
        ),
        error_messages={
            "max_length": _(
                "Keep the intro under %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )

    class Meta:
        model = Edition
        fields = ["letter", "subject", "intro"]
        # « Objet », as mail clients say, is the word Django's French pastes everywhere.
        labels = {"subject": _("Subject line")}
        help_texts = {
            "subject": _("What readers see in their inbox: say what is in it, in a few words."),
        }


class ScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label=_("On (Paris time)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, later, **kwargs):
        super().__init__(*args, **kwargs)
        self.later = later

    def clean_send_at(self):
        send_at = self.cleaned_data["send_at"]
        if not self.later:
            return None
        if send_at is None:
            raise ValidationError(_("Say on which day and at what time to send it."))
        now = timezone.now()
        if send_at <= now:
            raise ValidationError(_("This moment is past: choose one to come, or send it now."))
        if send_at > now + timezone.timedelta(days=MAX_SCHEDULE_DAYS):
            raise ValidationError(
                _("Schedule it within %(days)s days."), params={"days": MAX_SCHEDULE_DAYS}
            )
        return send_at


@admin.register(Edition)
class EditionAdmin(WordingMixin, LabelledFieldsMixin, admin.ModelAdmin):
    add_title = _("New edition")
    change_title = _("Edit the edition")
    view_title = _("Read the edition")
    add_another_title = _("Save and add another edition")
    form = EditionForm
    inlines = [EditionArticleInline]
    list_display = ["subject_line", "letter", "sending", "send_at", "created_by"]
    list_filter = ["letter", "status"]
    search_fields = ["subject"]
    change_form_template = "admin/newsletter/edition/change_form.html"

    class Media:
        css = {"all": ["admin-extra/newsletter.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).for_list().select_related("created_by")

    # An edition being sent, or sent, is what readers received: nobody changes it.
    def has_change_permission(self, request, obj=None):
        drafting = obj is None or obj.status == Edition.Status.DRAFT
        return drafting and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        drafting = obj is None or obj.status == Edition.Status.DRAFT
        return drafting and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # The list's deletion action asks no object whether it may go.
        if any(edition.status != Edition.Status.DRAFT for edition in objs):
            perms_needed.add(gettext("editions sent or on their way"))
        return deleted, counts, perms_needed, protected

    @admin.display(description=_("Subject line"), ordering="subject")
    def subject_line(self, edition):
        return edition.subject

    @admin.display(description=_("Sending progress"), ordering="status")
    def sending(self, edition):
        if edition.status in {Edition.Status.SENDING, Edition.Status.SENT}:
            return format_html(
                "{} · {}",
                edition.get_status_display(),
                ngettext(
                    "%(sent)s of %(count)s reader",
                    "%(sent)s of %(count)s readers",
                    edition.recipients,
                )
                % {"sent": grouped(edition.delivered), "count": grouped(edition.recipients)},
            )
        return edition.get_status_display()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        edition = form.instance
        filling = request.POST.get(FILL) or not (change or edition.items.exists())
        if filling and self.has_change_permission(request, edition):
            added = editions.fill(edition)
            self.message_user(
                request,
                ngettext(
                    "%(count)s article added: the latest of « %(letter)s » not sent yet.",
                    "%(count)s articles added: the latest of « %(letter)s » not sent yet.",
                    added,
                )
                % {"count": added, "letter": edition.letter}
                if added
                else gettext("No article to add: every recent one is in it or was sent."),
                messages.SUCCESS if added else messages.WARNING,
            )

    def response_add(self, request, obj, post_url_continue=None):
        # A new edition goes on to its own page, filled, to be reordered and sent.
        if "_addanother" not in request.POST and "_popup" not in request.POST:
            return HttpResponseRedirect(reverse("admin:newsletter_edition_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if PREVIEW in request.POST:
            return HttpResponseRedirect(reverse("admin:newsletter_edition_preview", args=[obj.pk]))
        if SEND in request.POST:
            return HttpResponseRedirect(reverse("admin:newsletter_edition_send", args=[obj.pk]))
        if TEST in request.POST:
            self.send_test(request, obj)
        if TEST in request.POST or FILL in request.POST:
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def send_test(self, request, edition):
        address = request.user.email
        if not address:
            self.message_user(
                request,
                gettext(
                    "Your account has no e-mail address to send the test to: ask an "
                    "administrator to add one."
                ),
                messages.ERROR,
            )
            return
        try:
            editions.send_test(edition, address)
        except (OSError, SMTPException) as error:
            logger.warning("Test of edition %s to %s failed: %s", edition.pk, address, error)
            self.message_user(
                request,
                gettext(
                    "The mail server did not take the test (%(error)s). Nothing is lost: "
                    "try again in a moment."
                )
                % {"error": error},
                messages.ERROR,
            )
            return
        self.message_user(
            request,
            gettext("Test sent to %(address)s: see how it reads in your mailbox.")
            % {"address": address},
            messages.SUCCESS,
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name="newsletter_edition_preview",
            ),
            path(
                "<path:object_id>/preview/message/",
                view(self.message_view),
                name="newsletter_edition_message",
            ),
            path("<path:object_id>/send/", view(self.send_view), name="newsletter_edition_send"),
            path(
                "<path:object_id>/unschedule/",
                view(self.unschedule_view),
                name="newsletter_edition_unschedule",
            ),
            path(
                "<path:object_id>/progress/",
                view(self.progress_view),
                name="newsletter_edition_progress",
            ),
            *super().get_urls(),
        ]

    def viewable(self, request, object_id):
        edition = get_object_or_404(Edition.objects.select_related("letter"), pk=object_id)
        if not self.has_view_or_change_permission(request, edition):
            raise PermissionDenied
        return edition

    def preview_view(self, request, object_id):
        """The edition as a phone shows it, in a frame of a phone's width, and its text."""
        edition = self.viewable(request, object_id)
        rendered = mail.render_edition(edition)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Preview: %(subject)s") % {"subject": rendered.subject},
            "edition": edition,
            "rendered": rendered,
            "text": rendered.text.replace(mail.PREFERENCES_URL, "…"),
            "can_change": self.has_change_permission(request, edition),
        }
        request.current_app = self.admin_site.name
        response = TemplateResponse(request, "admin/newsletter/edition/preview.html", context)
        # The message is a document of its own, framed by this page alone.
        response._csp_update = {"frame-src": ["'self'"]}
        return response

    def message_view(self, request, object_id):
        """
        The message's HTML, as the preview's frame shows it. Its styles are in style
        attributes, as mail clients need them, which the site's policy refuses: this
        document alone allows them, runs no script, and only this site may frame it.
        """
        edition = self.viewable(request, object_id)
        html = mail.render_edition(edition).html.replace(mail.PREFERENCES_URL, "#")
        # Links open outside the frame, as a mail client opens them.
        html = html.replace("<head>", '<head><base target="_blank">', 1)
        response = HttpResponse(html)
        # The site's origin, as the message's addresses name it, and the media's, when
        # images are served from a bucket or a CDN.
        images = ["'self'", mail.absolute_url("/").rstrip("/")]
        if settings.MEDIA_ORIGIN:
            images.append(settings.MEDIA_ORIGIN)
        response._csp_replace = {
            "default-src": ["'none'"],
            "script-src": ["'none'"],
            "style-src": ["'unsafe-inline'"],
            "img-src": images,
            "font-src": ["'none'"],
            "frame-src": ["'none'"],
            "connect-src": ["'none'"],
            "frame-ancestors": ["'self'"],
            "sandbox": ["allow-popups", "allow-popups-to-escape-sandbox"],
        }
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    def send_view(self, request, object_id):
        edition = self.viewable(request, object_id)
        if not self.has_change_permission(request, edition):
            # Already on its way, or not this account's to send.
            if edition.status != Edition.Status.DRAFT:
                return HttpResponseRedirect(
                    reverse("admin:newsletter_edition_change", args=[edition.pk])
                )
            raise PermissionDenied
        later = "later" in request.POST
        form = ScheduleForm(request.POST or None, later=later)
        if request.method == "POST" and form.is_valid():
            if not edition.items.exists():
                self.message_user(
                    request, gettext("Add at least one article before sending."), messages.ERROR
                )
                return HttpResponseRedirect(
                    reverse("admin:newsletter_edition_change", args=[edition.pk])
                )
            at = form.cleaned_data["send_at"]
            start_sending(edition, at=at)
            self.log_change(request, edition, gettext("Scheduled") if at else gettext("Sent"))
            if at:
                message = gettext("« %(subject)s » goes out on %(date)s, Paris time.") % {
                    "subject": edition.subject,
                    "date": date_format(timezone.localtime(at), "DATETIME_FORMAT"),
                }
            else:
                message = gettext("« %(subject)s » is on its way to its readers.") % {
                    "subject": edition.subject
                }
            self.message_user(request, message, messages.SUCCESS)
            return HttpResponseRedirect(
                reverse("admin:newsletter_edition_change", args=[edition.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Send « %(subject)s »") % {"subject": edition.subject},
            "edition": edition,
            "form": form,
            "audience": editions.audience(edition.letter),
            "article_count": edition.items.count(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/newsletter/edition/send.html", context)

    def unschedule_view(self, request, object_id):
        """Takes a scheduled edition back to a draft, as long as its time has not come."""
        edition = self.viewable(request, object_id)
        # Whoever may send editions may call one back; the edition itself, scheduled,
        # is no longer a draft anyone changes.
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse("admin:newsletter_edition_change", args=[edition.pk])
            )
        # One UPDATE that holds only while it is scheduled: a worker that has begun
        # sending it (status « sending ») wins, and nothing is called back half sent.
        called_back = Edition.objects.filter(pk=edition.pk, status=Edition.Status.SCHEDULED).update(
            status=Edition.Status.DRAFT, send_at=None
        )
        if called_back:
            self.log_change(request, edition, gettext("Sending cancelled"))
            self.message_user(
                request,
                gettext("« %(subject)s » will not go out: it is a draft again.")
                % {"subject": edition.subject},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext("Too late to cancel: « %(subject)s » is already going out.")
                % {"subject": edition.subject},
                messages.ERROR,
            )
        return HttpResponseRedirect(reverse("admin:newsletter_edition_change", args=[edition.pk]))

    def progress_view(self, request, object_id):
        edition = self.viewable(request, object_id)
        return JsonResponse(progress(edition))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["progress"] = progress(obj)
            context["progress_url"] = reverse("admin:newsletter_edition_progress", args=[obj.pk])
            context["can_unschedule"] = self.has_change_permission(request)
        return super().render_change_form(request, context, add, change, form_url, obj)


def progress(edition):
    """How far the sending of ``edition`` is, from its deliveries, as the page shows it."""
    if edition.status == Edition.Status.DRAFT:
        return {"going_on": False, "percent": 0, "summary": gettext("Draft: not sent yet.")}
    if edition.status == Edition.Status.SCHEDULED:
        return {
            "going_on": False,
            "percent": 0,
            "summary": gettext("Scheduled: goes out on %(date)s, Paris time.")
            % {"date": date_format(timezone.localtime(edition.send_at), "DATETIME_FORMAT")},
        }
    counts = Delivery.objects.filter(edition=edition).counts()
    total = sum(counts.values())
    done = total - counts[Delivery.Status.PENDING] - counts[Delivery.Status.SENDING]
    summary = ngettext(
        "%(sent)s of %(total)s reader received it",
        "%(sent)s of %(total)s readers received it",
        total,
    ) % {"sent": grouped(counts[Delivery.Status.SENT]), "total": grouped(total)}
    others = [
        (counts[Delivery.Status.FAILED], gettext("%(count)s failed")),
        (counts[Delivery.Status.SUPPRESSED], gettext("%(count)s suppressed addresses skipped")),
    ]
    summary += "".join(
        f" · {label % {'count': grouped(count)}}" for count, label in others if count
    )
    if edition.status == Edition.Status.SENT:
        summary = gettext("Sent on %(date)s: %(summary)s.") % {
            "date": date_format(timezone.localtime(edition.sent_at), "DATETIME_FORMAT"),
            "summary": summary,
        }
    else:
        summary = gettext("Sending: %(summary)s.") % {"summary": summary}
    return {
        "going_on": edition.status == Edition.Status.SENDING,
        "percent": round(100 * done / total) if total else 100,
        "summary": summary,
    }


class SubscriptionInline(admin.TabularInline):
    model = Subscriber.letters.through
    fields = ["letter", "consented_at", "consent_text"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("letter")
    verbose_name_plural = _("Letters, and the consent given to each")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("letter")


@admin.register(Subscriber)
class SubscriberAdmin(WordingMixin, admin.ModelAdmin):
    """Administrators only (their role's permissions): readers' addresses are personal data."""

    change_title = _("Read the subscriber")
    view_title = _("Read the subscriber")
    list_display = ["email", "confirmed_at", "created_at", "letter_names"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), "letters"]
    search_fields = ["email"]
    fields = ["email", "created_at", "confirmed_at"]
    readonly_fields = fields
    inlines = [SubscriptionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("letters")

    # What a reader gave is theirs to change, from their preferences page; an
    # administrator reads it, and erases it (deletion) when asked to.
    def has_change_permission(self, request, obj=None):
        return False

    # A reader subscribes themselves, giving their consent; the desk cannot do it for them.
    def has_add_permission(self, request):
        return False

    @admin.display(description=_("letters"))
    def letter_names(self, subscriber):
        return ", ".join(letter.name for letter in subscriber.letters.all())


class SuppressionForm(forms.ModelForm):
    class Meta:
        model = Suppression
        fields = ["email", "reason", "detail"]

    def clean_email(self):
        # Said in French before the database's case-insensitive constraint would be.
        email = self.cleaned_data["email"]
        taken = Suppression.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("This address is on the list already."))
        return email


@admin.register(Suppression)
class SuppressionAdmin(WordingMixin, admin.ModelAdmin):
    add_title = _("New suppressed address")
    change_title = _("Edit the suppressed address")
    view_title = _("Read the suppressed address")
    add_another_title = _("Save and add another suppressed address")
    form = SuppressionForm
    list_display = ["email", "reason", "detail", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email"]

    def get_changeform_initial_data(self, request):
        return {"reason": Suppression.Reason.MANUAL, **super().get_changeform_initial_data(request)}
