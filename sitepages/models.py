from django.core.exceptions import ValidationError
from django.db import models
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

from images.embedding import render
from markup.rendering import TextTooComplex

# The pages every French publication shows in its footer, by address: the law requires
# the legal notice of an online publication (loi du 21 juin 2004, article 6), and readers
# look for the other three there. The footer links to them whatever their titles.
LEGAL_NOTICE = "mentions-legales"
CONTACT = "contact"
ABOUT = "a-propos"
PRIVACY = "confidentialite"
FOOTER_PAGES = (ABOUT, CONTACT, LEGAL_NOTICE, PRIVACY)


class SitePage(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("address"),
        max_length=100,
        unique=True,
        help_text=_("The page is read at /address/."),
    )
    body = models.TextField(_("text"), help_text=_("Markdown, as in articles."))
    body_html = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The body's last render, kept while the text is the same (render_body()).
    rendered_body = None

    class Meta:
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = self.render_body().html
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("sitepages:page", kwargs={"slug": self.slug})

    @property
    def is_in_footer(self):
        """The footer links to it by its address: that address must keep answering."""
        return self.slug in FOOTER_PAGES

    def clean(self):
        if self.slug and not self._address_is_free():
            raise ValidationError(
                {"slug": _("Another page of the site already answers at this address.")}
            )
        try:
            self.body_html = self.render_body().html
        except TextTooComplex as refusal:
            raise ValidationError({"body": refusal.message}) from None

    def render_body(self):
        """The body's render (markup.rendering.Rendered), made once for clean() and save()."""
        if self.rendered_body is None or self.rendered_body.source != self.body:
            self.rendered_body = render(self.body)
        return self.rendered_body

    def _address_is_free(self):
        # Site pages answer last, after every other address: /articles/ or /recherche/
        # would never reach one. The URLconf says which addresses are taken.
        try:
            match = resolve(f"/{self.slug}/")
        except Resolver404:
            return True
        return match.view_name == "sitepages:page"
