from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

import pagecache

from .models import Work


@receiver(post_save, sender=Work)
@receiver(post_delete, sender=Work)
def refresh_pages_showing_work(sender, instance, **kwargs):
    # Its page, the articles and reviews that name it, and "works": the release
    # weeks, the feeds and the sitemaps.
    pagecache.invalidate(pagecache.stamped_by(instance))
