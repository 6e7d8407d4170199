from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from authors.models import Author
from reader.views.articles import PublishedArticleMixin


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
