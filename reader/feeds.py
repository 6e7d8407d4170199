"""
RSS 2.0 and Atom feeds of the latest articles: the whole site, and one per section, tag
and author, each with the full text, the byline and the featured image.

Every address in them is absolute on SITE_URL, as on the pages: a feed reader keeps what
it fetched, so the Host header of whoever asked first must never end up in it.
"""

import mimetypes
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, rfc3339_date
from django.utils.html import escape, format_html
from django.utils.translation import gettext
from taggit.models import Tag

from articles.models import Article, Section
from authors.models import Author
from images.models import Image
from images.renditions import SOCIAL_CARD
from markup.formats import elided, rating_number
from markup.rendering import replace_spoilers
from pagecache import keys_for, public_page, texts_key
from reader.structured_data import absolute
from works.models import Work

ITEMS = 20


def every_article_shown():
    """
    The keys of a page showing every published article with its section, bylines, tags
    and images, as feeds and sitemaps do: too many to name one by one in a header, so any
    change to any of them makes it stale.
    """
    return keys_for(Article, Section, Author, Tag, Image, Work) | {texts_key(Article)}


CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
MEDIA_NS = "http://search.yahoo.com/mrss/"

# nh3 writes every attribute with double quotes, which makes the stored body regular
# enough to be read tag by tag; in text, "<" is always escaped, so a match is a tag.
_TAG_RE = re.compile(r'<[a-zA-Z][^\s/>]*(?:\s+[^\s=/>]+(?:="[^"]*")?)*\s*/?>')
_URL_ATTRIBUTE_RE = re.compile(r'(\s)(href|src|srcset)="([^"]*)"')


def without_spoilers(html, page_url):
    """
    ``html`` with each spoiler block replaced by its label and a link to the page.

    Feed readers strip or open ``details`` as they please: a reader who never asked
    would read the ending in the list of unread items. On the page it stays closed.
    """

    def notice(summary):
        return format_html(
            '<p><strong>{}</strong> <a href="{}">{}</a></p>',
            summary,
            page_url,
            gettext("Hidden in the feed: read it on the site."),
        )

    return replace_spoilers(html, notice)


def absolute_html(html, page_url):
    """
    ``html`` with its site-relative addresses made absolute: a feed reader resolves them
    against the feed, or not at all, so images and links would break. Footnote anchors
    point into the article's page.
    """

    def absolute_url(url):
        if url.startswith("#"):
            return page_url + url
        if url.startswith("/") and not url.startswith("//"):
            return settings.SITE_URL + url
        return url

    def attribute(match):
        space, name, value = match.groups()
        if name == "srcset":
            candidates = (candidate.strip().split(" ", 1) for candidate in value.split(","))
            value = ", ".join(
                " ".join([absolute_url(url), *descriptor]) for url, *descriptor in candidates
            )
        else:
            value = absolute_url(value)
        return f'{space}{name}="{value}"'

    return _TAG_RE.sub(lambda tag: _URL_ATTRIBUTE_RE.sub(attribute, tag.group()), html)


class ArticleRssFeed(Rss201rev2Feed):
    """
    RSS 2.0 with what the format lacks: the full text (content:encoded), every author
    (dc:creator), the date of the last update (dcterms:modified) and the image's size
    (media:content).
    """

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": CONTENT_NS,
            "xmlns:dc": DC_NS,
            "xmlns:dcterms": DCTERMS_NS,
            "xmlns:media": MEDIA_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        handler.addQuickElement("dcterms:modified", rfc3339_date(item["updateddate"]))
        handler.addQuickElement("content:encoded", item["content"])
        if item["image"]:
            handler.addQuickElement("media:content", "", item["image"])


class ArticleAtomFeed(Atom1Feed):
    """Atom with the full text as HTML, every author with their page, and the image's size."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})
        for name, url in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")
        if item["image"]:
            handler.addQuickElement("media:content", "", item["image"])


class LatestArticlesFeed(Feed):
    """The latest published articles of the whole site, in RSS 2.0."""

    feed_type = ArticleRssFeed
    format_name = "RSS"
    url_name = "articles:feed"
    # The articles are written in French whatever the interface language.
    language = settings.CONTENT_LANGUAGE
    # Atom needs an author for entries that have none of their own.
    author_name = settings.SITE_NAME
    item_guid_is_permalink = False
    cache_parameters = frozenset()

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        return public_page(response, every_article_shown())

    def articles(self, obj):
        return Article.objects.all()

    def items(self, obj):
        articles = self.articles(obj).published().with_bylines().prefetch_related("tags")
        return articles.order_by("-published_at", "-id")[:ITEMS]

    def title(self, obj):
        return settings.SITE_NAME

    def link(self, obj):
        return absolute(reverse("articles:home"))

    def description(self, obj):
        return gettext(
            "Cinema and streaming news: reviews, series, festivals and the business of film, "
            "in French."
        )

    def subtitle(self, obj):
        return self.description(obj)

    def author_link(self):
        return absolute(reverse("articles:home"))

    def feed_url(self, obj):
        # Given in full, or Django would complete it with the request's Host header.
        kwargs = {"slug": obj.slug} if obj is not None else {}
        return absolute(reverse(self.url_name, kwargs=kwargs))

    def item_title(self, article):
        # Plain text in both formats: Django's default escapes it twice for RSS readers
        # that read titles as HTML, and Atom readers would then show "&amp;".
        return article.title

    def item_link(self, article):
        return article.absolute_url

    def item_description(self, article):
        # The standfirst is plain text; both formats carry the summary as HTML. Before
        # it, what a reader decides on before opening: the rating, and whether the
        # article gives the story away.
        notices = []
        if article.rating is not None:
            rating = gettext("Rating: %(rating)s out of 5") % {
                "rating": rating_number(article.rating)
            }
            notices.append(f"{text_stars(article.rating)} {rating}".lstrip())
        if article.spoilers:
            notices.append(str(article.get_spoilers_display()))
        if not notices:
            return escape(article.standfirst)
        return escape(f"{' · '.join(notices)} — {article.standfirst}")

    def item_guid(self, article):
        # Neither the slug nor the date may change it: a reader would show the article
        # again as new. The creation date makes it a valid tag URI (RFC 4151).
        host = urlsplit(settings.SITE_URL).hostname
        return f"tag:{host},{article.created_at:%Y-%m-%d}:articles/{article.pk}"

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.modified_at

    def item_categories(self, article):
        return [article.section.name, *(tag.name for tag in article.tags.all())]

    def item_enclosures(self, article):
        image = article.featured_image
        if image is None:
            return []
        card = image.social_card
        name = _social_card_name(image)
        # One stat per item on local disk, at most ITEMS of them: RSS requires the size.
        try:
            length = image.file.storage.size(name)
        except OSError:
            length = 0
        return [Enclosure(absolute(card.src), str(length), _media_type(name))]

    def item_extra_kwargs(self, article):
        image = article.featured_image
        media = None
        if image is not None:
            card = image.social_card
            media = {
                "url": absolute(card.src),
                "type": _media_type(_social_card_name(image)),
                "medium": "image",
                "width": str(card.width),
                "height": str(card.height),
            }
        return {
            "content": absolute_html(
                without_spoilers(article.body_html, article.absolute_url), article.absolute_url
            ),
            "authors": [
                (author.name, absolute(author.get_absolute_url()))
                for author in article.authors.all()
            ],
            "image": media,
        }


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = ArticleAtomFeed
    format_name = "Atom"
    url_name = "articles:atom_feed"


class SectionFeed(LatestArticlesFeed):
    url_name = "articles:section_feed"

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def articles(self, section):
        return Article.objects.filter(section=section)

    def title(self, section):
        return f"{section.name} · {settings.SITE_NAME}"

    def link(self, section):
        return absolute(section.get_absolute_url())

    def description(self, section):
        return section.description or gettext(
            "The latest articles in the %(name)s section of Screenmania."
        ) % {"name": section.name}


class SectionAtomFeed(SectionFeed):
    feed_type = ArticleAtomFeed
    format_name = "Atom"
    url_name = "articles:section_atom_feed"


class TagFeed(LatestArticlesFeed):
    url_name = "articles:tag_feed"

    def get_object(self, request, slug):
        # As for the tag's page: a tag only drafts carry (an unreleased film's name)
        # does not exist for readers.
        published = Tag.objects.filter(article__in=Article.objects.published()).distinct()
        return get_object_or_404(published, slug=slug)

    def articles(self, tag):
        return Article.objects.filter(tags=tag)

    def title(self, tag):
        title = gettext("Articles tagged “%(name)s”") % {"name": tag.name}
        return f"{title} · {settings.SITE_NAME}"

    def link(self, tag):
        return absolute(reverse("articles:tag", kwargs={"slug": tag.slug}))

    def description(self, tag):
        return gettext("The latest Screenmania articles about %(name)s.") % {"name": tag.name}


class TagAtomFeed(TagFeed):
    feed_type = ArticleAtomFeed
    format_name = "Atom"
    url_name = "articles:tag_atom_feed"


class AuthorFeed(LatestArticlesFeed):
    url_name = "authors:feed"

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def articles(self, author):
        return Article.objects.filter(authors=author)

    def title(self, author):
        return f"{author.name} · {settings.SITE_NAME}"

    def link(self, author):
        return absolute(author.get_absolute_url())

    def description(self, author):
        description = gettext("The latest articles by %(name)s in Screenmania.")
        return elided(description % {"name": author.name}, author.name)


class AuthorAtomFeed(AuthorFeed):
    feed_type = ArticleAtomFeed
    format_name = "Atom"
    url_name = "authors:atom_feed"


def text_stars(rating):
    """The rating in star characters, as feeds of film diaries write it: ★★★½."""
    # Text only: a feed reader applies no style, so the empty stars of the pages'
    # five-star bar would read as a rating of five.
    return "★" * int(rating) + ("½" if rating % 1 else "")


def _social_card_name(image):
    """The stored name of the file ``image.social_card`` points at."""
    listed = image.renditions.get("shapes", {}).get(SOCIAL_CARD, {}).get("jpeg")
    # Until its renditions are drawn, the social card is the original itself.
    return listed[-1][2] if listed else image.file.name


def _media_type(name):
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


# -- A work's feeds: the latest published articles about a film or series, as on its page.
class WorkFeed(LatestArticlesFeed):
    url_name = "works:feed"

    def get_object(self, request, slug):
        return get_object_or_404(Work, slug=slug)

    def articles(self, work):
        return work.articles_about()

    def title(self, work):
        return f"{work.title} · {settings.SITE_NAME}"

    def link(self, work):
        return absolute(work.get_absolute_url())

    def description(self, work):
        return gettext("The latest Screenmania articles about %(title)s.") % {"title": work.title}


class WorkAtomFeed(WorkFeed):
    feed_type = ArticleAtomFeed
    format_name = "Atom"
    url_name = "works:atom_feed"
