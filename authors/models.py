from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from images.embedding import render
from markup.rendering import TextTooComplex


class AuthorQuerySet(models.QuerySet):
    def for_team_page(self):
        """
        The authors readers can read, by name: each with a published article, with their
        portrait and the latest of them (``latest_articles``, a list of one).
        """
        # The article model, through the relation: authors sit below articles in the
        # layers (README), so this app names no article module.
        published = self.model._meta.get_field("articles").related_model.objects.published()
        latest = published.defer(
            "body", "body_html", "search_vector", "byline_and_tags", "stored_page"
        )
        return (
            self.filter(models.Exists(published.filter(authors=models.OuterRef("pk"))))
            .select_related("avatar")
            .prefetch_related(
                models.Prefetch(
                    "articles",
                    # One query for the page: Django slices each author's list with a window.
                    queryset=latest.order_by("-published_at", "-id")[:1],
                    to_attr="latest_articles",
                )
            )
            # By slug, which spells names without accents: « Élodie » sorts among the
            # E, where the database's byte order would put it after « Zoé ».
            .order_by("slug")
        )


class Author(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    role = models.CharField(
        _("role"),
        max_length=80,
        blank=True,
        help_text=_("What they do at the magazine, e.g. “Critique cinéma”, “Rédactrice en chef”."),
    )
    bio = models.TextField(
        _("biography"),
        blank=True,
        help_text=_("A few sentences in Markdown, shown in the author box and on the author page."),
    )
    bio_html = models.TextField(editable=False, blank=True)
    signature = models.CharField(
        _("signature line"),
        max_length=200,
        blank=True,
        help_text=_("Shown under every article, e.g. “Article écrit avec passion par Marie”."),
    )
    avatar = models.ForeignKey(
        "images.Image",
        verbose_name=_("avatar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
    )
    website = models.URLField(_("website"), blank=True)
    bluesky = models.URLField(_("Bluesky profile"), blank=True)
    mastodon = models.URLField(_("Mastodon profile"), blank=True)

    objects = AuthorQuerySet.as_manager()
    # What a page showing the author shows besides, for the page cache (pagecache.keys_for()).
    cache_shows = ("avatar",)
    # The bio's last render, kept while the text is the same (render_bio()).
    rendered_bio = None

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.bio_html = self.render_bio().html
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "bio_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("authors:detail", kwargs={"slug": self.slug})

    def clean(self):
        try:
            self.bio_html = self.render_bio().html
        except TextTooComplex as refusal:
            raise ValidationError({"bio": refusal.message}) from None

    def render_bio(self):
        """The bio's render (markup.rendering.Rendered), made once for clean() and save()."""
        if self.rendered_bio is None or self.rendered_bio.source != self.bio:
            self.rendered_bio = render(self.bio)
        return self.rendered_bio

    def public_links(self):
        """(label, url) for each profile the author chose to show."""
        candidates = [
            (_("Website"), self.website),
            ("Bluesky", self.bluesky),
            ("Mastodon", self.mastodon),
        ]
        return [(label, url) for label, url in candidates if url]
