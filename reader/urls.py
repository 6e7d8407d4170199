"""
The reader's addresses, in namespaces that name what a page shows:
``articles:`` (home, articles, sections, tags, search), ``authors:``, ``works:`` and
``newsletter:``.
"""

from datetime import date

from django.urls import path, register_converter

from reader import feeds
from reader.views import articles, authors, newsletter, sitepages, works


class DateConverter:
    """
    A day written 2026-12-02. An impossible day (2026-02-30) matches no page, nor does
    one of a year no work can have (Work.year), whose week could run off the calendar.
    """

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    years = range(1888, 2101)

    def to_python(self, value):
        day = date.fromisoformat(value)
        if day.year not in self.years:
            raise ValueError(value)
        return day

    def to_url(self, value):
        return value.isoformat()


register_converter(DateConverter, "date")

article_patterns = (
    [
        path("", articles.HomeView.as_view(), name="home"),
        path("feed/", feeds.LatestArticlesFeed(), name="feed"),
        path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="atom_feed"),
        path("articles/<slug:slug>/", articles.ArticleDetailView.as_view(), name="detail"),
        path("rubriques/<slug:slug>/", articles.SectionView.as_view(), name="section"),
        path("rubriques/<slug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
        path(
            "rubriques/<slug:slug>/feed/atom/",
            feeds.SectionAtomFeed(),
            name="section_atom_feed",
        ),
        path("tags/", articles.TagIndexView.as_view(), name="tags"),
        path("tags/<slug:slug>/", articles.TagView.as_view(), name="tag"),
        path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
        path("tags/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_atom_feed"),
        path("recherche/", articles.SearchView.as_view(), name="search"),
    ],
    "articles",
)

author_patterns = (
    [
        path("auteurs/", authors.AuthorIndexView.as_view(), name="index"),
        path("auteurs/<slug:slug>/", authors.AuthorView.as_view(), name="detail"),
        path("auteurs/<slug:slug>/feed/", feeds.AuthorFeed(), name="feed"),
        path("auteurs/<slug:slug>/feed/atom/", feeds.AuthorAtomFeed(), name="atom_feed"),
    ],
    "authors",
)

work_patterns = (
    [
        path("oeuvres/", works.WorkIndexView.as_view(), name="index"),
        path("oeuvres/<slug:slug>/", works.WorkDetailView.as_view(), name="detail"),
        path("oeuvres/<slug:slug>/feed/", feeds.WorkFeed(), name="feed"),
        path("oeuvres/<slug:slug>/feed/atom/", feeds.WorkAtomFeed(), name="atom_feed"),
        path("sorties/", works.ReleaseWeekView.as_view(), name="current_release_week"),
        path("sorties/<date:day>/", works.ReleaseWeekView.as_view(), name="release_week"),
    ],
    "works",
)

# Reached from messages by signed links (newsletter/links.py), each token names its reader.
newsletter_patterns = (
    [
        path("lettre/", newsletter.subscribe, name="subscribe"),
        path("lettre/merci/", newsletter.SubscribedView.as_view(), name="subscribed"),
        path("lettre/confirmer/<str:token>/", newsletter.confirm, name="confirm"),
        path("lettre/preferences/<str:token>/", newsletter.preferences, name="preferences"),
        path(
            "lettre/preferences/<str:token>/donnees.json",
            newsletter.download,
            name="download",
        ),
        path("lettre/desabonnement/<str:token>/", newsletter.unsubscribe, name="unsubscribe"),
    ],
    "newsletter",
)

# Last in the URLconf, after every other address: a site page's address is one word
# (/mentions-legales/), and a page may not take one that answers already (SitePage.clean()).
site_page_patterns = (
    [path("<slug:slug>/", sitepages.SitePageView.as_view(), name="page")],
    "sitepages",
)
