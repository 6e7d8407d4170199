from django.db.models.signals import post_delete
from django.dispatch import receiver

from images.signals import image_changed

from . import search
from .models import Article
from .rendering import render_markdown


@receiver(image_changed)
def redraw_bodies_showing(sender, image, **kwargs):
    """
    A body stores its figures' HTML: when an image's caption, alt text or renditions
    change, the articles showing it are rendered again. An update, not save(): the
    editor's text did not change, so no new version or revision.
    """
    for article in Article.objects.filter(body_images__image=image).only("pk", "body"):
        Article.objects.filter(pk=article.pk).update(body_html=render_markdown(article.body))


@receiver(post_delete, sender=Article)
def unindex_deleted(sender, instance, using, **kwargs):
    # A signal rather than Article.delete(): the admin's bulk delete and any
    # queryset.delete() skip the model method but still send it.
    search.unindex(instance.pk, using)
