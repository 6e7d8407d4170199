"""
A renamed thing keeps its old addresses: when the slug of a published article, a section,
a tag, an author or a work changes, each address readers had for it (its page and its
feeds, in each language) redirects to the new one.
"""

import copy

from django.conf import settings
from django.urls import is_valid_path, reverse
from django.utils import timezone, translation
from taggit.models import Tag

from articles.models import Article

from .models import Redirect

# Under a page's address, what readers also ask for: its feeds, where it has them.
FEED_SUFFIXES = ("feed/", "feed/atom/")


def page_address(instance):
    # taggit's Tag has no get_absolute_url(): its page is the reader's tag page.
    if isinstance(instance, Tag):
        return reverse("articles:tag", kwargs={"slug": instance.slug})
    return instance.get_absolute_url()


def addresses_of(instance):
    """Each address readers use for ``instance``: its page, then its feeds, in each language."""
    addresses = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            page = page_address(instance)
            addresses.append(page)
            addresses += [page + suffix for suffix in FEED_SUFFIXES if is_valid_path(page + suffix)]
    return addresses


def was_public(instance):
    """Whether readers could have the address ``instance`` had before this save."""
    if isinstance(instance, Article):
        published_at = instance.tracker.previous("published_at")
        return (
            instance.tracker.previous("status") == Article.Status.PUBLISHED
            and published_at is not None
            and published_at <= timezone.now()
        )
    return True


def slug_before_save(instance):
    """The slug the row holds, before ``instance`` is saved over it; None for a new one."""
    if instance.pk is None:
        return None
    if isinstance(instance, Article):
        # An article is saved often, and its save's queries are counted: its tracker
        # knows without asking.
        return instance.slug_tracker.previous("slug")
    rows = type(instance)._base_manager.filter(pk=instance.pk)
    return rows.values_list("slug", flat=True).first()


def keep_old_addresses(instance, old_slug):
    """
    Make the addresses ``instance`` had under ``old_slug`` redirect to its new ones, and
    return the pairs (old, new), its page's first.
    """
    before = copy.copy(instance)
    before.slug = old_slug
    moves = list(zip(addresses_of(before), addresses_of(instance), strict=True))
    # It lives at its new addresses now: whatever redirected them (its own earlier name,
    # renamed back) is over.
    Redirect.objects.filter(old_path__in=[new for _old, new in moves]).delete()
    for old, new in moves:
        Redirect.objects.point(old, new, source=Redirect.Source.RENAME)
    return moves


def release_addresses(instance):
    """Let ``instance`` take addresses that redirected elsewhere: the editor chose to."""
    Redirect.objects.filter(old_path__in=addresses_of(instance)).delete()


def redirect_taken_over(instance, slug):
    """
    The redirect whose old address ``instance`` would take with ``slug``, or None: a new
    article may not silently take the old address of a renamed one. Its own old slug,
    which leads to it, is its to take back.
    """
    candidate = copy.copy(instance)
    candidate.slug = slug
    with translation.override(settings.LANGUAGE_CODE):
        redirect = Redirect.objects.at(page_address(candidate)).first()
        if redirect is None:
            return None
        if instance.pk is not None and redirect.target == page_address(instance):
            return None
    return redirect
