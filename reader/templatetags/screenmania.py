import json
from urllib.parse import unquote, urlsplit

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import QueryDict
from django.template.loader import render_to_string
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.encoding import escape_uri_path
from django.utils.html import format_html
from django.utils.http import escape_leading_slashes
from django.utils.safestring import mark_safe
from taggit.models import Tag

from articles.models import Section
from markup.formats import elided, grouped, long_date, rating_number
from reader import structured_data

register = template.Library()


def request_path(request, with_query=True):
    """
    The address of this request, as a link on this site. A browser reads a link starting
    with two slashes as another site's: a request for //evil.example/ (or
    /%2F%2Fevil.example/) must not get a page linking there. A backslash, which browsers
    also read as a slash, comes out quoted.
    """
    path = request.get_full_path() if with_query else escape_uri_path(request.path)
    return escape_leading_slashes(path)


def translated_url(request, url, language):
    """
    ``url`` in ``language``, as translate_url() gives it, without resolving it again when
    it is this request's own address: the page names itself in each language twice
    (alternates and language links), and each resolve walks the URLconf.
    """
    match = request.resolver_match
    parts = urlsplit(url)
    if match is None or unquote(parts.path) != request.path:
        return translate_url(url, language)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with translation.override(language):
        try:
            path = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return url
    return parts._replace(path=path).geturl()


# The site's header and footer as rendered, by what they show: any page built in this
# process reads the sections and prints them from here when they are as they were.
# Bounded, as a search's query is part of what the header shows.
_frames = {}
FRAMES_KEPT = 256
# Where the footer's language links go, which name the page itself (site_footer()).
LANGUAGE_SWITCH = "\x00language-switch\x00"


@receiver(setting_changed)
def _frames_follow_settings(**kwargs):
    # What a frame prints comes from settings too (the site's name, the URLs): tests that
    # change one must not get the frame rendered before.
    _frames.clear()


def _frame(key, render):
    frame = _frames.get(key)
    if frame is None:
        if len(_frames) >= FRAMES_KEPT:
            _frames.clear()
        frame = _frames[key] = render()
    return frame


@register.simple_tag(takes_context=True)
def site_header(context):
    """
    The site's header, rendered again only when the sections or what else it shows
    differ from a page built before in this process.
    """
    current = context.get("section")
    values = {
        "SITE_NAME": settings.SITE_NAME,
        "query": context.get("query"),
        "is_current_week": context.get("is_current_week"),
        "section": current if isinstance(current, Section) else None,
        "nav_sections": list(Section.objects.all()),
    }
    shown = [(section.pk, section.name, section.slug) for section in values["nav_sections"]]
    key = (
        "header",
        translation.get_language(),
        *shown,
        values["section"] and values["section"].pk,
        values["query"],
        values["is_current_week"],
    )
    return _frame(key, lambda: render_to_string("includes/site_header.html", values))


@register.simple_tag(takes_context=True)
def site_footer(context):
    """The site's footer, rendered once per language, with this page's language links."""
    # Rendered with a mark where the links go: everything else is the same on every page.
    before, after = _frame(
        ("footer", translation.get_language()),
        lambda: render_to_string(
            "includes/site_footer.html",
            {"SITE_NAME": settings.SITE_NAME, "language_switch": LANGUAGE_SWITCH},
        ).split(LANGUAGE_SWITCH),
    )
    links = render_to_string("includes/language_switch.html", {"request": context["request"]})
    return mark_safe(before + links + after)  # noqa: S308 (rendered with escaping)


@register.simple_tag(takes_context=True)
def language_links(context):
    """The same page in each interface language: plain links, no form, no cookie."""
    request = context["request"]
    current = translation.get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        links.append(
            {
                "code": code,
                # Each language in its own words: a reader lost in the other
                # language still recognises theirs.
                "name": translation.get_language_info(code)["name_local"],
                "url": translated_url(request, request_path(request), code),
                "is_current": code == current,
            }
        )
    return links


@register.simple_tag
def noindex_other_interfaces():
    """
    Pages in another interface language wrap the same French articles: no article has
    an English version, so an English page claims none (no hreflang) and asks search
    engines to index the French page alone.
    """
    if translation.get_language() == settings.CONTENT_LANGUAGE:
        return ""
    return mark_safe('<meta name="robots" content="noindex">')


# Where repeat_block() keeps what each block printed, for the rest of the page's render.
REPEATED_BLOCKS_KEY = "repeated_blocks"


@register.simple_tag(takes_context=True)
def repeat_block(context, name):
    """
    What the page's block ``name`` printed, printed again: the description and the
    canonical URL each come from one block, which the social tags repeat, so that a page
    overriding ``description`` changes its card too. Works in base.html, not in includes
    (they render apart from the blocks).
    """
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block(name) if block_context else None
    if block is None:
        return ""
    # The canonical URL and the description are repeated twice or more: built once.
    repeated = context.render_context.setdefault(REPEATED_BLOCKS_KEY, {})
    if name not in repeated:
        repeated[name] = block.render(context)
    return repeated[name]


register.filter(long_date)
register.filter(elided)


@register.simple_tag(takes_context=True)
def absolute_url(context, path=None):
    """An absolute URL on the public origin (SITE_URL), never on the request's Host header."""
    if path is None:
        path = request_path(context["request"])
    return settings.SITE_URL + path


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """
    This page's path with ``page`` set and the other parameters its view reads kept (a
    search's query, an index's filters); page 1 has no number.
    """
    request = context["request"]
    query = QueryDict(mutable=True)
    kept = getattr(context.get("view"), "cache_parameters", {"q"}) - {"page"}
    for name in sorted(kept):
        if request.GET.get(name):
            query[name] = request.GET[name]
    if page_number != 1:
        query["page"] = page_number
    encoded = query.urlencode()
    path = request_path(request, with_query=False)
    return f"{path}?{encoded}" if encoded else path


@register.simple_tag
def content_lang():
    """A lang attribute for editorial text, needed only when the interface speaks another."""
    if translation.get_language() == settings.CONTENT_LANGUAGE:
        return ""
    return format_html(' lang="{}"', settings.CONTENT_LANGUAGE)


# What json_script escapes, for the same reason: the JSON sits inside a <script>
# element, where "</script>" or "<!--" in a title would end or corrupt it.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """``data`` as a JSON-LD block: a data block, which the CSP does not treat as script."""
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        # Safe once <, > and & are escaped: nothing left can close the element.
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308
    )


@register.simple_tag
def article_structured_data(article):
    return json_ld(structured_data.news_article(article))


@register.simple_tag
def og_locale(of_content=False):
    """The card's locale: the articles' language for an article, else the interface's."""
    language = settings.CONTENT_LANGUAGE if of_content else translation.get_language()
    return structured_data.open_graph_locale(language)


@register.simple_tag(name="social_card")
def social_card_tag(image=None):
    return structured_data.social_card(image)


@register.simple_tag
def website_structured_data():
    return json_ld(structured_data.website())


@register.simple_tag
def section_structured_data(section):
    return json_ld(structured_data.collection_page(section.name, section.get_absolute_url()))


@register.simple_tag
def tag_structured_data(tag):
    path = reverse("articles:tag", kwargs={"slug": tag.slug})
    return json_ld(structured_data.collection_page(tag.name, path))


def _index_entry(item):
    """An index's item as (name, path): taggit's tags have no get_absolute_url()."""
    if isinstance(item, Tag):
        return item.name, reverse("articles:tag", kwargs={"slug": item.slug})
    return str(item), item.get_absolute_url()


@register.simple_tag(takes_context=True)
def index_structured_data(context, name):
    """An index (authors, works, tags): a CollectionPage listing what this page of it shows."""
    page = context["page_obj"]
    items = map(_index_entry, page.object_list)
    path = page_url(context, page.number)
    return json_ld(structured_data.collection_page(name, path, items, page.start_index()))


@register.simple_tag
def author_structured_data(author):
    return json_ld(structured_data.profile_page(author))


register.filter(rating_number)
register.filter(grouped)


@register.inclusion_tag("includes/rating.html")
def rating_stars(value):
    """Five stars filled to ``value`` (half stars), with the rating in words for everyone."""
    # A class per half star rather than a width in a style attribute, which the CSP refuses.
    return {"rating": value, "halves": int(value * 2) if value is not None else None}
