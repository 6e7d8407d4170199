from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

import pagecache

from .models import SitePage


@receiver(post_save, sender=SitePage)
@receiver(post_delete, sender=SitePage)
def refresh_site_page(sender, instance, **kwargs):
    # The page itself, and "sitepages": the sitemap that lists them.
    pagecache.invalidate(pagecache.stamped_by(instance))
