from django import template
from django.utils.translation import gettext as _

from newsroom import workflow

register = template.Library()


@register.filter
def paris_time(moment):
    """« 12 décembre 2026 à 6 h 00 »: a moment as the newsroom reads it, in Paris time."""
    if moment is None:
        return ""
    # To the minute: the seconds of a save are noise on the desk.
    return workflow.paris_day_and_time(moment.replace(second=0, microsecond=0))


@register.filter
def member_name(user):
    """The name a colleague is known by: their byline's, else their account's."""
    if user is None:
        return _("a former member")
    profile = workflow.author_profile(user)
    if profile is not None:
        return profile.name
    return user.get_full_name() or user.get_username()
