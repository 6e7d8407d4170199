from functools import partial

from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import translation
from django.views.generic import DetailView, ListView
from render_block import render_block_to_string
from taggit.models import Tag

import pagecache
import search
from articles.models import Article, Section, bylines, page_relations
from pagecache import ARTICLE_TEXTS, key_for, public_page
from reader.pagination import SequentialPaginator, page_number
from search import with_excerpts


class PublicPageMixin:
    """
    A page that is the same for every anonymous reader: the page cache and CDNs
    keep it until something in ``cache_keys()`` changes (pagecache/__init__.py).
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

    def paginate_queryset(self, queryset, page_size):
        # ListView reads the number with int(): only the site's own spelling gets this far.
        page_number(self.request.GET, self.page_kwarg)
        return super().paginate_queryset(queryset, page_size)

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
    """
    An article's page, built from three parts: what its head says of it (title,
    description, social and structured data), the article itself and « À lire aussi ».
    Each is kept in the cache with the keys of what it shows (pagecache.parts()) and
    built again only when one of them changes: a publication makes every article page
    stale, for its related articles, and leaves the article itself as it was; a reader
    who is logged in gets the parts the others got.

    The parts are named after the address, and the article is read from the database
    only to build one: a page whose parts are all kept costs no query. That is exact for
    the reason the page cache is: every part holds the article's key, which whatever
    changes this address's answer stamps (an edit, a new slug, unpublishing, deleting),
    and an article not yet published has no parts to find.
    """

    template_name = "articles/article_detail.html"
    # A preview shows a draft, or what a link's holder may see: never kept, nor read
    # from what was kept for the public page.
    keeps_parts = True

    def get_queryset(self):
        return Article.objects.published().for_page()

    def get(self, request, *args, **kwargs):
        # A preview's banner shows the article's state: it is read at once there.
        self.object = None if self.keeps_parts else self.get_object()
        return self.render_to_response(self.get_context_data())

    @property
    def article(self):
        """The article, read the first time a part is built (a 404 if it is not published)."""
        if self.object is None:
            self.object = self.get_object()
        return self.object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parts"], self.parts_keys = self.get_parts(context)
        return context

    def get_parts(self, context):
        """The parts' HTML by name, and the keys of everything they show."""
        builders = {
            "metadata": partial(self.build_metadata, context),
            "article": partial(self.build_own_part, "articles/parts/article.html", context),
            "related": partial(self.build_related, context),
        }
        # Everything a part's HTML depends on besides what its keys name: the address
        # (the slug), and the language.
        language = translation.get_language()
        pieces = [
            (f"article:{self.request.path}:{part}:{language}", build)
            for part, build in builders.items()
        ]
        built = pagecache.parts(self.request if self.keeps_parts else None, pieces)
        html = {part: part_html for part, (part_html, _keys) in zip(builders, built, strict=True)}
        return html, set().union(*(part_keys for _html, part_keys in built))

    def build_metadata(self, context):
        # The template's own block, as the page would render it without the parts.
        html = render_block_to_string(
            self.template_name, "metadata", self.context_for_parts(context), self.request
        )
        return html, self.article_keys()

    def build_own_part(self, template_name, context):
        html = render_to_string(template_name, self.context_for_parts(context), self.request)
        return html, self.article_keys()

    def context_for_parts(self, context):
        article = self.article
        prefetch_related_objects([article], *page_relations())
        return {**context, "article": article}

    def build_related(self, context):
        # Its tags pick the related articles: a publication rebuilds this part alone.
        article = self.article
        prefetch_related_objects([article], "tags")
        related = list(Article.objects.published().related_to(article))
        html = render_to_string(
            "articles/parts/related.html",
            {**context, "article": article, "related_articles": related},
            self.request,
        )
        # Picked among all the published articles ("articles"), by this one's tags (its key).
        keys = {"articles", key_for(article)}
        for related_article in related:
            keys |= related_article.cache_keys()
        return html, keys

    def article_keys(self):
        """What the article's own parts show: it, its bylines, tags, images and reviewed work."""
        keys = self.article.cache_keys()
        work = self.article.reviewed_work
        if work is not None:
            # The review's box: the work's title, facts and poster.
            keys.add(key_for(work))
            if work.poster_id:
                keys.add(f"image-{work.poster_id}")
        return keys

    def cache_keys(self, context):
        return self.parts_keys
