from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

import pagecache

from .models import Block, FrontPage, LeadPick

# Signals, as for articles: the admin's inlines and an article's deletion, which takes
# its picks with it, skip the models' save() and delete() but send them.


@receiver(post_save, sender=FrontPage)
@receiver(post_delete, sender=FrontPage)
@receiver(post_save, sender=LeadPick)
@receiver(post_delete, sender=LeadPick)
@receiver(post_save, sender=Block)
@receiver(post_delete, sender=Block)
def refresh_home_page(sender, **kwargs):
    # The arrangement shows on the home page alone, which names it.
    pagecache.invalidate({pagecache.list_key(FrontPage)})


@receiver(m2m_changed, sender=Block.articles.through)
def refresh_home_page_of_picks(sender, action, **kwargs):
    if action.startswith("post_"):
        refresh_home_page(sender)
