from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from taggit.models import Tag

import pagecache
from articles.models import Article, Section
from authors.models import Author
from works.models import Work

from .models import Redirect
from .renames import keep_old_addresses, slug_before_save, was_public


@receiver(post_save, sender=Redirect)
@receiver(post_delete, sender=Redirect)
def refresh_answer_of_redirect(sender, instance, **kwargs):
    # Its own answer, and "redirects": the pages not found, one of which it now answers.
    pagecache.invalidate(pagecache.stamped_by(instance))


@receiver(pre_save, sender=Article)
@receiver(pre_save, sender=Section)
@receiver(pre_save, sender=Tag)
@receiver(pre_save, sender=Author)
@receiver(pre_save, sender=Work)
def notice_a_rename(sender, instance, raw=False, **kwargs):
    # Before the save, while the row still holds the old slug.
    old_slug = None if raw else slug_before_save(instance)
    renamed = old_slug not in (None, instance.slug) and was_public(instance)
    instance.renamed_from = old_slug if renamed else None


@receiver(post_save, sender=Article)
@receiver(post_save, sender=Section)
@receiver(post_save, sender=Tag)
@receiver(post_save, sender=Author)
@receiver(post_save, sender=Work)
def redirect_old_addresses(sender, instance, raw=False, **kwargs):
    """
    Its old addresses lead to the new ones; the admin tells the editor (``redirected``:
    the pairs, old and new, its page's first).
    """
    old_slug = getattr(instance, "renamed_from", None)
    instance.renamed_from = None
    instance.redirected = keep_old_addresses(instance, old_slug) if old_slug else []
