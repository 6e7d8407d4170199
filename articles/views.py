from functools import partial

from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import translation
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from screenmania import pagecache
from screenmania.pagecache import ARTICLE_TEXTS, key_for, public_page

from . import search
from .models import Article, Section, bylines, page_relations
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
    """
    An article's page, built from three parts: its head tags, the article itself and
    « À lire aussi ». Each is kept in the cache with the keys of what it shows
    (pagecache.parts()) and built again only when one of them changes: a publication
    makes every article page stale, for its related articles, and leaves the article
    itself as it was; a reader who is logged in gets the parts the others got.
    A page whose parts are kept costs one query, for the article's row.
    """

    template_name = "articles/article_detail.html"
    # A preview shows a draft, or what a link's holder may see: never kept, nor read
    # from what was kept for the public page.
    keeps_parts = True

    def get_queryset(self):
        return Article.objects.published().for_page()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parts"], self.parts_keys = self.get_parts(context)
        return context

    def get_parts(self, context):
        """The parts' HTML by name, and the keys of everything they show."""
        builders = {
            "head": partial(self.build_own_part, "articles/parts/head.html", context),
            "article": partial(self.build_own_part, "articles/parts/article.html", context),
            "related": partial(self.build_related, context),
        }
        # Everything a part's HTML depends on besides what its keys name.
        language = translation.get_language()
        pieces = [
            (f"article-{self.object.pk}:{part}:{language}", build)
            for part, build in builders.items()
        ]
        built = pagecache.parts(self.request if self.keeps_parts else None, pieces)
        html = {part: part_html for part, (part_html, _keys) in zip(builders, built, strict=True)}
        return html, set().union(*(part_keys for _html, part_keys in built))

    def build_own_part(self, template_name, context):
        prefetch_related_objects([self.object], *page_relations())
        return render_to_string(template_name, context, self.request), self.article_keys()

    def build_related(self, context):
        # Its tags pick the related articles: a publication rebuilds this part alone.
        prefetch_related_objects([self.object], "tags")
        related = list(Article.objects.published().related_to(self.object))
        html = render_to_string(
            "articles/parts/related.html", {**context, "related_articles": related}, self.request
        )
        # Picked among all the published articles ("articles"), by this one's tags (its key).
        keys = {"articles", key_for(self.object)}
        for article in related:
            keys |= article.cache_keys()
        return html, keys

    def article_keys(self):
        """What the article's own parts show: it, its bylines, tags, images and reviewed work."""
        keys = self.object.cache_keys()
        work = self.object.reviewed_work
        if work is not None:
            # The review's box: the work's title, facts and poster.
            keys.add(key_for(work))
            if work.poster_id:
                keys.add(f"image-{work.poster_id}")
        return keys

    def cache_keys(self, context):
        return self.parts_keys
