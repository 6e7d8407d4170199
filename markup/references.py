"""
Library images as the text names them: ``![Texte alternatif](image:42 "Légende")``, plain
Markdown image syntax with the library's number as its address.

The sanitiser lets ``image:`` through as an image's address only; what the number shows is
the media library's to say (images/embedding.py draws it), so this module only reads the
references out of the sanitised HTML.
"""

import html
import re

SCHEME = "image"

# nh3 serialises every attribute with double quotes and escapes quotes inside them,
# which makes its output regular enough for these patterns.
_ATTRIBUTE = r'\s+[a-z-]+="[^"]*"'
IMG = rf"<img(?:{_ATTRIBUTE})*\s*/?>"
IMG_RE = re.compile(IMG)
_ATTRIBUTES_RE = re.compile(r'\s+([a-z-]+)="([^"]*)"')
# Schemes are case-insensitive: IMAGE:42 is image:42, as the sanitiser reads it.
_REFERENCE_RE = re.compile(rf"^{SCHEME}:(\d+)$", re.IGNORECASE)
# The largest key a BigAutoField holds: a longer number, typed by mistake, must not reach a
# query, where SQLite raises OverflowError and PostgreSQL an out-of-range error.
LARGEST_ID = 2**63 - 1


def referenced_ids(sanitised_html):
    """The library numbers an article's body refers to, in order of appearance."""
    if f"{SCHEME}:" not in sanitised_html.lower():
        return []
    ids = []
    for tag in IMG_RE.finditer(sanitised_html):
        number = reference(tag.group())
        if number is not None and number not in ids:
            ids.append(number)
    return ids


def reference(tag):
    """The library number an ``<img>`` tag refers to, or None."""
    match = _REFERENCE_RE.match(attributes(tag).get("src", ""))
    if match is None or int(match.group(1)) > LARGEST_ID:
        return None
    return int(match.group(1))


def is_library_address(tag):
    return attributes(tag).get("src", "").lower().startswith(f"{SCHEME}:")


def attributes(tag):
    return {name: html.unescape(value) for name, value in _ATTRIBUTES_RE.findall(tag)}
