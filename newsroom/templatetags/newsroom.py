import re

from django import template
from django.conf import settings
from django.db import models
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from images.models import Image
from images.validators import UNREADABLE_MESSAGE, over_the_limit_message
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


# The title Django's stacked inline gives each row: « <b>Bloc:</b> Critiques ».
INLINE_ROW_TITLE_RE = re.compile(r"<b>([^<>:]+):</b>")


@register.filter(is_safe=True)
def punctuated_row_titles(html):
    """
    Django's stacked inline glues its colon to each row's title (« Bloc: Critiques »)
    in every language, in a template with no block to override: the colon is set
    with the active language's punctuation instead (« Bloc : Critiques »).
    """

    def punctuate(title):
        line = pgettext("a label and what it names", "%(label)s: %(value)s") % {
            "label": title[1],
            "value": "",
        }
        return f"<b>{line.rstrip()}</b>"

    # The title is the template's escaped output, put back as it was.
    return mark_safe(INLINE_ROW_TITLE_RE.sub(punctuate, html))  # noqa: S308


# What the upload dialog asks, in this order: the alt text first, the rights next.
UPLOAD_DIALOG_FIELDS = [
    "alt_text",
    "is_decorative",
    "licence",
    "credit",
    "caption",
    "is_ai_generated",
]


@register.inclusion_tag("admin/images/image/includes/upload_dialog.html")
def image_upload_dialog():
    """
    The dialog of image-upload.js, its fields labelled and explained as the library's
    form labels them, with the weight limit it checks before sending a byte.
    """
    fields = []
    for name in UPLOAD_DIALOG_FIELDS:
        field = Image._meta.get_field(name)
        fields.append(
            {
                "name": name,
                "label": capfirst(field.verbose_name),
                "help_text": field.help_text,
                "max_length": field.max_length,
                "is_checkbox": isinstance(field, models.BooleanField),
                # The alt text too, unless the image is decorative: image-upload.js says so.
                "required": not field.blank or name == "alt_text",
            }
        )
    return {
        "fields": fields,
        "max_bytes": settings.IMAGE_MAX_UPLOAD_BYTES,
        "too_large": over_the_limit_message(),
        "unreadable": UNREADABLE_MESSAGE,
    }
