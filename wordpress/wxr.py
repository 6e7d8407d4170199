"""
A WordPress export (WXR, « WordPress eXtended RSS ») read into plain values.

What Outils → Exporter writes: an RSS 2.0 channel holding the site, its authors and terms,
then one ``<item>`` per post, page, attachment or other post type, with WordPress's own
fields in the ``wp:`` namespace. No database here: the importer (wordpress/importer.py)
decides what each value becomes.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field


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

    ``site_timezone`` is the WordPress site's time zone, for dates WordPress wrote only
    in local time; the project's own (TIME_ZONE) by default. Raises ``WXRError``.
    """
    raise NotImplementedError
