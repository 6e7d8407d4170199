import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Prefetch
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from model_utils import FieldTracker
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

import search
from authors.models import Author
from images.embedding import render
from markup.rendering import french_typography
from pagecache import key_for, list_key, texts_key

from .sharing import share_links


class HoldsItsRelatedRows:
    """
    Model validation that takes a related row the object holds, as read from the
    database (a form's choice put it there), to exist. ForeignKey.validate() would ask
    the database again, a query per relation; on a row deleted meanwhile, the foreign
    key's constraint has the last word.
    """

    def clean_fields(self, exclude=None):
        held = {
            field.name
            for field in self._meta.concrete_fields
            if field.many_to_one
            and field.is_cached(self)
            and getattr(self, field.name) is not None
            and not getattr(self, field.name)._state.adding
        }
        super().clean_fields(exclude={*(exclude or ()), *held})


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

    def save(self, *args, **kwargs):
        # Shown as typed, at the top of the section's page: set in French as titles are.
        self.description = french_typography(self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


# How many of the latest articles related_to() looks among.
RELATED_CANDIDATES = 500
# What a compact card (« À lire aussi ») shows, with the relations that name it in the
# page cache (the stored byline): its query compiles 19 columns rather than 46, a
# twentieth of the article page's time.
COMPACT_CARD_FIELDS = (
    "title",
    "slug",
    "published_at",
    "rating",
    "spoilers",
    "byline_and_tags",
    "section__name",
    "section__slug",
    "featured_image__file",
    "featured_image__alt_text",
    "featured_image__is_decorative",
    "featured_image__width",
    "featured_image__height",
    "featured_image__renditions",
)
# What decides which lists hold an article, and where: the home page (with its headline),
# sections, works' pages, feeds, related articles. Its tags and authors are relations,
# whose own signals say so. Any other edit shows only where the article or its card does.
# Article.tracker follows them (Article.cache_stamps()).
LISTING_FIELDS = ("status", "published_at", "section_id", "is_featured", "reviewed_work_id")


class State(models.TextChoices):
    """What an editor calls an article: its status, with « published » split by the clock."""

    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")

    @classmethod
    def of(cls, status, published_at, moment=None):
        """The state of an article (or of a revision) at ``moment``, now unless given."""
        if status != Article.Status.PUBLISHED:
            return cls(status)
        # Left empty, Article.save() dates a publication now.
        if published_at is not None and published_at > (moment or timezone.now()):
            return cls.SCHEDULED
        return cls.PUBLISHED

    def condition(self, moment=None, through=""):
        """
        This state as a query's condition at ``moment`` (a date or an expression, now
        unless given), on articles or revisions, or on articles reached ``through`` a
        relation: the one place each rule is written.
        """
        prefix = f"{through}__" if through else ""
        if self in {State.DRAFT, State.REVIEW}:
            return models.Q(**{f"{prefix}status": self.value})
        lookup = "lte" if self == State.PUBLISHED else "gt"
        return models.Q(
            **{
                f"{prefix}status": Article.Status.PUBLISHED,
                f"{prefix}published_at__{lookup}": moment or timezone.now(),
            }
        )


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What a reader may see: published, and dated now or in the past."""
        return self.filter(State.PUBLISHED.condition())

    def scheduled(self):
        """Published with a future date: readers see it once the date has passed."""
        return self.filter(State.SCHEDULED.condition())

    def drafts(self):
        return self.filter(State.DRAFT.condition())

    def in_review(self):
        return self.filter(State.REVIEW.condition())

    def on_calendar(self, start, end):
        """
        What the newsroom's calendar shows from ``start`` to ``end``: the published and
        scheduled articles by their publication date, the others by their planned date.
        """
        dated = models.Q(
            status=Article.Status.PUBLISHED, published_at__gte=start, published_at__lt=end
        )
        planned = ~models.Q(status=Article.Status.PUBLISHED) & models.Q(
            planned_for__gte=start, planned_for__lt=end
        )
        return self.filter(dated | planned)

    def under_embargo(self):
        """Held back until a date to come: nobody may publish them before it."""
        return self.filter(embargo_until__gt=timezone.now())

    def written_by(self, user):
        """The articles whose byline holds ``user``'s author profile: a contributor's own work."""
        # One row each: a login has one author profile, in a byline at most once.
        return self.filter(authorships__author__user=user)

    def published_since(self, moment):
        return self.published().filter(published_at__gte=moment)

    def embargo_ending_before(self, moment):
        """Under embargo, and free to be published by ``moment``."""
        return self.under_embargo().filter(embargo_until__lte=moment)

    def for_desk(self):
        """What a line of the newsroom's desk shows: title, section, byline; not the text."""
        return (
            self.select_related("section")
            .defer("body", "body_html", "search_vector", "byline_and_tags", "stored_page")
            .prefetch_related(bylines())
        )

    def with_bylines(self):
        """Section, featured image and authors in order: what every view of an article shows."""
        # The search vector is for the database's eyes only: no page reads it back. The
        # stored byline and page are the article page's: a list reads the bylines in one
        # query, and never the page's HTML.
        return (
            self.select_related("section", "featured_image")
            .defer("search_vector", "byline_and_tags", "stored_page")
            .prefetch_related(bylines())
        )

    def for_listing(self):
        """Everything a card shows: the bylines, without the text."""
        # A tag or an author page sorts every article it holds to pick the newest
        # twelve; without the text, the rows it sorts are a hundred times smaller.
        return self.with_bylines().defer("body", "body_html")

    def for_page(self):
        """The article page's row, with what it joins: its view prefetches the rest."""
        # Not the reviewed film or series with its poster: few articles are reviews, and
        # joining two more tables cost every other page a third of its query's
        # compilation. The view reads them, for a review alone.
        return (
            self.select_related("section", "featured_image")
            # The page shows the body's HTML, stored at save: never its Markdown. Read
            # when its stored page is missing or out of date, which is being rebuilt.
            .defer("search_vector", "body", "stored_page")
            # Few articles are ever corrected: asked in the article's own query, so that
            # the page reads corrections only for those (a query less for the others).
            .annotate(
                has_corrections=models.Exists(
                    Correction.objects.filter(article=models.OuterRef("pk"))
                )
            )
        )

    def for_stored_page(self):
        """
        The article page's row when its page is stored (``stored_page``): the page then
        reads nothing else of it, and its query compiles two columns rather than fifty.
        """
        return self.only("pk", "stored_page")

    def scheduled_changes(self, until):
        """
        The publications due from now to ``until``, as (when, what it stamps) pairs: time
        sends no signal, so the page cache ends the pages they change when they are due.
        """
        scheduled = self.scheduled().filter(published_at__lte=until)
        return [
            (article.published_at, article.publication_stamps())
            for article in scheduled.only("pk", "published_at").prefetch_related("tags")
        ]

    def headline(self):
        """The article at the top of the home page: the latest flagged one, else the latest."""
        # Two walks down an index, each stopping at its first row, rather than a sort
        # of every published article by flag and date.
        newest = self.order_by("-published_at", "-id").values("pk")
        flagged = newest.filter(is_featured=True)
        chosen = Coalesce(models.Subquery(flagged[:1]), models.Subquery(newest[:1]))
        return self.filter(pk=chosen).first()

    def related_to(self, article, limit=3, tag_ids=None):
        """
        Among the latest articles, those sharing the most tags with ``article`` (whose
        ``tag_ids`` are read unless given), then the most recent: a news magazine points
        to what is current, and the cost stays the same with a hundred thousand articles.
        """
        if tag_ids is None:
            tag_ids = [tag.pk for tag in article.tags.all()]
        newest_first = ("-published_at", "-id")
        cards = (
            self.model._default_manager.select_related("section", "featured_image")
            .only(*COMPACT_CARD_FIELDS)
            .order_by(*newest_first)
        )
        if not tag_ids:
            latest = self.exclude(pk=article.pk).order_by(*newest_first).values("pk")[:limit]
            return cards.filter(pk__in=latest)
        article_id = self._column(self.model._meta.db_table, self.model._meta.pk.column)
        shared_tags = RawSQL(*self._shared_tags_sql(article_id, tag_ids))  # noqa: S611
        return cards.filter(pk__in=self._most_related(article, tag_ids, limit)).order_by(
            shared_tags.desc(), *newest_first
        )

    def _most_related(self, article, tag_ids, limit):
        """
        The primary keys of related_to()'s articles, ranked by the database among the
        latest RELATED_CANDIDATES, which carry this queryset's filters (published).
        """
        candidates = self.order_by("-published_at", "-id").values("pk", "published_at")
        candidates = candidates[:RELATED_CANDIDATES]
        # The ORM cannot sort a sliced query again; this SQL sorts the candidates' bare
        # keys and dates, counting shared tags on the tagged items' unique index alone,
        # where a query sorting the articles themselves would read every candidate's
        # row first (8 ms -> 3 ms over 100,000 articles on PostgreSQL).
        candidates_sql, candidates_params = candidates.query.sql_with_params()
        shared_tags_sql, shared_tags_params = self._shared_tags_sql("candidate.pk", tag_ids)
        # Only placeholders and quoted names go into the text; every value is a parameter.
        ranked = f"""
            SELECT candidate.pk FROM ({candidates_sql}) candidate
            WHERE candidate.pk <> %s
            ORDER BY {shared_tags_sql} DESC, candidate.published_at DESC, candidate.pk DESC
            LIMIT %s
        """  # noqa: S608
        parameters = (*candidates_params, article.pk, *shared_tags_params, limit)
        return RawSQL(ranked, parameters)  # noqa: S611 (see above)

    def _shared_tags_sql(self, article_id, tag_ids):
        """
        SQL counting which of ``tag_ids`` the article whose key is in the column
        ``article_id`` carries, and its parameters: written once, for the candidates'
        ranking and for the order of the cards it picks.
        """
        # Plain SQL rather than a Subquery of tagged items: the ORM would build and
        # compile that queryset on every page, a tenth of the page's time.
        tagged_items = self._column(TaggedItem._meta.db_table)
        placeholders = ", ".join(["%s"] * len(tag_ids))
        content_type = ContentType.objects.get_for_model(self.model)
        sql = f"""(
            SELECT COUNT(*) FROM {tagged_items} tagged
            WHERE tagged.object_id = {article_id}
            AND tagged.content_type_id = %s
            AND tagged.tag_id IN ({placeholders})
        )"""  # noqa: S608 (quoted names and placeholders only)
        return sql, (content_type.pk, *tag_ids)

    def _column(self, *names):
        """``names`` quoted for this queryset's database, joined by dots."""
        quote_name = connections[self.db].ops.quote_name
        return ".".join(quote_name(name) for name in names)

    def bulk_create_derived(self, articles, batch_size=None):
        """
        Inserts new ``articles`` as save() writes them, a batch at a time: what
        derive_from_text() works out, the links to the images their text shows and their
        search entries, by the functions save() calls. For generated data (demo/): no
        signal is sent, so no revision is recorded and no page is made stale, and the
        dates are stored as given.
        """
        renders = {}
        for article in articles:
            # Articles of the same text share its render: same text, same result.
            article.rendered = renders.get(article.body)
            article.derive_from_text()
            renders[article.body] = article.rendered
        articles = self.bulk_create(articles, batch_size=batch_size)
        BodyImage.add_links(
            [(article, article.rendered.shown_image_ids) for article in articles],
            batch_size=batch_size,
        )
        search.index(*articles)
        for article in articles:
            article.rendered = None
        return articles

    def search(self, query):
        """
        Articles matching ``query`` (words, "a phrase", -excluded, or), best match first:
        title above standfirst above body, then the newest. French words match whatever
        their accents and inflection: « cinema » finds « Cinémas ».
        """
        return search.find(self, query)

    def tag_index(self):
        """The tags these articles carry, by slug, each with how many do (``article_count``)."""
        # Counted on the join the filter makes: only these articles are counted.
        return (
            Tag.objects.filter(article__in=self.values("pk"))
            .annotate(article_count=models.Count("article"))
            .order_by("slug")
        )


def bylines(portraits=False):
    """
    The prefetch of articles' authors, in byline order. A card names them; the article
    page's author box shows their ``portraits`` too, which a list would read for nothing
    (an image row each, with its renditions: half the time of the bylines' query).
    """
    # The prefetch already joins the through table; ordering on it reuses the
    # join, so authors come back in their byline order at no extra cost. Authors at
    # one position (added without one) come in the order they were added, as the
    # through model orders them: PostgreSQL would otherwise return them in any order.
    authors = Author.objects.order_by("authorships__position", "authorships__id")
    if portraits:
        authors = authors.select_related("avatar")
    return Prefetch("authors", queryset=authors)


def page_out_of_date():
    """
    What ``Article.stored_page`` holds once anything its page shows has changed: a token
    no earlier value held, so that a page rendered before the change cannot be stored
    over it (reader/stored_page.py stores only over the value it read).
    """
    return {"token": uuid.uuid4().hex}


# Half stars, from 0 to 5.
RATINGS = [(Decimal(half) / 2, f"{Decimal(half) / 2:.1f}") for half in range(11)]


class Spoilers(models.TextChoices):
    FREE = "free", _("Spoiler-free")
    CONTAINS = "contains", _("Contains spoilers")


class ConcurrentEdit(Exception):
    """Someone saved the article since the version a save claimed (Article.claimed_version)."""


class Article(HoldsItsRelatedRows, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    class AIUsage(models.TextChoices):
        NONE = "none", _("No AI used")
        ASSISTED = "assisted", _("Written with the help of AI")
        GENERATED = "generated", _("Generated by AI")

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
    revised_at = models.DateTimeField(
        _("updated on (shown to readers)"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when an editor marks an edit after publication as an update."),
    )
    ai_usage = models.CharField(
        _("use of AI"),
        max_length=10,
        choices=AIUsage.choices,
        default=AIUsage.NONE,
        help_text=_("Shown to readers near the byline unless no AI was used."),
    )
    ai_usage_note = models.CharField(
        _("how AI was used"),
        max_length=300,
        blank=True,
        help_text=_(
            "One sentence for readers, e.g. “Interview transcribed with AI, checked by the author.”"
        ),
    )
    works = models.ManyToManyField(
        "works.Work",
        verbose_name=_("films and series discussed"),
        related_name="articles",
        blank=True,
        help_text=_("The article appears on the page of each of these films and series."),
    )
    reviewed_work = models.ForeignKey(
        "works.Work",
        verbose_name=_("review of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        help_text=_("Makes the article a review (« critique ») of this film or series."),
    )
    rating = models.DecimalField(
        _("rating out of 5"),
        max_digits=2,
        decimal_places=1,
        choices=RATINGS,
        null=True,
        blank=True,
        help_text=_("The magazine's rating, in half stars. Only for a review."),
    )
    spoilers = models.CharField(
        _("spoilers"),
        max_length=8,
        choices=Spoilers.choices,
        blank=True,
        help_text=_("Shown to readers on cards and in feeds, so they can choose."),
    )
    embargo_until = models.DateTimeField(
        _("under embargo until"),
        null=True,
        blank=True,
        help_text=_(
            "Paris time. Until then nobody can publish the article nor schedule it earlier, "
            "e.g. a review held until the press screening's end."
        ),
    )
    # A date and a time, not a day: the calendar's week shows drafts by the hour, and
    # the time is the one an editor means to schedule the article for.
    planned_for = models.DateTimeField(
        _("planned date"),
        null=True,
        blank=True,
        help_text=_(
            "Paris time. When the article is meant to go out: it puts a draft on the "
            "newsroom's calendar, and publishes nothing."
        ),
    )
    # PostgreSQL's full-text index, written by save(); SQLite keeps its own in a separate
    # table, and leaves this empty.
    search_vector = SearchVectorField(null=True, editable=False)
    # What its page shows of its authors, their portraits and its tags, copied from their
    # rows whenever one changes (articles/stored_relations.py): the page reads none of
    # them. Written only by that copy, never by a save of the article (_do_update()).
    byline_and_tags = models.JSONField(default=dict, editable=False)
    # Its page's own part (head, text, byline, tags, share links) as rendered in each
    # interface language, stored on the first view after any change to what it shows
    # (reader/stored_page.py); every such change writes a new token here instead.
    stored_page = models.JSONField(default=dict, editable=False)
    # Optimistic locking: each save increments it, and a form saved over a
    # newer version than the one it was opened with is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    seo_description = models.CharField(
        _("description for search engines"),
        max_length=160,
        blank=True,
        help_text=_(
            "Replaces the standfirst in search results and social cards. 160 characters at most."
        ),
    )

    objects = ArticleQuerySet.as_manager()
    # What a save changes of the lists holding it, for the page cache (cache_stamps()).
    tracker = FieldTracker(fields=LISTING_FIELDS)
    # Whether a save renames it, for the redirect from its old address (redirects/renames.py).
    slug_tracker = FieldTracker(fields=["slug"])
    # What a card of it shows besides itself, for the page cache (pagecache.keys_for()).
    cache_shows = ("section", "featured_image", "authors")
    # Whether the row held another save than the one this copy was loaded from: None until
    # known, when a signal reads the row before saving; a claim of the version knows it.
    saved_over_a_newer_copy = None
    # The version the row must still hold for this copy's next save to be written, set by
    # whoever edited the copy from that version (the admin form's claim): a colleague's
    # save since makes the save raise ConcurrentEdit. None writes whatever the row holds.
    claimed_version = None
    # The body's render (markup.rendering.Rendered), when something already made it for
    # this text: the admin form, which checked it, hands it to save(), which then does not
    # parse the body again. Kept for one save: the library's images may change after it.
    rendered = None
    # Every save is a revision. Derived fields are left out: restoring a
    # revision saves it again, which renders them afresh.
    history = HistoricalRecords(
        excluded_fields=[
            "body_html",
            "reading_time",
            "updated_at",
            "created_at",
            "version",
            "search_vector",
            "byline_and_tags",
            "stored_page",
        ],
        cascade_delete_history=True,
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        permissions = [
            ("publish_article", _("Can publish, schedule and unpublish articles")),
            ("edit_any_article", _("Can edit every article, not only one's own drafts")),
            ("lift_embargo", _("Can lift an embargo or bring it forward")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(reviewed_work__isnull=False),
                name="rating_only_for_reviews",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True)
                | models.Q(rating__in=[value for value, _label in RATINGS]),
                name="rating_in_half_stars",
            ),
            # The last word on embargoes, whatever path a save takes: the forms and
            # the workflow refuse earlier, with a message that says until when.
            models.CheckConstraint(
                condition=~models.Q(status="published")
                | models.Q(embargo_until__isnull=True)
                | models.Q(published_at__gte=models.F("embargo_until")),
                name="published_after_embargo",
            ),
        ]
        indexes = [
            # Home, section and author pages: published rows, newest first, to the last
            # column of the order: the home page's count, which leaves the headline out
            # by id, reads this index alone (bench/explain.md).
            models.Index(fields=["status", "-published_at", "-id"], name="article_listing_idx"),
            models.Index(fields=["section", "status", "-published_at"], name="article_section_idx"),
            # The home page's headline: the newest flagged article. Few are flagged, so
            # walking article_listing_idx to the first one reads hundreds of rows.
            models.Index(
                fields=["status", "-published_at", "-id"],
                condition=models.Q(is_featured=True),
                name="article_featured_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.derive_from_text()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.pk is not None:
            self.version += 1
        # Whatever changed, the page as stored shows it no longer.
        self.stored_page = page_out_of_date()
        if self.published_at is not None:
            # Editors schedule to the minute; microseconds would only leak into
            # <time datetime> attributes and feeds.
            self.published_at = self.published_at.replace(microsecond=0)
        if kwargs.get("update_fields") is not None:
            derived = {
                "title",
                "standfirst",
                "body_html",
                "reading_time",
                "published_at",
                "version",
                "stored_page",
            }
            kwargs["update_fields"] = {*kwargs["update_fields"], *derived}
        super().save(*args, **kwargs)
        self.claimed_version = None
        BodyImage.link(self, self.rendered.shown_image_ids)
        search.index(self)
        self.rendered = None

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def unique_error_message(self, model_class, unique_check):
        if unique_check != ("slug",):
            return super().unique_error_message(model_class, unique_check)
        # Named, so that the editor can tell a duplicate from a clash of two titles.
        taken_by = model_class._default_manager.filter(slug=self.slug).first()
        return ValidationError(
            _("This URL slug is already taken by “%(title)s”."),
            code="unique",
            params={"title": taken_by.title if taken_by else self.slug},
        )

    def _do_update(self, base_qs, using, pk_val, values, *args, **kwargs):
        # Optimistic locking in the row's own UPDATE (… WHERE version = n): a claim made
        # by a statement of its own would cost one more on every save. Django has no
        # public hook for it; django-concurrency overrides this same method. Finding no
        # row means a colleague saved first (or deleted it): nothing was written.
        # The stored byline and tags are left as the row holds them: this copy's may
        # predate a change of an author or a tag (a revision's is empty).
        values = [value for value in values if value[0].name != "byline_and_tags"]
        if self.claimed_version is None:
            return super()._do_update(base_qs, using, pk_val, values, *args, **kwargs)
        claimed = base_qs.filter(version=self.claimed_version)
        updated = super()._do_update(claimed, using, pk_val, values, *args, **kwargs)
        if not updated:
            raise ConcurrentEdit
        return updated

    def validate_constraints(self, exclude=None):
        # The check constraints are the database's last word on rules that the forms and
        # the workflow say first, in words (a rating needs a review, the embargo): having
        # the database evaluate each again before every save, a query apiece, says nothing
        # more. Any other kind of constraint is validated as usual.
        checks = (models.CheckConstraint,)
        if all(isinstance(constraint, checks) for constraint in self._meta.constraints):
            return
        super().validate_constraints(exclude)

    def derive_from_text(self):
        """
        What is worked out from what the editor typed, once, at save: the typography of
        the title and standfirst, the body's HTML and its reading time. save() calls it,
        and so does any bulk path (demo/), so that nothing saved can differ from it.
        ``rendered`` is then the body's render, from one parse, with the images it shows.
        """
        self.title = french_typography(self.title)
        self.standfirst = french_typography(self.standfirst)
        if self.rendered is None or self.rendered.source != self.body:
            self.rendered = render(self.body)
        self.body_html = self.rendered.html
        self.reading_time = self.rendered.reading_time

    def cache_stamps(self, created=False, deleted=False):
        """
        What saving or deleting it makes stale (pagecache/keys.py): its pages and cards
        always; while it is or was public, feeds, sitemaps and searches (what articles
        say); and when it moved in the lists (LISTING_FIELDS, as its tracker saw them
        change), every list of articles and the « À lire aussi » of the articles
        sharing its tags. Unpublished or deleted, it leaves every page linking to it by
        its own key, which they name.
        """
        stamps = {key_for(self)}
        # Saved over a colleague's save, a copy may undo what the tracker cannot see.
        newer = self.saved_over_a_newer_copy
        public = self.Status.PUBLISHED in {self.status, self.tracker.previous("status")}
        if not (public or newer):
            return stamps
        stamps.add(texts_key(Article))
        if created or deleted or newer or self.tracker.changed():
            stamps.add(list_key(Article))
            if not deleted:
                stamps |= self.publication_stamps()
        return stamps

    def publication_stamps(self):
        """What its going public changes: the lists, and the pages sharing one of its tags."""
        tags = self.tags.all() if self.pk else ()
        return {key_for(self), list_key(Article), texts_key(Article), *map(key_for, tags)}

    @property
    def state(self):
        return State.of(self.status, self.published_at)

    @property
    def calendar_date(self):
        """Where the calendar puts it: on its publication date once published, else as planned."""
        return self.published_at if self.status == self.Status.PUBLISHED else self.planned_for

    @property
    def is_published(self):
        """Whether readers see it: the one-object twin of ``published()``."""
        return self.published_at is not None and self.state == State.PUBLISHED

    @property
    def modified_at(self):
        """The date readers and search engines are given as the last update."""
        return self.revised_at or self.published_at

    @property
    def is_review(self):
        return self.reviewed_work_id is not None

    @property
    def is_under_embargo(self):
        """The one-object twin of ``under_embargo()``."""
        return self.embargo_until is not None and self.embargo_until > timezone.now()

    @property
    def shows_ai_usage(self):
        return self.ai_usage != self.AIUsage.NONE

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


class Authorship(HoldsItsRelatedRows, models.Model):
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


class BodyImage(models.Model):
    """
    A library image shown in an article's text. Kept in step with the body at every save,
    so that the image cannot be deleted while the article shows it, and the article's
    text is redrawn when the image's caption or renditions change.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="body_images")
    image = models.ForeignKey("images.Image", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("image in the text")
        verbose_name_plural = _("images in the text")
        constraints = [
            models.UniqueConstraint(fields=["article", "image"], name="unique_image_per_body")
        ]

    def __str__(self):
        return str(self.article)

    @classmethod
    def link(cls, article, image_ids):
        """Links ``article`` to the library images its text shows, and to no other."""
        # Two statements whatever changed, rather than reading the links first.
        cls.objects.filter(article=article).exclude(image_id__in=image_ids).delete()
        cls.add_links([(article, image_ids)])

    @classmethod
    def add_links(cls, shown, batch_size=None):
        """Links articles to images their text shows, from ``(article, image_ids)`` pairs."""
        cls.objects.bulk_create(
            [cls(article=article, image_id=image_id) for article, ids in shown for image_id in ids],
            batch_size=batch_size,
            ignore_conflicts=True,
        )


class Correction(models.Model):
    """A correction note, shown publicly at the end of the article with its date."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField(
        _("correction"),
        help_text=_("What was wrong and what is right now, in one or two sentences, for readers."),
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:60]


class EditorialAction(models.Model):
    """Who did what to which article, and when: the newsroom's action log."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("submitted for review")
        PUBLISHED = "published", _("published")
        SCHEDULED = "scheduled", _("scheduled")
        UNPUBLISHED = "unpublished", _("unpublished")
        RESTORED = "restored", _("restored a revision")
        UPDATED = "updated", _("marked as updated")
        CORRECTED = "corrected", _("added a correction")
        EMBARGO_LIFTED = "lifted", _("lifted the embargo")
        NOTED = "noted", _("left a note")
        ANSWERED = "answered", _("answered a note")
        RESOLVED = "resolved", _("resolved a note")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="actions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    kind = models.CharField(_("action"), max_length=12, choices=Kind.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("editorial action")
        verbose_name_plural = _("action log")
        ordering = ["-at", "-id"]

    def __str__(self):
        kind = self.get_kind_display()
        return _("%(kind)s: %(article)s") % {"kind": kind, "article": self.article}

    @classmethod
    def record(cls, article, user, kind, detail=""):
        return cls.objects.create(article=article, user=user, kind=kind, detail=detail[:300])


class PreviewLink(models.Model):
    """
    A link to read an unpublished article without an account.

    The URL carries this row's id signed with SECRET_KEY (nobody can guess or
    alter it); the row holds the expiry and the revocation, which a signature
    alone could not undo.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires on"))
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        ordering = ["-created_at"]

    def __str__(self):
        expiry = date_format(timezone.localtime(self.expires_at), "DATETIME_FORMAT")
        return _("%(article)s (until %(moment)s)") % {"article": self.article, "moment": expiry}

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()
