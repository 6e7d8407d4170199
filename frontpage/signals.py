from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

import pagecache

from .models import Block, FrontPage, LeadPick


@receiver(post_save, sender=FrontPage)
@receiver(post_delete, sender=FrontPage)
@receiver(post_save, sender=LeadPick)
@receiver(post_delete, sender=LeadPick)
@receiver(post_save, sender=Block)
@receiver(post_delete, sender=Block)
@receiver(m2m_changed, sender=Block.articles.through)
def refresh_home_page(sender, action="post_", **kwargs):
    # Signals, as for articles: the admin's inlines and a deleted article's cascade
    # skip save() and delete() but send them. Only the home page names its composition.
    if action.startswith("post_"):
        pagecache.invalidate({pagecache.list_key(FrontPage)})
