from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html, format_html_join

register = template.Library()

# What the CSS gives each shape, for the browser to pick a width before layout.
SIZES = {
    # The article column: 42rem, or the phone's width less the page's padding.
    "column": "(min-width: 44rem) 42rem, calc(100vw - 2rem)",
    # Cards: one column on phones, two from 40rem, three from 64rem in a 72rem page.
    "card": "(min-width: 72rem) 22rem, (min-width: 64rem) 31vw, (min-width: 40rem) 48vw, "
    "calc(100vw - 2rem)",
    # A compact card (related articles): a thumbnail beside its title on phones.
    "card-thumbnail": "(min-width: 72rem) 22rem, (min-width: 64rem) 31vw, (min-width: 40rem) 48vw, "
    "8rem",
    # The headline card: full width, then three fifths of the page.
    "headline": "(min-width: 72rem) 42rem, (min-width: 40rem) 58vw, calc(100vw - 2rem)",
    # A work's poster beside its details, and its thumbnail in the release week.
    "poster": "(min-width: 40rem) 16rem, 12rem",
    "poster-thumbnail": "(min-width: 40rem) 7rem, 5rem",
    "avatar": "96px",
    "avatar-large": "160px",
}


@register.simple_tag
def picture(image, shape="full", sizes="column", alt=None, priority=False, css_class=""):
    """
    A responsive ``<picture>`` of ``image``: AVIF and WebP sources, a JPEG fallback,
    width and height for the layout, lazy unless ``priority`` (the one image above the
    fold, fetched first). ``alt`` overrides the image's own (``""`` for a link's image
    that repeats the link's text).
    """
    # Built here rather than in a template: a list page prints a dozen of them, and an
    # inclusion template added 40 % to each one.
    drawn = image.picture(shape)
    sizes = SIZES.get(sizes, sizes)
    alt = image.alt if alt is None else alt
    sources = format_html_join(
        "",
        '<source type="{}" srcset="{}" sizes="{}">',
        ((source["type"], source["srcset"], sizes) for source in drawn.sources),
    )
    srcset = format_html(' srcset="{}" sizes="{}"', drawn.srcset, sizes) if drawn.srcset else ""
    lang = ""
    if alt and translation.get_language() != settings.CONTENT_LANGUAGE:
        lang = format_html(' lang="{}"', settings.CONTENT_LANGUAGE)
    css = format_html(' class="{}"', css_class) if css_class else ""
    loading = ("fetchpriority", "high") if priority else ("loading", "lazy")
    return format_html(
        '<picture>{}<img src="{}"{} width="{}" height="{}" alt="{}"{}{} {}="{}" decoding="async">'
        "</picture>\n",
        sources,
        drawn.src,
        srcset,
        drawn.width,
        drawn.height,
        alt,
        lang,
        css,
        *loading,
    )
