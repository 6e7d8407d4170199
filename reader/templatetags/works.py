from django import template
from django.utils import formats, translation
from django.utils.text import get_text_list
from django.utils.translation import gettext, npgettext, pgettext

from reader import structured_data
from reader.structured_data import collection_page
from reader.templatetags.screenmania import json_ld

register = template.Library()


@register.filter
def runtime(minutes):
    """A film's length as French magazines print it: « 1 h 52 », « 2 h », « 52 min »."""
    if not minutes:
        return ""
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return pgettext("runtime", "%(minutes)d min") % {"minutes": minutes}
    if not minutes:
        return pgettext("runtime", "%(hours)d h") % {"hours": hours}
    return pgettext("runtime", "%(hours)d h %(minutes)02d") % {"hours": hours, "minutes": minutes}


@register.filter
def seasons(count):
    if not count:
        return ""
    return npgettext("work", "%(count)d season", "%(count)d seasons", count) % {"count": count}


def _day_number(day):
    # French writes the first of the month « 1er ».
    return "1er" if day.day == 1 and translation.get_language() == "fr" else str(day.day)


def _day_month(day, with_year=True):
    parts = [_day_number(day), formats.date_format(day, "F")]
    return " ".join([*parts, str(day.year)] if with_year else parts)


@register.filter
def weekday_date(day):
    """« vendredi 4 décembre », « mardi 1er décembre »: a day within the week shown."""
    if not day:
        return ""
    return f"{formats.date_format(day, 'l')} {_day_month(day, with_year=False)}"


@register.simple_tag
def release_week_title(week):
    """« Sorties de la semaine du 2 au 8 décembre 2026 », naming a month or year once."""
    start, end = week.start, week.end
    if start.year != end.year:
        first = _day_month(start)
    elif start.month != end.month:
        first = _day_month(start, with_year=False)
    else:
        first = _day_number(start)
    return gettext("Releases of the week from %(start)s to %(end)s") % {
        "start": first,
        "end": _day_month(end),
    }


@register.simple_tag
def work_structured_data(work):
    return json_ld(structured_data.work_page(work))


@register.simple_tag
def release_week_structured_data(week, path):
    return json_ld(collection_page(release_week_title(week), path))


@register.filter
def names(values):
    """« Anne, Paul et Léa »: people named in a sentence."""
    return get_text_list([str(value) for value in values], gettext("and"))


@register.filter
def country_names(countries):
    """« France, Belgique et Canada », in the interface's language."""
    return names(country.name for country in countries)


@register.filter
def full_date(day):
    """« 2 décembre 2026 », « 1er décembre 2026 »: a date without a time."""
    return _day_month(day) if day else ""
