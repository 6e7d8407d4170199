from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from screenmania.pagecache import ARTICLE_TEXTS, key_for, public_page

from . import search
from .models import Article, Section, bylines
from .pagination import SequentialPaginator
from .search import with_excerpts


class PublicPageMixin:
    """
    A page that is the same for every anonymous reader: the page cache and CDNs
    keep it until something in ``cache_keys()`` changes (screenmania/pagecache.py).
    """

    def cache_keys(self, context):
        raise NotImplementedError

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return public_page(response, self.cache_keys(context))


class PublishedArticleMixin(PublicPageMixin):
    """Published articles only, with what a card shows, twelve to a page, never counted."""

    paginate_by = 12
    paginator_class = SequentialPaginator

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def cache_keys(self, context):
        # "articles": which articles are published, and in which order, decides
        # what the list holds; each card adds what it shows.
        keys = {"articles"}
        for article in context["object_list"]:
            keys |= article.cache_keys()
        return keys


class HomeView(PublishedArticleMixin, ListView):
    template_name = "articles/home.html"

    def get_queryset(self):
        # The headline's authors are read with the cards' (get_context_data), in one query.
        self.headline = Article.objects.published().for_listing().prefetch_related(None).headline()
        queryset = super().get_queryset().prefetch_related(None)
        if self.headline:
            queryset = queryset.exclude(pk=self.headline.pk)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(headline=self.headline, **kwargs)
        cards = context["object_list"]
        prefetch_related_objects([self.headline, *cards] if self.headline else cards, bylines())
        return context

    def cache_keys(self, context):
        keys = super().cache_keys(context)
        return keys | self.headline.cache_keys() if self.headline else keys


class SectionView(PublishedArticleMixin, ListView):
    template_name = "articles/section.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)

    def cache_keys(self, context):
        return super().cache_keys(context) | {key_for(self.section)}


class TagView(PublishedArticleMixin, ListView):
    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(tag=self.tag, **kwargs)
        # A tag that only drafts carry must not reveal itself (nor an unreleased
        # film's name) through its page. The first page is read already, so this
        # costs no query, unlike ListView.allow_empty (a count).
        if not context["object_list"]:
            raise Http404
        return context

    def cache_keys(self, context):
        return super().cache_keys(context) | {key_for(self.tag)}


class SearchView(PublishedArticleMixin, ListView):
    template_name = "articles/search.html"
    # The page says how many articles match: the full-text index counts them.
    paginator_class = Paginator

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:200]
        if not self.query:
            return Article.objects.none()
        # The excerpts are cut from the text.
        return Article.objects.published().with_bylines().search(self.query)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, articles, is_paginated = super().paginate_queryset(queryset, page_size)
        # Only the page shown gets excerpts: each one reads an article's whole text.
        page.object_list = with_excerpts(articles, self.query)
        return paginator, page, page.object_list, is_paginated

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, max_ranked=search.MAX_RANKED, **kwargs)

    def cache_keys(self, context):
        # Which articles match, and in which order, follows what every one of them says.
        return super().cache_keys(context) | {ARTICLE_TEXTS}


class ArticleDetailView(PublicPageMixin, DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return Article.objects.published().for_page()

    def get_context_data(self, **kwargs):
        related = Article.objects.published().related_to(self.object)
        return super().get_context_data(related_articles=related, **kwargs)

    def cache_keys(self, context):
        # The related articles are picked among all published ones: "articles".
        keys = {"articles", *self.object.cache_keys()}
        work = self.object.reviewed_work
        if work is not None:
            # The review's box: the work's title, facts and poster.
            keys.add(key_for(work))
            if work.poster_id:
                keys.add(f"image-{work.poster_id}")
        for article in context["related_articles"]:
            keys |= article.cache_keys()
        return keys
