import re

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView

from articles.models import Article, Section
from pagecache import key_for, keys_for, public_page
from reader.views.articles import PublishedArticleMixin, SequentialPagesMixin
from works.models import Work
from works.weeks import ReleaseWeek

# The index's filters, in French like its address: /oeuvres/?type=serie&annee=2025.
KIND_PARAMETER, YEAR_PARAMETER = "type", "annee"
KINDS_BY_WORD = {
    "film": Work.Kind.FILM,
    "serie": Work.Kind.SERIES,
    "documentaire": Work.Kind.DOCUMENTARY,
    "serie-documentaire": Work.Kind.DOCUSERIES,
    "animation": Work.Kind.ANIMATION,
    "court-metrage": Work.Kind.SHORT,
}
# A year a work can have (Work.year), written as the index writes it.
YEAR = re.compile(r"(18|19|20|21)[0-9]{2}")


class WorkIndexView(SequentialPagesMixin, ListView):
    """The films and series, by title, each with its rating; filtered by kind and year."""

    template_name = "works/work_index.html"
    extra_context = {"index_name": _("Films and series")}
    paginate_by = 24
    cache_parameters = frozenset({KIND_PARAMETER, YEAR_PARAMETER, "page"})

    def get(self, request, *args, **kwargs):
        # Anything but the index's own words is refused: each would be another copy of a page.
        kind, year = request.GET.get(KIND_PARAMETER), request.GET.get(YEAR_PARAMETER)
        if kind is not None and kind not in KINDS_BY_WORD:
            raise Http404(f"?{KIND_PARAMETER}= is not a kind of work")
        if year is not None and not (YEAR.fullmatch(year) and 1888 <= int(year) <= 2100):
            raise Http404(f"?{YEAR_PARAMETER}= is not a year")
        self.filters = {KIND_PARAMETER: kind, YEAR_PARAMETER: year}
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        works = Work.objects.for_index()
        if self.filters[KIND_PARAMETER]:
            works = works.filter(kind=KINDS_BY_WORD[self.filters[KIND_PARAMETER]])
        if self.filters[YEAR_PARAMETER]:
            works = works.filter(year=int(self.filters[YEAR_PARAMETER]))
        return works

    def get_context_data(self, **kwargs):
        word = self.filters[KIND_PARAMETER]
        return super().get_context_data(
            kind=KINDS_BY_WORD[word] if word else None,
            year=self.filters[YEAR_PARAMETER],
            kind_links=self.filter_links(
                KIND_PARAMETER,
                _("All kinds"),
                [(word, kind.label) for word, kind in KINDS_BY_WORD.items()],
            ),
            year_links=self.filter_links(
                YEAR_PARAMETER, _("All years"), [(str(y), y) for y in Work.objects.years()]
            ),
            **kwargs,
        )

    def filter_links(self, parameter, everything, choices):
        """
        (label, url, is_current) for each ``(value, label)`` of ``choices`` of
        ``parameter``, after the link to ``everything``; the other filter kept.
        """

        def link(value):
            query = {**self.filters, parameter: value}
            # In the order of page_url(), which writes the page's canonical address.
            query = sorted((name, value) for name, value in query.items() if value)
            return reverse("works:index") + (f"?{urlencode(query)}" if query else "")

        current = self.filters[parameter]
        return [(everything, link(None), current is None)] + [
            (label, link(value), value == current) for value, label in choices
        ]

    def shown(self, context):
        # Which works there are, and their ratings: any work or publication can change them.
        return [Work, Article, context["object_list"]]

    def cache_keys(self, context):
        # Each rating links to its review.
        reviews = [work.magazine_review for work in context["object_list"]]
        return super().cache_keys(context) | {key_for(review) for review in reviews if review}


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
