"""
Sitemaps for search engines: an index at /sitemap.xml listing one sitemap per kind of
page (articles with their images, sections, tags, authors, films and series, the indexes
of the last three, the site's own pages), each split into pages, and a Google News
sitemap of the last two days.

Only what a reader may see, at its canonical French address on SITE_URL: the English
pages under /en/ repeat the same articles, and the Host header of a request is never
trusted for an address search engines will keep.
"""

from datetime import timedelta
from functools import cached_property
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import http_date
from taggit.models import Tag

from articles.models import Article, Section, State
from authors.models import Author
from pagecache import keys_for, public_page
from reader.feeds import every_article_shown
from reader.pagination import page_number
from reader.structured_data import absolute
from sitepages.models import SitePage
from works.models import Work

# Article.modified_at, as the database computes it.
MODIFIED_AT = Coalesce("revised_at", "published_at")
NEWS_WINDOW = timedelta(hours=48)


class PublicSitemap(Sitemap):
    """URLs on SITE_URL, in French, with extra details for the template per item."""

    # Far under the protocol's 50,000 URLs: Django builds a page's URLs as a list of
    # dicts, and at 100,000 articles a page of 10,000 took a worker from 74 to 389 MiB
    # and 4 s; a page of 1,000 peaks at 105 MiB and takes 0.23 s (bench/README.md).
    limit = 1000

    def get_urls(self, page=1, site=None, protocol=None):
        origin = urlsplit(settings.SITE_URL)
        # French pages have no language prefix: reverse() must not add the one of
        # whatever language the request happened to activate.
        with translation.override(settings.LANGUAGE_CODE):
            urls = super().get_urls(
                page, site=SimpleNamespace(domain=origin.netloc), protocol=origin.scheme
            )
        for url in urls:
            url.update(self.details(url["item"]))
        return urls

    def details(self, item):
        return {}

    def lastmod(self, item):
        return item.lastmod

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which loads every item to compare.
        return self.items().aggregate(latest=Max("lastmod"))["latest"]


class ArticleSitemap(PublicSitemap):
    def items(self):
        # Oldest first: a new article lands on the last page, so the others stay as
        # crawled. The text and its search vector are not needed, and heavy.
        return (
            Article.objects.published()
            .select_related("featured_image")
            .defer("body", "body_html", "search_vector", "stored_page")
            .annotate(lastmod=MODIFIED_AT)
            .order_by("published_at", "pk")
        )

    def details(self, article):
        image = article.featured_image
        return {"images": [absolute(image.social_card.src)] if image else []}


class SectionSitemap(PublicSitemap):
    def items(self):
        return _dated_by_articles(Section.objects.all(), "articles").order_by("position", "slug")


class TagSitemap(PublicSitemap):
    def items(self):
        return _dated_by_articles(Tag.objects.all(), "article").order_by("slug")

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})


class AuthorSitemap(PublicSitemap):
    def items(self):
        return _dated_by_articles(Author.objects.all(), "articles").order_by("slug")


class WorkSitemap(PublicSitemap):
    """Every film and series: each has a page, articles or not (an upcoming release)."""

    def items(self):
        latest_article = (
            Article.objects.published()
            .filter(Q(works=OuterRef("pk")) | Q(reviewed_work=OuterRef("pk")))
            .annotate(modified=MODIFIED_AT)
            .order_by("-modified")
            .values("modified")[:1]
        )
        # SQLite and MySQL give the greatest of a date and NULL as NULL: a work with no
        # published article is dated by its own last edit.
        lastmod = Greatest("updated_at", Coalesce(Subquery(latest_article), "updated_at"))
        return Work.objects.annotate(lastmod=lastmod).order_by("pk")


class IndexSitemap(PublicSitemap):
    """The indexes of the team, the films and series and the tags, dated by what they list."""

    def items(self):
        return self._dated_indexes

    @cached_property
    def _dated_indexes(self):
        # Counted, listed and dated by the same request: asked once.
        latest_article = Article.objects.published().aggregate(latest=Max(MODIFIED_AT))["latest"]
        latest_work = Work.objects.aggregate(latest=Max("updated_at"))["latest"]
        dated = {
            "authors:index": latest_article,
            "works:index": max(filter(None, (latest_article, latest_work)), default=None),
            "articles:tags": latest_article,
        }
        # An index with nothing to list is left out, as an empty section is.
        return [
            SimpleNamespace(url_name=name, lastmod=lastmod)
            for name, lastmod in dated.items()
            if lastmod is not None
        ]

    def location(self, index):
        return reverse(index.url_name)

    def get_latest_lastmod(self):
        return max((index.lastmod for index in self.items()), default=None)


class SitePageSitemap(PublicSitemap):
    """The site's own pages: legal notice, contact, about, privacy and the others."""

    def items(self):
        return SitePage.objects.annotate(lastmod=F("updated_at")).order_by("slug")


class NewsSitemap(PublicSitemap):
    """Google News reads only articles of the last two days, a thousand at most per sitemap."""

    limit = 1000

    def items(self):
        return (
            Article.objects.published()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
            .defer("body", "body_html", "stored_page")
            .annotate(lastmod=MODIFIED_AT)
            .order_by("-published_at", "-pk")
        )

    def details(self, article):
        return {
            "news": {
                "name": settings.SITE_NAME,
                "language": settings.CONTENT_LANGUAGE,
                "date": article.published_at,
                "title": article.title,
            }
        }


def _dated_by_articles(queryset, lookup):
    """
    ``queryset`` annotated with the last update of its published articles, reached
    through ``lookup``; rows with none are left out, as their pages are empty, or
    missing for readers in the case of a tag only drafts carry.
    """
    published = State.PUBLISHED.condition(through=lookup)
    latest = Max(Coalesce(f"{lookup}__revised_at", f"{lookup}__published_at"), filter=published)
    return queryset.annotate(lastmod=latest).filter(lastmod__isnull=False)


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "works": WorkSitemap,
    "indexes": IndexSitemap,
    "pages": SitePageSitemap,
}
NEWS_SITEMAPS = {"news": NewsSitemap}


@sitemap_views.x_robots_tag
def index(request):
    """The sitemap index: every page of every sitemap that has something to list."""
    entries = []
    latest = None
    with translation.override(settings.LANGUAGE_CODE):
        sitemaps = [
            (reverse("sitemap", kwargs={"section": name}), sitemap)
            for name, sitemap in SITEMAPS.items()
        ]
        sitemaps.append((reverse("news_sitemap"), NewsSitemap))
    for path, sitemap_class in sitemaps:
        sitemap = sitemap_class()
        paginator = sitemap.paginator
        if not paginator.count:
            # The schema wants at least one URL per sitemap: an empty one is left out.
            continue
        lastmod = sitemap.get_latest_lastmod()
        latest = lastmod if latest is None else max(latest, lastmod)
        url = absolute(path)
        entries += [
            {"location": url if page == 1 else f"{url}?p={page}", "lastmod": lastmod}
            for page in paginator.page_range
        ]
    headers = {"Last-Modified": http_date(latest.timestamp())} if latest else None
    response = TemplateResponse(
        request,
        "sitemaps/index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
        headers=headers,
    )
    # The news sitemap drops out of the index when its last article grows too old.
    return public_page(response, every_page_listed(), expires_at=_news_window_moves())


def sitemap(request, section):
    # Django's view reads the number with int(): only the site's own spelling gets this far.
    page_number(request.GET, "p")
    response = sitemap_views.sitemap(
        request, SITEMAPS, section=section, template_name="sitemaps/urlset.xml"
    )
    return public_page(response, every_page_listed())


def news_sitemap(request):
    page_number(request.GET, "p")
    response = sitemap_views.sitemap(
        request, NEWS_SITEMAPS, section="news", template_name="sitemaps/news.xml"
    )
    return public_page(response, every_article_shown(), expires_at=_news_window_moves())


# The query parameters each view reads (pagecache/keys.py): any other is dropped.
index.cache_parameters = frozenset()
sitemap.cache_parameters = news_sitemap.cache_parameters = frozenset({"p"})


def every_page_listed():
    """What the sitemaps show: every published article, and the site's own pages."""
    return every_article_shown() | keys_for(SitePage)


def _news_window_moves():
    """When the oldest article of the news sitemap leaves it, or None if it is empty."""
    oldest = (
        Article.objects.published()
        .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return oldest + NEWS_WINDOW if oldest else None
