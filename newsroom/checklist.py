"""
What an article lacks, or has weak, before it goes to readers: the list shown on its
edit page beside the publishing buttons.

Advice, never a refusal: the editor may publish anyway. What the site forbids (an
embargo, a rating without a review…) the form refuses, in its own words. The body's
part is read from its outline (markup.rendering.Outline), worked out by the render a
save makes anyway, or read from the stored HTML: never a second render.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext, ngettext

# Google Discover shows a large card only for an image at least this wide.
DISCOVER_MIN_WIDTH = 1200
# Where search engines cut a title in their results.
TITLE_MAX_CHARS = 70
# Link texts that say nothing of where the link leads, compared in lower case.
VAGUE_LINK_TEXTS = {"ici", "cliquez ici", "lien", "here", "click here", "link"}
_ADDRESS_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


@dataclass(frozen=True)
class Check:
    # What it is about, in a word, for the page's styles and the tests.
    rule: str
    message: str


def checklist(article, outline, tags):
    """The checks ``article`` fails, in the order of the page: ``tags`` are its tag names."""
    checks = []
    if len(article.title) > TITLE_MAX_CHARS:
        checks.append(Check("title", title_too_long(len(article.title))))
    if not article.standfirst.strip():
        checks.append(
            Check(
                "standfirst",
                gettext("No standfirst: sum the story up in one paragraph for cards and feeds."),
            )
        )
    if article.section_id is None:
        checks.append(
            Check("section", gettext("No section: readers would not find it in the menu."))
        )
    if not tags:
        checks.append(
            Check("tags", gettext("No tags: tag pages and related articles will not show it."))
        )
    checks += featured_image_checks(article.featured_image)
    checks += image_checks(outline)
    checks += heading_checks(outline)
    checks += link_checks(outline)
    return checks


def title_too_long(length):
    return gettext(
        "The title is %(length)s characters long: search engines cut it after about "
        "%(limit)s. Shorten it, or give a shorter title for search engines."
    ) % {"length": length, "limit": TITLE_MAX_CHARS}


def featured_image_checks(image):
    if image is None:
        message = gettext(
            "No featured image: Google Discover and social networks will show the article "
            "without a picture."
        )
        return [Check("featured_image", message)]
    if (image.width or 0) < DISCOVER_MIN_WIDTH:
        message = gettext(
            "The featured image is %(width)s px wide: Google Discover shows a large card "
            "only for an image at least %(minimum)s px wide."
        ) % {"width": image.width or 0, "minimum": DISCOVER_MIN_WIDTH}
        return [Check("featured_image", message)]
    return []


def image_checks(outline):
    count = len(outline.images_without_alt)
    if not count:
        return []
    message = ngettext(
        "%(count)s image in the text has no alternative text: describe what it shows "
        "between the brackets, ![like this](…), for readers who cannot see it.",
        "%(count)s images in the text have no alternative text: describe what each shows "
        "between the brackets, ![like this](…), for readers who cannot see them.",
        count,
    ) % {"count": count}
    return [Check("alt_text", message)]


def heading_checks(outline):
    """Headings out of order: a subheading before any section heading, a level skipped."""
    checks, previous = [], None
    for level, text in outline.headings:
        if previous is None and level > 2:
            message = gettext(
                "The heading “%(heading)s” is a level %(level)s heading before any level 2 "
                "heading (##): start the sections with ##."
            ) % {"heading": text, "level": level}
            checks.append(Check("headings", message))
        elif previous is not None and level > previous + 1:
            message = gettext(
                "The heading “%(heading)s” is level %(level)s right after a level "
                "%(previous)s heading: a level is skipped, which screen readers announce."
            ) % {"heading": text, "level": level, "previous": previous}
            checks.append(Check("headings", message))
        previous = level
    return checks


def is_vague_link_text(text):
    words = " ".join(text.lower().strip(" .,;:!?…»«").split())
    return words in VAGUE_LINK_TEXTS or _ADDRESS_RE.fullmatch(words) is not None


def link_checks(outline):
    checks = []
    for text, _address in outline.links:
        if is_vague_link_text(text):
            message = gettext(
                "The link “%(text)s” does not say where it leads: put it on the words "
                "that name its destination (a film, an interview, a site)."
            ) % {"text": text}
            checks.append(Check("links", message))
    return checks
