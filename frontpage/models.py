from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from articles.models import Article, Section
from pagecache import keys_for
from works.models import Work
from works.weeks import ReleaseWeek

# The lead and the secondary leads, by their place on the page.
LEAD_PLACES = [
    (1, _("Lead")),
    (2, _("Secondary lead 1")),
    (3, _("Secondary lead 2")),
    (4, _("Secondary lead 3")),
]
# However many blocks, the page reads its articles in one query; the cap keeps that
# query, and the page, the size a reader scrolls through.
MAX_BLOCKS = 8
BLOCK_SIZES = [(size, str(size)) for size in range(2, 7)]
NEWEST_FIRST = ("-published_at", "-id")


class FrontPage(models.Model):
    """
    The home page: one row, from which its leads and blocks hang, so that the newsroom
    arranges them on one page of the admin.
    """

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home page")

    def __str__(self):
        return gettext("Home page")

    def get_absolute_url(self):
        return reverse("articles:home")


class LeadPick(models.Model):
    """An article the desk puts at one of the leads' places."""

    front_page = models.ForeignKey(FrontPage, on_delete=models.CASCADE, related_name="leads")
    place = models.PositiveSmallIntegerField(_("place"), choices=LEAD_PLACES)
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_(
            "Shown once published: a scheduled article takes its place at its time, "
            "which the latest articles fill until then."
        ),
    )

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["place"]
        constraints = [
            models.UniqueConstraint(fields=["front_page", "place"], name="one_article_per_place"),
            models.UniqueConstraint(fields=["front_page", "article"], name="one_place_per_lead"),
        ]

    def __str__(self):
        return str(self.article)


class Block(models.Model):
    """A row of articles under the leads: picked by the desk first, then filled by its kind."""

    class Kind(models.TextChoices):
        SECTION = "section", _("A section’s latest")
        REVIEWS = "reviews", _("Reviews")
        RELEASES = "releases", _("Releases of the week")
        TAG = "tag", _("A tag’s latest")
        PICKED = "picked", _("Hand-picked")

    front_page = models.ForeignKey(FrontPage, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order on the page, smallest first.")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a section’s latest."),
    )
    tag = models.ForeignKey(
        Tag,
        verbose_name=_("tag"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a tag’s latest."),
    )
    heading = models.CharField(
        _("heading"),
        max_length=80,
        blank=True,
        help_text=_("Left empty: the section’s or the tag’s name, or the kind’s."),
    )
    size = models.PositiveSmallIntegerField(_("number of articles"), choices=BLOCK_SIZES, default=4)
    articles = models.ManyToManyField(
        Article,
        verbose_name=_("picked articles"),
        blank=True,
        related_name="+",
        help_text=_(
            "Shown first, newest first, once published; the block’s kind fills the rest. "
            "A hand-picked block without picks shows the latest articles."
        ),
    )

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.kind == self.Kind.SECTION and self.section_id is None:
            raise ValidationError(
                {"section": _("Choose the section whose latest this block shows.")}
            )
        if self.kind == self.Kind.TAG and self.tag_id is None:
            raise ValidationError({"tag": _("Choose the tag whose latest this block shows.")})
        # The other kinds read neither: a leftover choice would only mislead.
        if self.kind != self.Kind.SECTION:
            self.section = None
        if self.kind != self.Kind.TAG:
            self.tag = None

    @property
    def title(self):
        if self.heading:
            return self.heading
        if self.kind == self.Kind.SECTION and self.section_id:
            return self.section.name
        if self.kind == self.Kind.TAG and self.tag_id:
            return self.tag.name
        return self.get_kind_display()

    @property
    def reader_url(self):
        """Where the heading leads: the page holding the rest of what the block shows."""
        if self.kind == self.Kind.SECTION and self.section_id:
            return self.section.get_absolute_url()
        if self.kind == self.Kind.TAG and self.tag_id:
            return reverse("articles:tag", kwargs={"slug": self.tag.slug})
        if self.kind == self.Kind.REVIEWS:
            # The films and series with the magazine's rating, each linking to its review.
            return reverse("works:index")
        if self.kind == self.Kind.RELEASES:
            return reverse("works:current_release_week")
        return None

    def fill(self, articles, week):
        """Which of ``articles`` the block's kind shows when the desk picked none."""
        if self.kind == self.Kind.SECTION:
            return articles.filter(section_id=self.section_id)
        if self.kind == self.Kind.TAG:
            return articles.filter(tags=self.tag_id)
        if self.kind == self.Kind.REVIEWS:
            return articles.filter(reviewed_work__isnull=False)
        if self.kind == self.Kind.RELEASES:
            out = Work.objects.released_in_week(week.start).values("pk")
            about = Article.objects.filter(
                models.Q(works__in=out) | models.Q(reviewed_work__in=out)
            )
            return articles.filter(pk__in=about.values("pk"))
        return articles


@dataclass
class Composition:
    """The home page's first screen and blocks, as compose() found them."""

    leads: list
    blocks: list
    week: ReleaseWeek
    shown_ids: set = field(default_factory=set)

    @property
    def articles(self):
        return [*self.leads, *(article for block in self.blocks for article in block.shown)]

    def cache_keys(self):
        """What it shows, and its arrangement, which only the home page names."""
        tags = [block.tag for block in self.blocks if block.tag_id]
        shown = [FrontPage, self.articles, tags]
        if self.shows_releases:
            # Which works come out this week: a work's new date changes the block.
            shown.append(Work)
        return keys_for(*shown)

    @property
    def shows_releases(self):
        return any(block.kind == Block.Kind.RELEASES for block in self.blocks)

    @property
    def expires_at(self):
        # Time alone turns the week, and with it the release block: no save says so.
        return self.week.ends_at if self.shows_releases else None


def compose():
    """
    The home page's leads and blocks, each article shown once: the desk's picks that
    are published, at their places; the rest filled, the lead by the latest headline
    (Article.is_featured) else the latest article, the others by their kind's latest.
    Two queries, whatever the number of blocks: the blocks, then every article shown.
    """
    blocks = list(Block.objects.select_related("section", "tag")[:MAX_BLOCKS])
    week = ReleaseWeek.current()
    picked = LeadPick.objects.values("article")
    picked_in_blocks = Block.articles.through.objects.filter(block__in=[b.pk for b in blocks])
    unpicked = (
        Article.objects.published()
        .exclude(pk__in=picked)
        .exclude(pk__in=picked_in_blocks.values("article"))
        .order_by(*NEWEST_FIRST)
        .values("pk")
    )
    # Each slot reads enough of the latest to stay full once the slots above took theirs.
    enough = len(LEAD_PLACES) + 1
    candidates = {
        "flagged": models.Q(pk__in=unpicked.filter(is_featured=True)[:1]),
        "latest": models.Q(pk__in=unpicked[:enough]),
        "lead_picked": models.Q(pk__in=picked),
    }
    for block in blocks:
        enough += block.size
        candidates[f"picked_{block.pk}"] = models.Q(
            pk__in=picked_in_blocks.filter(block=block).values("article")
        )
        candidates[f"filled_{block.pk}"] = models.Q(pk__in=block.fill(unpicked, week)[:enough])
    found = list(
        Article.objects.published()
        .for_listing()
        .prefetch_related(None)
        .filter(reduce(or_, candidates.values()))
        .annotate(
            place=Subquery(LeadPick.objects.filter(article=OuterRef("pk")).values("place")[:1]),
            **{
                name: ExpressionWrapper(condition, output_field=BooleanField())
                for name, condition in candidates.items()
            },
        )
        .order_by(*NEWEST_FIRST)
    )
    composition = Composition(leads=[], blocks=[], week=week)
    shown = composition.shown_ids

    def take(articles, count):
        taken = [article for article in articles if article.pk not in shown][:count]
        shown.update(article.pk for article in taken)
        return taken

    # The desk's picks first, wherever they are: the filling then avoids them.
    at_place = {article.place: article for article in found if article.lead_picked}
    take(at_place.values(), len(at_place))
    flagged = [article for article in found if article.flagged]
    latest = [article for article in found if article.latest]
    for place, _label in LEAD_PLACES:
        if place in at_place:
            composition.leads.append(at_place[place])
            continue
        fill = [*flagged, *latest] if place == 1 else latest
        composition.leads += take(fill, 1)
    for block in blocks:
        block.shown = take((a for a in found if getattr(a, f"picked_{block.pk}")), block.size)
        filled = (article for article in found if getattr(article, f"filled_{block.pk}"))
        block.shown += take(filled, block.size - len(block.shown))
        if block.shown:
            composition.blocks.append(block)
    return composition
