from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

import pagecache

from .models import Redirect


@receiver(post_save, sender=Redirect)
@receiver(post_delete, sender=Redirect)
def refresh_answer_of_redirect(sender, instance, **kwargs):
    # Its own answer, and "redirects": the pages not found, one of which it now answers.
    pagecache.invalidate(pagecache.stamped_by(instance))
