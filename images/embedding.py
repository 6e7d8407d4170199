"""
Library images in an article's body.

Editors write ``![Texte alternatif](image:42 "Légende")``, plain Markdown image syntax with
the library's number as its address (the toolbar's Image button writes it for them). An
image alone in its paragraph becomes a ``figure`` with the library's caption and credit;
one inside a sentence, a bare picture. Brackets and title, when given, override the
library's alt text and caption for this use only.

The expansion runs on the sanitised HTML, so the markup it adds is ours, built by a
template from the library's fields, and nothing an editor types can produce it.
"""

import html
import re

from django.template.loader import render_to_string

SCHEME = "image"

# nh3 serialises every attribute with double quotes and escapes quotes inside them,
# which makes its output regular enough for these patterns.
_ATTRIBUTE = r'\s+[a-z-]+="[^"]*"'
_IMG = rf"<img(?:{_ATTRIBUTE})*\s*/?>"
_ALONE_RE = re.compile(rf"<p>\s*(?P<img>{_IMG})\s*</p>")
_IMG_RE = re.compile(_IMG)
_ATTRIBUTES_RE = re.compile(r'\s+([a-z-]+)="([^"]*)"')
# Schemes are case-insensitive: IMAGE:42 is image:42, as the sanitiser reads it.
_REFERENCE_RE = re.compile(rf"^{SCHEME}:(\d+)$", re.IGNORECASE)
# The largest key a BigAutoField holds: a longer number, typed by mistake, must not reach a
# query, where SQLite raises OverflowError and PostgreSQL an out-of-range error.
_LARGEST_ID = 2**63 - 1


def referenced_ids(sanitised_html):
    """The library numbers an article's body refers to, in order of appearance."""
    ids = []
    for tag in _IMG_RE.finditer(sanitised_html):
        number = _reference(tag.group())
        if number is not None and number not in ids:
            ids.append(number)
    return ids


def embed_images(sanitised_html):
    """``sanitised_html`` with every ``image:N`` reference drawn as a responsive picture."""
    if f"{SCHEME}:" not in sanitised_html.lower():
        return sanitised_html
    from .models import Image

    images = Image.objects.in_bulk(referenced_ids(sanitised_html))

    # _render() answers "" for a reference to draw as nothing, None for any other image.
    def figure(match):
        drawn = _render(match.group("img"), images, block=True)
        return match.group() if drawn is None else drawn

    def inline(match):
        drawn = _render(match.group(), images, block=False)
        return match.group() if drawn is None else drawn

    return _IMG_RE.sub(inline, _ALONE_RE.sub(figure, sanitised_html))


def _render(tag, images, block):
    number = _reference(tag)
    if number is None:
        # A mistyped address (image:12#, image:12a) would show as a broken image.
        return "" if _is_library_address(tag) else None
    image = images.get(number)
    if image is None:
        # The form refuses unknown numbers; this covers a body saved some other way.
        return ""
    attributes = _attributes(tag)
    alt = attributes.get("alt") or image.alt
    if not block:
        return render_to_string("includes/inline_image.html", {"image": image, "alt": alt})
    caption = attributes.get("title") or image.caption
    context = {"image": image, "alt": alt, "caption": caption}
    return render_to_string("includes/body_image.html", context)


def _reference(tag):
    match = _REFERENCE_RE.match(_attributes(tag).get("src", ""))
    if match is None or int(match.group(1)) > _LARGEST_ID:
        return None
    return int(match.group(1))


def _is_library_address(tag):
    return _attributes(tag).get("src", "").lower().startswith(f"{SCHEME}:")


def _attributes(tag):
    return {name: html.unescape(value) for name, value in _ATTRIBUTES_RE.findall(tag)}
