from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

import pagecache

from .models import Letter


@receiver(post_save, sender=Letter)
@receiver(post_delete, sender=Letter)
def refresh_subscription_forms(sender, instance, **kwargs):
    # "letters": the pages whose subscription form lists the letters offered.
    pagecache.invalidate(pagecache.stamped_by(instance))
