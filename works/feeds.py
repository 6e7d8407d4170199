"""A work's feeds: the latest published articles about a film or series, as on its page."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from articles.feeds import ArticleAtomFeed, LatestArticlesFeed
from articles.structured_data import absolute

from .models import Work


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
