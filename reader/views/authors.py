from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from articles.models import Article
from authors.models import Author
from pagecache import key_for
from reader.views.articles import PublishedArticleMixin, SequentialPagesMixin


class AuthorIndexView(SequentialPagesMixin, ListView):
    """The team: each author with a published article, their portrait, role and latest one."""

    template_name = "authors/author_index.html"
    extra_context = {"index_name": _("The team")}
    paginate_by = 24

    def get_queryset(self):
        return Author.objects.for_team_page()

    def shown(self, context):
        # Which authors have published, and each one's latest article: any publication
        # or byline can change them (both stamp the list of articles).
        return [Author, Article, context["object_list"]]

    def cache_keys(self, context):
        # Each latest article by its link alone: its title and date.
        latest = [
            article for author in context["object_list"] for article in author.latest_articles
        ]
        return super().cache_keys(context) | set(map(key_for, latest))


class AuthorView(PublishedArticleMixin, ListView):
    template_name = "authors/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(
            Author.objects.select_related("avatar"), slug=self.kwargs["slug"]
        )
        return super().get_queryset().filter(authors=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)

    def shown(self, context):
        return [*super().shown(context), self.author]
