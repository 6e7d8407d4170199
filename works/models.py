from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from markup.rendering import french_typography

# French cinemas take new films on Wednesdays: the release week runs from one
# Wednesday to the Tuesday after it.
RELEASE_WEEKDAY = 2  # Monday is 0


def release_week_start(day):
    """The Wednesday that opens the release week holding ``day``."""
    return day - timedelta(days=(day.weekday() - RELEASE_WEEKDAY) % 7)


def split_names(value):
    return [name.strip() for name in value.split(",") if name.strip()]


class WorkQuerySet(models.QuerySet):
    def released_in_week(self, wednesday):
        """Works out in French cinemas or on a platform in the week opened by ``wednesday``."""
        # The whole week for cinemas too: a holiday sometimes moves a release by a day.
        week = (wednesday, wednesday + timedelta(days=6))
        return self.filter(models.Q(release_date__range=week) | models.Q(platform_date__range=week))

    def _articles(self):
        # The article model, through the relation: works sit below articles in the
        # layers (README), so this app names no article module.
        return self.model._meta.get_field("reviews").related_model

    def with_reviews(self):
        """
        With, newest first, the published reviews of each work (``published_reviews``):
        the latest rated one is ``magazine_review``, whose stars the pages show.
        """
        return self.prefetch_related(
            models.Prefetch(
                "reviews", queryset=_published_links(self._articles()), to_attr="published_reviews"
            )
        )

    def for_index(self):
        """What the index of films and series shows of each: its poster and rating, by title."""
        # By slug, which spells titles without accents: « À bout de souffle » sorts among
        # the A, where the database's byte order would put it after « Zodiac ».
        return self.select_related("poster").with_reviews().order_by("slug")

    def years(self):
        """The years these works come from, latest first, each once."""
        return self.order_by("-year").values_list("year", flat=True).distinct()

    def for_release_week(self):
        """What the release week shows of each work: its poster, rating and articles."""
        # The reviews and the articles discussing it come in one query each, whatever
        # the number of works; articles_for_readers puts them together.
        return (
            self.select_related("poster")
            .with_reviews()
            .prefetch_related(
                models.Prefetch(
                    "articles",
                    queryset=_published_links(self._articles()),
                    to_attr="published_articles",
                )
            )
        )


def _published_links(article_model):
    """Published articles, newest first, with what a link to one shows: not the text."""
    return (
        article_model.objects.published()
        .defer("body", "body_html", "search_vector", "stored_page")
        .order_by("-published_at", "-id")
    )


class Work(models.Model):
    class Kind(models.TextChoices):
        FILM = "film", _("Film")
        SERIES = "series", _("Series")
        DOCUMENTARY = "documentary", _("Documentary")
        DOCUSERIES = "docuseries", _("Documentary series")
        ANIMATION = "animation", _("Animated film")
        SHORT = "short", _("Short film")

    # The kinds told in seasons rather than minutes, and described as TV series.
    SERIAL_KINDS = frozenset({Kind.SERIES, Kind.DOCUSERIES})

    title = models.CharField(
        _("French title"), max_length=200, help_text=_("The title it is released under in France.")
    )
    original_title = models.CharField(
        _("original title"),
        max_length=200,
        blank=True,
        help_text=_("Only when it differs from the French title."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The end of the work's address. Changing it breaks links."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.FILM)
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(1888), MaxValueValidator(2100)],
        help_text=_("Year of production, or of the first season."),
    )
    directors = models.CharField(
        _("directed or created by"),
        max_length=300,
        blank=True,
        help_text=_("Names separated by commas."),
    )
    cast = models.CharField(
        _("main cast"), max_length=500, blank=True, help_text=_("Names separated by commas.")
    )
    countries = CountryField(_("countries"), multiple=True, blank=True)
    runtime = models.PositiveSmallIntegerField(
        _("runtime (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1500)],
    )
    seasons = models.PositiveSmallIntegerField(
        _("number of seasons"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    release_date = models.DateField(
        _("release in French cinemas"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Usually a Wednesday. Leave empty for a streaming release."),
    )
    platform = models.CharField(
        _("streaming platform"),
        max_length=80,
        blank=True,
        help_text=_("Where it streams in France, with the date below."),
    )
    platform_date = models.DateField(
        _("on the platform from"), null=True, blank=True, db_index=True
    )
    poster = models.ForeignKey(
        "images.Image",
        verbose_name=_("poster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    synopsis = models.TextField(
        _("synopsis"),
        max_length=1000,
        blank=True,
        help_text=_("Two or three sentences, without giving the ending away."),
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    objects = WorkQuerySet.as_manager()
    # What a page showing the work shows besides, for the page cache (pagecache.keys_for()).
    cache_shows = ("poster",)

    class Meta:
        verbose_name = _("film or series")
        verbose_name_plural = _("films and series")
        ordering = ["title", "year"]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def save(self, *args, **kwargs):
        # As for articles: readers see French spacing, quotes and apostrophes whatever
        # the keyboard typed. The original title keeps its own language's rules.
        self.title = french_typography(self.title)
        self.synopsis = french_typography(self.synopsis)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("works:detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.platform_date and not self.platform.strip():
            errors["platform"] = _("Name the platform it arrives on at that date.")
        if self.platform.strip() and not self.platform_date:
            errors["platform_date"] = _("Give the date it arrives on %(platform)s.") % {
                "platform": self.platform
            }
        if errors:
            raise ValidationError(errors)

    @property
    def is_serial(self):
        return self.kind in self.SERIAL_KINDS

    @property
    def director_names(self):
        return split_names(self.directors)

    @property
    def cast_names(self):
        return split_names(self.cast)

    @property
    def shows_original_title(self):
        return bool(self.original_title) and self.original_title != self.title

    def articles_about(self):
        """Every article on this work, each once: those discussing it, and its reviews."""
        Article = self.reviews.model

        # The admin lists a reviewed work among the works discussed, but an import or
        # the shell may not: both relations are read, through a subquery so that an
        # article found by both is not repeated.
        about = Article.objects.filter(models.Q(works=self) | models.Q(reviewed_work=self))
        return Article.objects.filter(pk__in=about.values("pk"))

    @property
    def magazine_review(self):
        """The latest published review with a rating (with_reviews()): what the stars link to."""
        return next(
            (review for review in self.published_reviews if review.rating is not None), None
        )

    @property
    def articles_for_readers(self):
        """From for_release_week(): its published reviews first, then the other articles on it."""
        reviews = self.published_reviews
        reviewed = {review.pk for review in reviews}
        return [*reviews, *(a for a in self.published_articles if a.pk not in reviewed)]
