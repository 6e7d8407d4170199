from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from .rendering import french_typography, reading_time, render_markdown
from .sharing import share_links


class Section(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Shown at the top of the section page.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in the site navigation, smallest first.")
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What a reader may see: published, and dated now or in the past."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        """Everything a card shows: section, featured image and authors in order."""
        return self.select_related("section", "featured_image").prefetch_related(
            Prefetch("authors", queryset=_ordered_authors())
        )

    def for_page(self):
        """Everything the article page shows, in a fixed number of queries."""
        return self.for_listing().prefetch_related("tags")

    def headline(self):
        """The article at the top of the home page: the latest flagged one, else the latest."""
        return self.order_by("-is_featured", "-published_at", "-id").first()

    def related_to(self, article, limit=3):
        """Articles sharing the most tags with ``article``, then the most recent."""
        tag_ids = [tag.pk for tag in article.tags.all()]
        return (
            self.exclude(pk=article.pk)
            .select_related("section", "featured_image")
            .annotate(shared_tags=models.Count("tags", filter=models.Q(tags__in=tag_ids)))
            .order_by("-shared_tags", "-published_at", "-id")[:limit]
        )

    def search(self, query):
        """Every word of ``query`` in the title, standfirst or body (a simple fallback search)."""
        queryset = self
        for word in query.split()[:10]:
            queryset = queryset.filter(
                models.Q(title__icontains=word)
                | models.Q(standfirst__icontains=word)
                | models.Q(body__icontains=word)
            )
        return queryset


def _ordered_authors():
    from authors.models import Author

    # The prefetch already joins the through table; ordering on it reuses the
    # join, so authors come back in their byline order at no extra cost.
    return Author.objects.select_related("avatar").order_by("authorships__position")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_(
            "The end of the article's address. Changing it after publication breaks links."
        ),
    )
    standfirst = models.TextField(
        _("standfirst"),
        max_length=600,
        help_text=_("One paragraph that sums the story up, shown under the title and on cards."),
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown: ## for a section heading, > for a quote, - for a list, "
            "[text](https://…) for a link, [^1] for a footnote."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    reading_time = models.PositiveSmallIntegerField(
        _("reading time (minutes)"), editable=False, default=1
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_(
            "Readers see the article only once its status is “Published” and this date has "
            "passed: a future date schedules it. Left empty, publishing sets it to now."
        ),
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles"
    )
    authors = models.ManyToManyField(
        "authors.Author",
        verbose_name=_("authors"),
        through="Authorship",
        related_name="articles",
    )
    tags = TaggableManager(_("tags"), blank=True, help_text=_("Separate tags with commas."))
    featured_image = models.ForeignKey(
        "images.Image",
        verbose_name=_("featured image"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_featured = models.BooleanField(
        _("headline"),
        default=False,
        help_text=_("Shown large at the top of the home page (the most recent headline wins)."),
    )
    seo_title = models.CharField(
        _("title for search engines"),
        max_length=70,
        blank=True,
        help_text=_(
            "Replaces the title in the browser tab and search results. 70 characters at most."
        ),
    )
    seo_description = models.CharField(
        _("description for search engines"),
        max_length=160,
        blank=True,
        help_text=_(
            "Replaces the standfirst in search results and social cards. 160 characters at most."
        ),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        indexes = [
            # Home, section and author pages: published rows, newest first.
            models.Index(fields=["status", "-published_at"], name="article_published_idx"),
            models.Index(fields=["section", "status", "-published_at"], name="article_section_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.title = french_typography(self.title)
        self.standfirst = french_typography(self.standfirst)
        self.body_html = render_markdown(self.body)
        self.reading_time = reading_time(self.body_html)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.published_at is not None:
            # Editors schedule to the minute; microseconds would only leak into
            # <time datetime> attributes and feeds.
            self.published_at = self.published_at.replace(microsecond=0)
        if kwargs.get("update_fields") is not None:
            derived = {"title", "standfirst", "body_html", "reading_time", "published_at"}
            kwargs["update_fields"] = {*kwargs["update_fields"], *derived}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def page_title(self):
        return self.seo_title or self.title

    @property
    def meta_description(self):
        return self.seo_description or self.standfirst

    @property
    def absolute_url(self):
        return settings.SITE_URL + self.get_absolute_url()

    def share_links(self):
        return share_links(self.absolute_url, self.title)


class Authorship(models.Model):
    """An author's place in an article's byline."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey(
        "authors.Author",
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="authorships",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_author_per_article")
        ]

    def __str__(self):
        return str(self.author)
