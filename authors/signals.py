from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

import pagecache

from .models import Author


@receiver(post_save, sender=Author)
@receiver(post_delete, sender=Author)
def refresh_pages_showing_author(sender, instance, **kwargs):
    # The author page, every byline (cards, articles) and the feeds and sitemaps.
    pagecache.invalidate(pagecache.stamped_by(instance))
