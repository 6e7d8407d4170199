from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView
from taggit.models import Tag

import search
from articles import stored_relations
from articles.models import Article, Section, bylines
from authors.models import Author
from frontpage.models import compose
from newsletter.models import Letter
from pagecache import keys_for, list_key, public_page, texts_key
from reader import stored_page
from reader.pagination import SequentialPaginator, page_number
from redirects.models import WORDPRESS_QUERY_KEYS
from search import with_excerpts
from works.models import Work


class PublicPageMixin:
    """
    A page that is the same for every anonymous reader: the page cache and CDNs keep it
    until something it shows changes (pagecache/keys.py): what ``shown()`` lists, and
    the sections, which every page's navigation shows.
    """

    # The query parameters the view reads: any other is dropped before it runs.
    cache_parameters = frozenset()

    def shown(self, context):
        raise NotImplementedError

    def cache_keys(self, context):
        return keys_for(Section, *self.shown(context))

    def expires_at(self, context):
        """When time alone changes the page, if it does: no save says so."""
        return None

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return public_page(response, self.cache_keys(context), self.expires_at(context))


class SequentialPagesMixin(PublicPageMixin):
    """A list read a page at a time, never counted (reader/pagination.py)."""

    paginator_class = SequentialPaginator
    cache_parameters = frozenset({"page"})

    def get(self, request, *args, **kwargs):
        # Page 1 is the list's own address (reader's page_url() writes it without a
        # number): ?page=1 would be a second copy of it in every cache and search engine.
        if request.GET.get(self.page_kwarg) == "1":
            query = request.GET.copy()
            del query[self.page_kwarg]
            path = f"{request.path}?{query.urlencode()}" if query else request.path
            return HttpResponsePermanentRedirect(path)
        return super().get(request, *args, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        # ListView reads the number with int(): only the site's own spelling gets this far.
        page_number(self.request.GET, self.page_kwarg)
        return super().paginate_queryset(queryset, page_size)


class PublishedArticleMixin(SequentialPagesMixin):
    """Published articles only, with what a card shows, twelve to a page."""

    paginate_by = 12

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def shown(self, context):
        # Which articles are published, and in which order, decides what the list holds.
        return [Article, context["object_list"]]


class HomeView(PublishedArticleMixin, ListView):
    """
    The front page the desk arranges (frontpage/), then the latest articles not shown
    above it; the following pages list the latest articles alone.
    """

    template_name = "articles/home.html"
    # WordPress's old addresses (/?p=123) are answered before this view runs
    # (redirects/middleware.py): each is then an entry of its own in the page cache.
    cache_parameters = frozenset({"page", *WORDPRESS_QUERY_KEYS})

    def get_queryset(self):
        # Every article's authors are read in one query (get_context_data()).
        return super().get_queryset().prefetch_related(None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.front = compose() if not context["page_obj"].has_previous() else None
        if self.front:
            latest = context["object_list"]
            context["object_list"] = [a for a in latest if a.pk not in self.front.shown_ids]
            context.update(
                lead=next(iter(self.front.leads), None),
                secondary_leads=self.front.leads[1:],
                blocks=self.front.blocks,
                week=self.front.week,
            )
        shown = [*context["object_list"], *(self.front.articles if self.front else ())]
        prefetch_related_objects(shown, bylines())
        return context

    def cache_keys(self, context):
        keys = super().cache_keys(context)
        return keys | self.front.cache_keys() if self.front else keys

    def expires_at(self, context):
        return self.front.expires_at if self.front else None


class SectionView(PublishedArticleMixin, ListView):
    template_name = "articles/section.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)

    def shown(self, context):
        return [*super().shown(context), self.section]


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

    def shown(self, context):
        return [*super().shown(context), self.tag]


class TagIndexView(SequentialPagesMixin, ListView):
    """Every tag a published article carries, with how many do."""

    template_name = "articles/tag_index.html"
    extra_context = {"index_name": _("Tags")}
    paginate_by = 120

    def get_queryset(self):
        return Article.objects.published().tag_index()

    def shown(self, context):
        # Which tags the published articles carry, and how many each: any publication,
        # retagging or renaming can change it.
        return [Tag, Article, context["object_list"]]


class SearchView(PublishedArticleMixin, ListView):
    """The articles matching a query and, above them, the films, series and authors it names."""

    template_name = "articles/search.html"
    # The works and authors shown at most: the query names one or two; more are a word
    # too common to be a name, and the articles below say more.
    max_named = 6
    # The page says how many articles match: the full-text index counts them.
    paginator_class = Paginator
    cache_parameters = frozenset({"q", "page"})

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
        context = super().get_context_data(
            query=self.query, max_ranked=search.MAX_RANKED, works=[], authors=[], **kwargs
        )
        page = context["page_obj"]
        # The films, series and authors head the first page of results, not every page.
        if self.query and (page is None or page.number == 1):
            works = search.named(
                Work.objects.order_by("slug"), self.query, "title", "original_title"
            )
            # Only the authors whose page lists an article: a byline on drafts stays unknown.
            published = Article.objects.published().filter(authors=OuterRef("pk"))
            authors = search.named(Author.objects.filter(Exists(published)), self.query, "name")
            context["works"] = list(works[: self.max_named])
            context["authors"] = list(authors[: self.max_named])
        return context

    def shown(self, context):
        # Which works and authors a query names changes with any of them.
        return [*super().shown(context), Work, Author, context["works"], context["authors"]]

    def cache_keys(self, context):
        # Which articles match, and in which order, follows what every one of them says.
        return super().cache_keys(context) | {texts_key(Article)}


class ArticleDetailView(PublicPageMixin, DetailView):
    """
    An article, its own part printed as stored with it (reader/stored_page.py), rendered
    and stored again when missing or out of date; « À lire aussi » picked on each build.
    """

    template_name = "articles/article_detail.html"
    # A preview shows an article as no reader sees it: rendered each time, never stored.
    stores_page = True
    # The row read for its stored page, and that page if current (get_object()).
    read = None
    page = None

    def get_queryset(self):
        return Article.objects.published().for_page()

    def get_object(self, queryset=None):
        if self.stores_page:
            rows = Article.objects.published().for_stored_page()
            self.read = get_object_or_404(rows, slug=self.kwargs["slug"])
            self.page = stored_page.stored(self.read)
            if self.page is not None:
                return self.read
        return super().get_object(queryset)

    def get_context_data(self, **kwargs):
        article = self.object
        if self.page is None:
            self.page, self.shown_by_page = self.render_page(article)
            if self.read is not None:
                stored_page.store(self.read, self.page, self.shown_by_page)
        else:
            self.shown_by_page = self.read.stored_page
        # Picked by its tags among the latest published articles, their cards as stored.
        tag_ids = self.shown_by_page["tag_ids"]
        related = Article.objects.published().related_to(article, tag_ids=tag_ids)
        cards, self.shown_by_cards = stored_page.related_cards(related)
        return super().get_context_data(page=self.page, related_cards=cards, **kwargs)

    def render_page(self, article):
        """The article's own part, and what it shows, with every related row it needs read."""
        # Its byline and tags as stored with it, else read (articles/stored_relations.py).
        unstored = stored_relations.restore([article])
        prefetch_related_objects(unstored, "tags", bylines(portraits=True))
        if article.has_corrections:
            prefetch_related_objects([article], "corrections")
        if article.is_review:
            # Its box shows the film or series with the poster: one query, for reviews only.
            reviewed = Prefetch("reviewed_work", queryset=Work.objects.select_related("poster"))
            prefetch_related_objects([article], reviewed)
        return stored_page.render(article), stored_page.shown_by(article)

    def cache_keys(self, context):
        # The newsletter's form lists the letters offered.
        return {*self.shown_by_page["keys"], *self.shown_by_cards, list_key(Letter)}
