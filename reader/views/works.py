from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import ListView, TemplateView

from articles.models import Article, Section
from pagecache import key_for, keys_for, public_page
from reader.views.articles import PublishedArticleMixin
from works.models import Work
from works.weeks import ReleaseWeek


class WorkDetailView(PublishedArticleMixin, ListView):
    """A film or series, the magazine's rating, and every published article about it."""

    template_name = "works/work_detail.html"

    def get_queryset(self):
        works = Work.objects.select_related("poster").with_reviews()
        self.work = get_object_or_404(works, slug=self.kwargs["slug"])
        return self.work.articles_about().published().for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(work=self.work, **kwargs)

    def shown(self, context):
        return [*super().shown(context), self.work]

    def cache_keys(self, context):
        keys = super().cache_keys(context)
        # The magazine's rating, which links to its review.
        review = self.work.magazine_review
        return keys | {key_for(review)} if review else keys


class ReleaseWeekView(TemplateView):
    """
    « Sorties de la semaine »: at /sorties/, the week under way; at /sorties/<date>/,
    the week that date opens, a Wednesday.
    """

    template_name = "works/release_week.html"
    cache_parameters = frozenset()
    # The clock that says which week is under way: tests set their own.
    now = staticmethod(timezone.now)

    def get(self, request, day=None):
        self.is_current = day is None
        self.week = ReleaseWeek.current(self.now()) if self.is_current else ReleaseWeek(day)
        if day is not None and day != self.week.start:
            # One address per week: any day of it leads to its Wednesday.
            return redirect("works:release_week", day=self.week.start, permanent=True)
        return super().get(request)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            week=self.week,
            in_cinemas=self.week.in_cinemas,
            on_platforms=self.week.on_platforms,
            is_current_week=self.is_current,
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # Time alone turns the page at /sorties/ into next week's: no save says so.
        expires_at = self.week.ends_at if self.is_current else None
        return public_page(response, self.cache_keys(), expires_at=expires_at)

    def cache_keys(self):
        # Which works come out that week, and which of their articles are published, so
        # which rating shows; each work with its poster, each article by its link alone.
        works = self.week.works
        articles = [article for work in works for article in work.articles_for_readers]
        return keys_for(Section, Work, Article, works) | set(map(key_for, articles))
