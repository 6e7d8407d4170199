"""
Library images in an article's body.

Editors write ``![Texte alternatif](image:42 "Légende")``, plain Markdown image syntax with
the library's number as its address (the toolbar's Image button writes it for them). An
image alone in its paragraph becomes a ``figure`` with the library's caption and credit;
one inside a sentence, a bare picture. Brackets and title, when given, override the
library's alt text and caption for this use only.

The text pipeline (markup/) knows nothing of the library: it parses the body once and asks
``MediaLibrary`` for the images it names, then to draw them on the sanitised HTML, so the
markup added is ours, built by a template from the library's fields, and nothing an editor
types can produce it. ``render()`` is that pipeline with the library: what articles and
bios store.
"""

import re

from django.template.loader import render_to_string

from markup import rendering
from markup.references import IMG, IMG_RE, attributes, is_library_address, reference

from .models import Image

_ALONE_RE = re.compile(rf"<p>\s*(?P<img>{IMG})\s*</p>")


class MediaLibrary:
    """The media library as markup.render() asks for it: images found by number, and drawn."""

    def find(self, numbers):
        """The images the library holds among ``numbers``, by number, in one query."""
        return Image.objects.in_bulk(numbers) if numbers else {}

    def draw(self, sanitised_html, images):
        """``sanitised_html`` with every ``image:N`` reference drawn as a responsive picture."""

        # _draw() answers "" for a reference to draw as nothing, None for any other image.
        def figure(match):
            drawn = _draw(match.group("img"), images, block=True)
            return match.group() if drawn is None else drawn

        def inline(match):
            drawn = _draw(match.group(), images, block=False)
            return match.group() if drawn is None else drawn

        return IMG_RE.sub(inline, _ALONE_RE.sub(figure, sanitised_html))


LIBRARY = MediaLibrary()


def render(source, *, for_editor=False):
    """Everything derived from an editor's Markdown, with the library's images and posters."""
    return rendering.render(source, library=LIBRARY, for_editor=for_editor)


def _draw(tag, images, block):
    number = reference(tag)
    if number is None:
        # A mistyped address (image:12#, image:12a) would show as a broken image.
        return "" if is_library_address(tag) else None
    image = images.get(number)
    if image is None:
        # The form refuses unknown numbers; this covers a body saved some other way.
        return ""
    given = attributes(tag)
    alt = given.get("alt") or image.alt
    if not block:
        return render_to_string("includes/inline_image.html", {"image": image, "alt": alt})
    caption = given.get("title") or image.caption
    context = {"image": image, "alt": alt, "caption": caption}
    return render_to_string("includes/body_image.html", context)
