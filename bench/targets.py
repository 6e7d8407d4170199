"""
The pages the benchmarks request, picked from a generated magazine: the latest article, and
the largest section, the most used tag and the most prolific author, whose pages have the
most articles to count and sort. ``python -m bench.targets`` prints them as JSON for the
database of the environment.
"""

import json
from urllib.parse import urlencode

# In the text of nearly every generated article: the search that ranks the most matches.
SEARCH_WORDS = "caméra"
# A town in about 1 % of them: a search as readers make them, for a name.
NARROW_SEARCH_WORDS = "Castelroux"
PAGE_SIZE = 12


def pick():
    """{name: {"path": …, "articles": published articles it lists, or None}}."""
    from django.conf import settings
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import translation
    from taggit.models import TaggedItem

    from articles.models import Article, Authorship, Section
    from authors.models import Author

    published = Article.objects.published()
    with translation.override(settings.LANGUAGE_CODE):
        article = published.first()
        section = (
            Section.objects.filter(articles__in=published)
            .annotate(n=Count("articles"))
            .order_by("-n")
            .first()
        )
        tag = (
            TaggedItem.objects.filter(object_id__in=published.values("pk"))
            .values("tag__slug")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        author = (
            Authorship.objects.filter(article__in=published)
            .values("author")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        search = published.search(SEARCH_WORDS).count()
        return {
            "home": {"path": reverse("articles:home"), "articles": published.count()},
            "article": {"path": article.get_absolute_url(), "articles": None},
            "section": {"path": section.get_absolute_url(), "articles": section.n},
            "tag": {
                "path": reverse("articles:tag", kwargs={"slug": tag["tag__slug"]}),
                "articles": tag["n"],
            },
            "author": {
                "path": Author.objects.get(pk=author["author"]).get_absolute_url(),
                "articles": author["n"],
            },
            "search": {
                "path": reverse("articles:search") + "?" + urlencode({"q": SEARCH_WORDS}),
                "articles": search,
            },
            "feed": {"path": reverse("articles:feed"), "articles": None},
            "sitemap": {
                "path": reverse("sitemap", kwargs={"section": "articles"}),
                "articles": None,
            },
        }


def last_page(articles):
    return max(1, -(-articles // PAGE_SIZE))


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(pick()))
