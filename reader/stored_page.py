"""
The article page's own part, stored with the article (``Article.stored_page``): the head's
title, description and social tags, and the ``<article>`` element (header, meta line,
text, corrections, tags, author boxes, share links), rendered in each interface
language, so that a page built from nothing reads one small row and prints them; and
the article's compact card, which « À lire aussi » prints on other articles' pages.

What else it depends on is the release: the templates, the code, the translations, the
static files' manifest and a few settings, summed up by ``release()``. A part stored
under another release is rendered again on the first view and stored back, as is one
missing: any change to what the page shows writes a new token in its place (the
article's save, and articles/signals.py for its section, corrections, images, reviewed
work, byline and tags), and a part is stored only over the value it was rendered after.
Previews render it each time and never store it.
"""

import functools
import hashlib
import json
import os
from pathlib import Path

import django
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.signals import setting_changed
from django.db.models import Q, prefetch_related_objects
from django.db.models.fields.json import KT
from django.dispatch import receiver
from django.template.defaultfilters import truncatechars
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles import stored_relations
from articles.models import COMPACT_CARD_FIELDS, Article, Section, bylines, page_out_of_date
from pagecache import keys_for

# The pieces of the page, and the templates of those not short enough to write here.
TEMPLATES = {
    "social_image": "articles/page/social_image.html",
    "social": "articles/page/social.html",
    "article": "articles/page/article.html",
}
COMPACT_CARD = ("includes/article_card.html", {"heading_level": 3, "compact": True})
# What release() sums up: the code, templates and translations of the project.
RELEASE_SUFFIXES = (".py", ".html", ".txt", ".mo")
RELEASE_SETTINGS = (
    "SITE_NAME",
    "SITE_URL",
    "STATIC_URL",
    "MEDIA_URL",
    # A media store's options can change its files' URLs (an S3 custom domain).
    "STORAGES",
    "CONTENT_LANGUAGE",
    "TIME_ZONE",
    "DEBUG",
)


@functools.cache
def release():
    """
    A digest of what a stored part depends on besides the article: the same on every
    server of a release, whatever its start, and another after any deploy that changes
    the code, a template, a translation, a static file or one of RELEASE_SETTINGS.
    """
    digest = hashlib.sha256(django.get_version().encode())
    for name in RELEASE_SETTINGS:
        digest.update(repr((name, getattr(settings, name, None))).encode())
    # The codes alone: the names are translated, in whichever language is active.
    digest.update(repr([code for code, _name in settings.LANGUAGES]).encode())
    # Hashed names of the static files (JSON-LD's logo, the default social card).
    digest.update(getattr(staticfiles_storage, "manifest_hash", "").encode())
    base = Path(settings.BASE_DIR)
    for path in sorted(_release_files(base)):
        digest.update(path.relative_to(base).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@receiver(setting_changed)
def _release_follows_settings(*, setting, **kwargs):
    # Tests change settings (a live server's SITE_URL): a part stored under the old value
    # must not be printed under the new one, as a deploy changing it would not.
    if setting in (*RELEASE_SETTINGS, "LANGUAGES", "BASE_DIR", "MEDIA_ROOT", "STATIC_ROOT"):
        release.cache_clear()


def _release_files(base):
    # Not the data beside the code (media, collected static files) nor the tests.
    left_out = {Path(settings.MEDIA_ROOT), Path(settings.STATIC_ROOT), base / "tests"}
    for folder, subfolders, names in os.walk(base):
        subfolders[:] = [
            name
            for name in subfolders
            if not name.startswith((".", "__"))
            and name != "node_modules"
            and Path(folder, name) not in left_out
        ]
        yield from (Path(folder, name) for name in names if name.endswith(RELEASE_SUFFIXES))


def stored(article):
    """The part ``article`` (read by ``for_stored_page()``) holds for this language, if current."""
    page = article.stored_page
    part = page.get(get_language(), {})
    # A part may hold the card alone, stored by a page showing it (related_cards()).
    if "article" not in part or page.get("release") != release():
        return None
    # Rendered by render() with every value escaped.
    return {name: mark_safe(html) for name, html in part.items()}  # noqa: S308


def render(article):
    """
    The part of ``article`` for this language, with its related rows read (section,
    featured image, authors with portraits, tags, corrections, reviewed work).
    """
    part = {
        "title": format_html("{} · {}", article.page_title, settings.SITE_NAME),
        "description": conditional_escape(truncatechars(article.meta_description, 160)),
        "canonical": conditional_escape(article.absolute_url),
        "social_title": conditional_escape(article.title),
    }
    for name, template in TEMPLATES.items():
        part[name] = render_to_string(template, {"article": article})
    part["card"] = compact_card(article)
    return part


def compact_card(article):
    template, options = COMPACT_CARD
    return render_to_string(template, {"article": article, **options})


def related_cards(related):
    """
    The compact cards of the articles of ``related`` (a queryset), in its order, and the
    page cache's keys of what they show: as stored with each article, else rendered.
    """
    language = get_language()
    rows = list(
        related.values_list(
            "pk",
            KT("stored_page__release"),
            KT(f"stored_page__{language}__card"),
            KT("stored_page__card_keys"),
        )
    )
    cards, keys, missing = {}, set(), []
    for pk, stored_release, card, card_keys in rows:
        if card is None or stored_release != release():
            missing.append(pk)
            continue
        # Rendered by render() with every value escaped.
        cards[pk] = mark_safe(card)  # noqa: S308
        keys.update(json.loads(card_keys))
    if missing:
        rendered = Article.objects.select_related("section", "featured_image")
        fields = (*COMPACT_CARD_FIELDS, "stored_page")
        rendered = list(rendered.only(*fields).filter(pk__in=missing))
        # Their bylines, which the page cache's keys name.
        prefetch_related_objects(stored_relations.restore(rendered, tags=False), bylines())
        for article in rendered:
            cards[article.pk] = compact_card(article)
            card_keys = keys_for(article)
            keys |= card_keys
            # Stored for the next page showing it, until its own page is.
            store(article, {"card": cards[article.pk]}, {"card_keys": sorted(card_keys)})
    return [cards[pk] for pk, *_ in rows if pk in cards], keys


def shown_by(article):
    """
    What the part shows, for the page cache, and the tags « À lire aussi » looks for:
    stored with the part, so that a stored page reads neither.
    """
    tags = list(article.tags.all())
    # Without tags, the latest articles are its related ones: any publication changes them.
    keys = keys_for(Section, article, tags or Article, article.reviewed_work)
    return {
        "keys": sorted(keys),
        "tag_ids": [tag.pk for tag in tags],
        # What its card shows, on the pages whose « À lire aussi » print it.
        "card_keys": sorted(keys_for(article)),
    }


def store(read, part, shown):
    """
    Stores ``part`` for this language (the page's pieces, or its card alone) with the
    article ``read`` with its ``stored_page``, and what they show, unless anything they
    show changed since it was read.
    """
    page = read.stored_page
    kept = page if page.get("release") == release() else {}
    language = get_language()
    new = {
        **kept,
        **shown,
        **page_out_of_date(),
        "release": release(),
        language: {**kept.get(language, {}), **part},
    }
    # Over the value read, token and all: another token means a change since, which a
    # part rendered before it would hide until the next one.
    unchanged = Q(stored_page__token=page["token"]) if "token" in page else Q(stored_page={})
    Article.objects.filter(unchanged, pk=read.pk).update(stored_page=new)
