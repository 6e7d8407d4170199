"""
The newsroom's calendar: a month or a week of published and scheduled articles,
and of those not yet published that have a planned date; and the move of one of
them to another day or time, by drag and drop or by a plain form.

A move is the workflow's own: ``workflow.schedule()`` for a scheduled article,
the function the bulk « Programmer… » action calls, and ``workflow.plan()`` for
one not yet published, so that permissions, embargoes and the clock are checked
once, the same way, whatever the path. The site (newsroom/admin_site.py) gives
the calendar its addresses, behind the admin's login and CSRF protection.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article, State
from markup.formats import long_date
from newsroom import workflow

# The query string's names, in the admin's language: /admin/calendrier/?mois=2026-12.
MONTH, WEEK = "mois", "semaine"


def paris_clock(moment):
    """« 6 h 00 »: the time of day in Paris, as the active language writes it."""
    return time_format(
        timezone.localtime(moment), pgettext("time of day, Django date format", "H:i")
    )


def paris_midnight(day):
    # Midnight exists once every day in Paris: the clocks change at 2 and 3 a.m.
    return timezone.make_aware(datetime.combine(day, time()))


def date_range(first, last):
    """
    Two days as a French newsroom writes the span between them: « du 7 au 13 décembre
    2026 », « du 30 novembre au 6 décembre 2026 », « du 28 décembre 2026 au 3 janvier
    2027 »; the first day leaves out the month and year that the last one says.
    """
    # long_date() takes a moment: midnight of each day, in no time zone.
    first_moment, last_moment = (datetime.combine(day, time()) for day in (first, last))
    start = long_date(first_moment)
    if first.year == last.year:
        shared = " F Y" if first.month == last.month else " Y"
        start = start.removesuffix(date_format(first_moment, shared))
    return gettext("from %(first)s to %(last)s") % {"first": start, "last": long_date(last_moment)}


@dataclass(frozen=True)
class Day:
    date: date
    entries: list
    in_period: bool = True

    @property
    def is_today(self):
        return self.date == timezone.localdate()

    @property
    def heading(self):
        """« vendredi 1er janvier »: the day's column in the week, with long_date()'s « 1er »."""
        moment = datetime.combine(self.date, time())
        day_and_month = long_date(moment).removesuffix(date_format(moment, " Y"))
        return f"{date_format(moment, 'l')} {day_and_month}"

    @property
    def hours(self):
        """(hour, entries) for each hour of the day: the rows of the week's grid."""
        return [
            (hour, [entry for entry in self.entries if entry.hour == hour]) for hour in range(24)
        ]


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    kind = MONTH

    @classmethod
    def from_query(cls, value):
        try:
            year, month = (int(part) for part in value.split("-"))
            return cls(year, month) if 1 <= month <= 12 and 1900 < year < 3000 else None
        except ValueError:
            return None

    @classmethod
    def of(cls, day):
        return cls(day.year, day.month)

    @property
    def first(self):
        return date(self.year, self.month, 1)

    @property
    def last(self):
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def shown(self):
        """Whole weeks, Monday to Sunday, around the month: the grid an editor expects."""
        return (
            self.first - timedelta(days=self.first.weekday()),
            self.last + timedelta(days=6 - self.last.weekday()),
        )

    @property
    def title(self):
        return date_format(self.first, "F Y")

    @property
    def query(self):
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def previous(self):
        return Month.of(self.first - timedelta(days=1))

    @property
    def next(self):
        return Month.of(self.last + timedelta(days=1))

    @property
    def week(self):
        """The week the month's « Semaine » link opens: this one in the current month."""
        today = timezone.localdate()
        return Week.of(today if self.contains(today) else self.first)

    def contains(self, day):
        return (day.year, day.month) == (self.year, self.month)


@dataclass(frozen=True)
class Week:
    monday: date
    kind = WEEK

    @classmethod
    def from_query(cls, value):
        try:
            year, number = value.upper().split("-W")
            return cls(date.fromisocalendar(int(year), int(number), 1))
        except ValueError:
            return None

    @classmethod
    def of(cls, day):
        return cls(day - timedelta(days=day.weekday()))

    @property
    def shown(self):
        return self.monday, self.monday + timedelta(days=6)

    @property
    def title(self):
        return gettext("Week %(number)s, %(days)s") % {
            "number": self.monday.isocalendar().week,
            "days": date_range(*self.shown),
        }

    @property
    def query(self):
        year, number, _weekday = self.monday.isocalendar()
        return f"{year:04d}-W{number:02d}"

    @property
    def previous(self):
        return Week(self.monday - timedelta(days=7))

    @property
    def next(self):
        return Week(self.monday + timedelta(days=7))

    @property
    def month(self):
        return Month.of(self.monday)

    @property
    def current(self):
        return Week.of(timezone.localdate())

    def contains(self, day):
        return True


def period_asked(query):
    """The week or month of the query string; this month when it names none, or wrongly."""
    if WEEK in query:
        week = Week.from_query(query[WEEK])
        if week is not None:
            return week
    return Month.from_query(query.get(MONTH, "")) or Month.of(timezone.localdate())


@dataclass(frozen=True)
class Entry:
    """An article on the calendar, as one user sees it: when, in what state, and whether movable."""

    article: Article
    movable: bool

    @classmethod
    def of(cls, article, user):
        state = article.state
        if state == State.SCHEDULED:
            movable = workflow.can_publish_article(user, article)
        else:
            movable = state != State.PUBLISHED and workflow.can_edit(user, article)
        return cls(article, movable)

    @property
    def moment(self):
        return timezone.localtime(self.article.calendar_date)

    @property
    def state(self):
        return self.article.state

    @property
    def clock(self):
        return paris_clock(self.moment)

    @property
    def hour(self):
        return self.moment.hour

    @property
    def embargo(self):
        """« Sous embargo jusqu’au … », or None: told before anyone drags the entry."""
        if not self.article.is_under_embargo:
            return None
        return gettext("Under embargo until %(moment)s") % {
            "moment": workflow.paris_day_and_time(self.article.embargo_until)
        }


def days_of(period, entries):
    first, last = period.shown
    by_day = {}
    for entry in sorted(entries, key=lambda entry: entry.moment):
        by_day.setdefault(entry.moment.date(), []).append(entry)
    days = []
    day = first
    while day <= last:
        days.append(Day(day, by_day.get(day, []), period.contains(day)))
        day += timedelta(days=1)
    return days


def paris_moment(day, clock):
    """
    The moment ``day`` at ``clock`` in Paris, refused when the clocks skip it (the
    last Sunday of March) or show it twice (the last Sunday of October): the
    editor chooses which moment they mean rather than a guess.
    """
    naive = datetime.combine(day, clock)
    zone = timezone.get_current_timezone()
    first, second = naive.replace(tzinfo=zone), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    said = gettext("%(date)s at %(time)s") % {
        "date": long_date(naive),
        "time": time_format(naive, pgettext("time of day, Django date format", "H:i")),
    }
    back_in_paris = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back_in_paris != naive:
        raise forms.ValidationError(
            _(
                "%(moment)s does not exist in Paris: the clocks go forward an hour that "
                "night, from 2:00 to 3:00. Choose another time."
            ),
            code="skipped_time",
            params={"moment": said},
        )
    raise forms.ValidationError(
        _(
            "%(moment)s happens twice in Paris: the clocks go back an hour that night, "
            "from 3:00 to 2:00. Choose a time before 2:00 or from 3:00."
        ),
        code="repeated_time",
        params={"moment": said},
    )


class MoveForm(forms.Form):
    day = forms.DateField(label=_("Day"))
    time = forms.TimeField(label=_("Time (Paris)"))

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        moment = paris_moment(cleaned_data["day"], cleaned_data["time"])
        if moment <= timezone.now():
            raise forms.ValidationError(
                _("That date has passed: choose a future one."), code="past"
            )
        cleaned_data["moment"] = moment
        return cleaned_data


def move(article, user, when):
    """Move ``article`` to ``when`` as the workflow does; False when it is already online."""
    if article.status == Article.Status.PUBLISHED:
        return workflow.schedule(article, user, when)
    return workflow.plan(article, user, when)


def moved_message(article):
    moment = workflow.paris_day_and_time(article.calendar_date)
    if article.status == Article.Status.PUBLISHED:
        return gettext("“%(title)s” is scheduled for %(moment)s.") % {
            "title": article.title,
            "moment": moment,
        }
    return gettext("“%(title)s” is planned for %(moment)s.") % {
        "title": article.title,
        "moment": moment,
    }


class NewsroomCalendar:
    """The calendar's two admin views, for one admin site."""

    month_template = "admin/calendar/month.html"
    week_template = "admin/calendar/week.html"

    def __init__(self, site):
        self.site = site

    def get_urls(self):
        return [
            path("calendrier/", self.site.admin_view(self.calendar_view), name="calendar"),
            path(
                "calendrier/deplacer/<int:article_id>/",
                self.site.admin_view(self.move_view),
                name="calendar_move",
            ),
        ]

    @property
    def articles_admin(self):
        return self.site.get_model_admin(Article)

    def calendar_view(self, request):
        request.current_app = self.site.name
        articles_admin = self.articles_admin
        if not articles_admin.has_view_permission(request):
            raise PermissionDenied
        period = period_asked(request.GET)
        first, last = period.shown
        # The articles this user may see in the admin's list, from the same method.
        articles = (
            articles_admin.get_queryset(request)
            .on_calendar(paris_midnight(first), paris_midnight(last + timedelta(days=1)))
            .defer("body", "body_html", "stored_page")
        )
        entries = [Entry.of(article, request.user) for article in articles]
        days = days_of(period, entries)
        context = {
            **self.site.each_context(request),
            "title": gettext("Calendar: %(period)s") % {"period": period.title},
            "period": period,
            "days": days,
            "entry_count": len(entries),
            "weeks": [days[start : start + 7] for start in range(0, len(days), 7)],
            "calendar_url": reverse("admin:calendar", current_app=self.site.name),
            "states": [State.PUBLISHED, State.SCHEDULED, State.DRAFT, State.REVIEW],
            # The help says what this user may move: a contributor, her drafts only.
            "may_schedule": workflow.can_publish(request.user),
        }
        template = self.week_template if period.kind == WEEK else self.month_template
        return TemplateResponse(request, template, context)

    def move_view(self, request, article_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = MoveForm(request.POST)
        with transaction.atomic():
            # Read again and locked, as the bulk action does: a colleague's save since the
            # calendar was drawn (an embargo, a publication) counts.
            article = Article.objects.select_for_update().filter(pk=article_id).first()
            if article is None or not workflow.can_view(request.user, article):
                # The same answer whether the article exists or not.
                raise Http404
            moved = form.is_valid() and self.try_move(request, article, form.cleaned_data["moment"])
            if moved:
                message = moved_message(article)
                # The article's admin history, with the move: stored as written, in French.
                self.articles_admin.log_change(request, article, message)
        if moved:
            messages.success(request, message)
        for error in form.errors.values():
            self.refuse(request, article, " ".join(error))
        if "application/json" in request.headers.get("Accept", ""):
            # The script reloads the calendar, which shows the message.
            return JsonResponse({"moved": moved})
        return HttpResponseRedirect(self.back(request))

    def try_move(self, request, article, when):
        try:
            if move(article, request.user, when):
                return True
            self.refuse(
                request, article, gettext("It is already online: edit the article to change it.")
            )
        except PermissionDenied:
            self.refuse(
                request,
                article,
                gettext(
                    "Only an editor can move a scheduled article; a contributor can move the "
                    "planned date of their own draft."
                ),
            )
        except workflow.UnderEmbargo as refusal:
            self.refuse(request, article, str(refusal))
        except ValueError:
            # The clock went past the date between the form's check and the move.
            self.refuse(request, article, gettext("That date has passed: choose a future one."))
        return False

    def refuse(self, request, article, reason):
        messages.error(
            request,
            gettext("“%(title)s” was not moved. %(reason)s")
            % {"title": article.title, "reason": reason},
        )

    def back(self, request):
        """The calendar page the move was made from, or this month's."""
        calendar_url = reverse("admin:calendar", current_app=self.site.name)
        asked = request.POST.get("next", "")
        if asked.startswith(calendar_url) and url_has_allowed_host_and_scheme(
            asked, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return asked
        return calendar_url
