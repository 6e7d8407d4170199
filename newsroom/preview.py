"""
Reading an article before readers can: editors from the admin, anyone else
through a preview link.

Both go through the public article page's view and template, so what they
see is the page as it will be published, under a banner. Neither page may be
kept by a cache or a search engine, and a preview link must not travel
further than the person it was sent to: its page sends no Referer.

A link carries the id of its ``PreviewLink`` row, signed with SECRET_KEY and
a salt of its own, so that no other value the site signs can pass for one.
The signature has no timestamp: the address shown in the admin today is the
one sent yesterday. The row holds the expiry and the revocation, which the
newsroom can change after the link has left.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from articles.models import Article, PreviewLink, State
from reader.views.articles import ArticleDetailView

SALT = "newsroom.preview.link"


def token_for(link):
    return signing.Signer(salt=SALT).sign_object(link.pk)


def link_from_token(token):
    """The ``PreviewLink`` a token was made for, active or not; 404 if forged or unknown."""
    try:
        pk = signing.Signer(salt=SALT).unsign_object(token)
    except signing.BadSignature:
        raise Http404 from None
    if not isinstance(pk, int):
        raise Http404
    return get_object_or_404(PreviewLink, pk=pk)


def link_url(link):
    """The address to send: on the public origin, in the site's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("newsroom:preview", kwargs={"token": token_for(link)})
    return settings.SITE_URL + path


def private_page(response):
    """Headers for a page meant for a few eyes: not stored, not indexed, no Referer sent."""
    add_never_cache_headers(response)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    # Set here, SecurityMiddleware keeps it: a link followed from the page
    # would otherwise carry the preview's address to another site.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@dataclass(frozen=True)
class Preview:
    """What the preview banner says about the article under it."""

    article: Article
    link: PreviewLink | None = None
    edit_url: str = ""

    @property
    def state(self):
        state = self.article.state
        return state if state in {State.PUBLISHED, State.SCHEDULED} else "unpublished"


class ArticlePreviewView(ArticleDetailView):
    """The public article page for an article in any state, with the preview banner."""

    stores_page = False

    def get_queryset(self):
        return Article.objects.for_page()

    def get_preview(self):
        return Preview(self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=self.get_preview(), **kwargs)

    def render_to_response(self, context, **response_kwargs):
        return private_page(super().render_to_response(context, **response_kwargs))


class StaffPreviewView(ArticlePreviewView):
    """
    The preview from the article's admin page, for whoever may see that
    article there: the ``ArticleAdmin`` decides, with the newsroom's roles.
    """

    model_admin = None

    def get_object(self, queryset=None):
        try:
            pk = Article._meta.pk.to_python(self.kwargs["object_id"])
        except ValidationError:
            raise Http404 from None
        article = get_object_or_404(self.get_queryset(), pk=pk)
        admin, request = self.model_admin, self.request
        if not (
            admin.has_view_permission(request, article)
            or admin.has_change_permission(request, article)
        ):
            raise PermissionDenied
        return article

    def get_preview(self):
        opts = self.model_admin.opts
        edit_url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[self.object.pk],
            current_app=self.model_admin.admin_site.name,
        )
        return Preview(self.object, edit_url=edit_url)


class PreviewLinkView(ArticlePreviewView):
    """The article as a preview link shows it to someone without an account."""

    link = None

    def get(self, request, *args, **kwargs):
        self.link = link_from_token(kwargs["token"])
        if not self.link.is_active:
            gone = TemplateResponse(
                request, "articles/preview_gone.html", {"link": self.link}, status=410
            )
            return private_page(gone)
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.link.article_id)

    def get_preview(self):
        return Preview(self.object, link=self.link)
