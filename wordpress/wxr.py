"""
A WordPress export (WXR, « WordPress eXtended RSS ») read into plain values.

What Outils → Exporter writes: an RSS 2.0 channel holding the site, its authors and terms,
then one ``<item>`` per post, page, attachment or other post type, with WordPress's own
fields in the ``wp:`` namespace. No database here: the importer (wordpress/importer.py)
decides what each value becomes.
"""

import codecs
import datetime
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext
from lxml import etree


@dataclass
class Site:
    title: str = ""
    link: str = ""
    description: str = ""
    language: str = ""
    # The addresses WordPress was installed at and served from; uploads and permalinks
    # start with the second one.
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""


@dataclass
class Author:
    login: str
    display_name: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    wordpress_id: int | None = None


@dataclass
class Term:
    """A category, a tag or a term of another taxonomy (``post_format``, ``nav_menu``…)."""

    CATEGORY = "category"
    TAG = "post_tag"

    taxonomy: str
    slug: str
    name: str = ""
    description: str = ""
    # The parent's slug, as WordPress writes it; empty at the top.
    parent: str = ""
    # Absent from WXR 1.0.
    wordpress_id: int | None = None


@dataclass
class ItemTerm:
    """A term an item is filed under: ``<category domain="post_tag" nicename="slug">``."""

    taxonomy: str
    slug: str
    name: str = ""


@dataclass
class Item:
    """A post, a page, an attachment or any other post type."""

    POST = "post"
    PAGE = "page"
    ATTACHMENT = "attachment"

    post_id: int
    post_type: str = POST
    status: str = "publish"
    title: str = ""
    # post_name: empty for drafts WordPress never gave a slug.
    slug: str = ""
    guid: str = ""
    # The permalink the item had, as readers and search engines know it.
    link: str = ""
    # Aware, in UTC: post_date_gmt, or post_date in the site's time zone when WordPress
    # wrote no GMT date (drafts: 0000-00-00 00:00:00); None when it wrote neither.
    post_date: datetime.datetime | None = None
    post_modified: datetime.datetime | None = None
    author_login: str = ""
    excerpt: str = ""
    content: str = ""
    terms: list[ItemTerm] = field(default_factory=list)
    is_sticky: bool = False
    post_password: str = ""
    parent_id: int | None = None
    menu_order: int = 0
    attachment_url: str = ""
    # Every wp:postmeta, key → value (the last one wins when a key repeats):
    # _thumbnail_id, _wp_attachment_image_alt, _wp_attached_file…
    postmeta: dict[str, str] = field(default_factory=dict)

    @property
    def categories(self):
        return [term for term in self.terms if term.taxonomy == Term.CATEGORY]

    @property
    def tags(self):
        return [term for term in self.terms if term.taxonomy == Term.TAG]

    @property
    def thumbnail_id(self):
        """The attachment WordPress shows as the featured image, if any."""
        value = self.postmeta.get("_thumbnail_id", "").strip()
        return int(value) if value.isdigit() else None


class WXRError(ValueError):
    """The file is not a WordPress export we can read; the message, in French, says where."""


@dataclass
class Export:
    """What ``parse()`` returns: the channel's head read at once, the items one by one."""

    site: Site
    authors: list[Author]
    terms: list[Term]
    # A generator: each item is read from the file when asked for, then forgotten.
    items: Iterator[Item]


def parse(source, *, site_timezone=None):
    """Read a WXR file (a path or a binary file object) into an ``Export``.

    The site, its authors and its terms, which WordPress writes before the first item,
    are read at once; the items are read as ``items`` is iterated, so an export of any
    size takes the memory of one item. ``site_timezone`` is the WordPress site's time
    zone, for dates written only in local time (the project's TIME_ZONE by default).
    Raises ``WXRError``, from here or while iterating.
    """
    reader = _Reader(source, site_timezone or timezone.get_default_timezone())
    export = Export(
        site=reader.site, authors=reader.authors, terms=reader.terms, items=reader.items()
    )
    reader.read_head()
    return export


# Every version WordPress and WordPress.com have written (1.0, 1.1, 1.2) has the same
# fields in the namespace of its number: read by local name, whatever the number.
_WP_NAMESPACE = re.compile(r"http://wordpress\.org/export/[0-9.]+/")
_WP = re.compile(r"\{http://wordpress\.org/export/[0-9.]+/\}(.+)")
_EXCERPT = re.compile(r"\{http://wordpress\.org/export/[0-9.]+/excerpt/\}encoded")
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
_NO_DATE = "0000-00-00 00:00:00"
# Characters XML 1.0 forbids, which WordPress copies into exports from pasted text
# (a vertical tab from Word, a form feed): dropped rather than refusing the whole file.
# In UTF-8 these bytes are never part of another character.
_FORBIDDEN_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
# libxml2's codes for a document that stops in the middle: an unclosed element, an
# unfinished end tag, nothing at all.
_CUT_SHORT = {4, 73, 77}


class _Reader:
    def __init__(self, source, site_timezone):
        self.site_timezone = site_timezone
        self.site = Site()
        self.authors = []
        self.terms = []
        file = open(source, "rb") if isinstance(source, str | os.PathLike) else source  # noqa: SIM115
        self._close = file.close if file is not source else lambda: None
        self._events = etree.iterparse(
            _Cleaned(file),
            events=("start", "end"),
            # Hostile files: no entity is ever expanded, nothing is fetched, no DTD read.
            # A DOCTYPE is refused outright below; WordPress never writes one. huge_tree
            # stays off: libxml2's limit of 10 MB for one text is above any post.
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        self._depth = 0
        self._in_item = False

    def read_head(self):
        """Read up to the first item (or the end), filling in site, authors and terms."""
        for _ in self._read(stop_at_first_item=True):
            pass

    def items(self):
        try:
            yield from self._read(stop_at_first_item=False)
        finally:
            self._close()

    def _read(self, *, stop_at_first_item):
        try:
            for event, element in self._events:
                if event == "start":
                    self._depth += 1
                    if self._depth == 1:
                        self._check_root(element)
                    elif self._depth == 2 and element.tag != "channel":
                        raise WXRError(_not_wxr(element.sourceline))
                    elif self._depth == 3 and element.tag == "item":
                        self._in_item = True
                        if stop_at_first_item:
                            return
                    continue
                self._depth -= 1
                if self._depth != 2:
                    continue
                # A child of the channel, read whole: keep what it says, then drop it
                # and everything before it so that memory does not grow with the file.
                if element.tag == "item":
                    self._in_item = False
                    yield self._item(element)
                else:
                    self._channel_child(element)
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
        except etree.XMLSyntaxError as error:
            self._close()
            raise WXRError(_syntax_error(error)) from None
        except WXRError:
            self._close()
            raise
        if stop_at_first_item:
            return
        if self._depth == 0 and not self._seen_root():
            raise WXRError(_not_wxr(1))

    def _seen_root(self):
        return self._events.root is not None

    def _check_root(self, element):
        docinfo = element.getroottree().docinfo
        if docinfo.internalDTD is not None or docinfo.system_url or docinfo.public_id:
            raise WXRError(
                gettext(
                    "This file declares a DOCTYPE: a WordPress export never has one, and it "
                    "could make reading the file blow up or read other files. The file was "
                    "not read."
                )
            )
        namespaces = element.nsmap.values()
        if element.tag != "rss" or not any(map(_WP_NAMESPACE.fullmatch, namespaces)):
            raise WXRError(_not_wxr(element.sourceline))

    def _channel_child(self, element):
        tag = element.tag
        if tag in {"title", "link", "description", "language"}:
            setattr(self.site, tag, _text(element).strip())
            return
        match = _WP.fullmatch(tag) if isinstance(tag, str) else None
        if not match:
            return
        name = match[1]
        if name in {"wxr_version", "base_site_url", "base_blog_url"}:
            setattr(self.site, name, _text(element).strip())
        elif name == "author":
            fields = _wp_fields(element)
            self.authors.append(
                Author(
                    login=fields.get("author_login", "").strip(),
                    display_name=fields.get("author_display_name", "").strip(),
                    email=fields.get("author_email", "").strip(),
                    first_name=fields.get("author_first_name", "").strip(),
                    last_name=fields.get("author_last_name", "").strip(),
                    wordpress_id=_int(fields.get("author_id")),
                )
            )
        elif name == "category":
            fields = _wp_fields(element)
            self.terms.append(
                Term(
                    taxonomy=Term.CATEGORY,
                    slug=fields.get("category_nicename", "").strip(),
                    name=fields.get("cat_name", "").strip(),
                    description=fields.get("category_description", ""),
                    parent=fields.get("category_parent", "").strip(),
                    wordpress_id=_int(fields.get("term_id")),
                )
            )
        elif name == "tag":
            fields = _wp_fields(element)
            self.terms.append(
                Term(
                    taxonomy=Term.TAG,
                    slug=fields.get("tag_slug", "").strip(),
                    name=fields.get("tag_name", "").strip(),
                    description=fields.get("tag_description", ""),
                    wordpress_id=_int(fields.get("term_id")),
                )
            )
        elif name == "term":
            fields = _wp_fields(element)
            self.terms.append(
                Term(
                    taxonomy=fields.get("term_taxonomy", "").strip(),
                    slug=fields.get("term_slug", "").strip(),
                    name=fields.get("term_name", "").strip(),
                    description=fields.get("term_description", ""),
                    parent=fields.get("term_parent", "").strip(),
                    wordpress_id=_int(fields.get("term_id")),
                )
            )

    def _item(self, element):
        fields = {}
        terms = []
        postmeta = {}
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == "category":
                # Only the form with a nicename: WXR 1.0 also writes each category bare,
                # by name alone, beside it (WordPress's importer skips those too).
                slug = child.get("nicename")
                if slug:
                    taxonomy = child.get("domain") or Term.CATEGORY
                    terms.append(
                        ItemTerm(
                            # WXR 1.0 names the tags' taxonomy « tag ».
                            taxonomy=Term.TAG if taxonomy == "tag" else taxonomy,
                            slug=slug.strip(),
                            name=_text(child).strip(),
                        )
                    )
            elif tag == _CONTENT:
                fields["content"] = _text(child)
            elif _EXCERPT.fullmatch(tag):
                fields["excerpt"] = _text(child)
            elif tag == _CREATOR:
                fields["creator"] = _text(child).strip()
            elif tag in {"title", "link", "guid"}:
                fields[tag] = _text(child).strip()
            elif match := _WP.fullmatch(tag):
                if match[1] == "postmeta":
                    meta = _wp_fields(child)
                    postmeta[meta.get("meta_key", "")] = meta.get("meta_value", "")
                elif match[1] != "comment":
                    fields[match[1]] = _text(child)
        post_id = _int(fields.get("post_id"))
        if post_id is None:
            raise WXRError(
                gettext("The item at line %(line)s has no WordPress id (wp:post_id).")
                % {"line": element.sourceline}
            )
        return Item(
            post_id=post_id,
            post_type=fields.get("post_type", "").strip() or Item.POST,
            status=fields.get("status", "").strip() or "publish",
            title=fields.get("title", ""),
            slug=fields.get("post_name", "").strip(),
            guid=fields.get("guid", ""),
            link=fields.get("link", ""),
            post_date=self._date(fields.get("post_date_gmt"), fields.get("post_date")),
            post_modified=self._date(fields.get("post_modified_gmt"), fields.get("post_modified")),
            author_login=fields.get("creator", ""),
            excerpt=fields.get("excerpt", ""),
            content=fields.get("content", ""),
            terms=terms,
            is_sticky=fields.get("is_sticky", "").strip() == "1",
            post_password=fields.get("post_password", ""),
            parent_id=_int(fields.get("post_parent")) or None,
            menu_order=_int(fields.get("menu_order")) or 0,
            attachment_url=fields.get("attachment_url", "").strip(),
            postmeta=postmeta,
        )

    def _date(self, gmt, local):
        if moment := _datetime(gmt):
            return moment.replace(tzinfo=datetime.UTC)
        if moment := _datetime(local):
            return timezone.make_aware(moment, self.site_timezone).astimezone(datetime.UTC)
        return None


class _Cleaned:
    """The file as lxml reads it, without what would make a WordPress export unreadable
    for no good reason: blank lines before the XML declaration (a theme or plugin that
    printed them while WordPress wrote the export) and characters XML forbids."""

    def __init__(self, file):
        self._file = file
        self._started = False

    def read(self, size=-1):
        chunk = self._file.read(size)
        if not self._started:
            while chunk and not chunk.removeprefix(codecs.BOM_UTF8).lstrip():
                chunk = self._file.read(size)
            chunk = chunk.removeprefix(codecs.BOM_UTF8).lstrip()
            self._started = True
        return chunk.translate(None, _FORBIDDEN_BYTES)


def _text(element):
    return element.text or ""


def _wp_fields(element):
    """The ``wp:`` children of an element, by local name (``author_login`` → text)."""
    fields = {}
    for child in element:
        if isinstance(child.tag, str) and (match := _WP.fullmatch(child.tag)):
            fields[match[1]] = _text(child)
    return fields


def _int(value):
    value = (value or "").strip()
    return int(value) if re.fullmatch(r"-?[0-9]{1,18}", value) else None


def _datetime(value):
    value = (value or "").strip()
    if not value or value == _NO_DATE:
        return None
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def _not_wxr(line):
    return gettext(
        "This file is not a WordPress export (line %(line)s): export it again from "
        "Tools → Export in WordPress."
    ) % {"line": line}


def _syntax_error(error):
    line = error.position[0] if error.position else error.lineno
    if not line:
        return gettext("The file is empty.")
    if error.code in _CUT_SHORT:
        return gettext(
            "The file stops before its end (line %(line)s): the export is incomplete, "
            "download it again."
        ) % {"line": line}
    return gettext(
        "The file is damaged at line %(line)s, column %(column)s (%(reason)s): it is not valid XML."
    ) % {"line": line, "column": error.position[1] if error.position else "?", "reason": error.msg}
