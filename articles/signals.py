from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from taggit.models import Tag

import pagecache
import search
from images.embedding import render
from images.models import Image
from images.signals import image_changed

from .models import LISTING_FIELDS, Article, Authorship, Correction, Section


@receiver(image_changed)
def redraw_bodies_showing(sender, image, **kwargs):
    """
    A body stores its figures' HTML: when an image's caption, alt text or renditions
    change, the articles showing it are rendered again. An update, not save(): the
    editor's text did not change, so no new version or revision.
    """
    for article in Article.objects.filter(body_images__image=image).only("pk", "body"):
        Article.objects.filter(pk=article.pk).update(body_html=render(article.body).html)
        # Feeds carry the bodies; every other page shows the article's own key.
        pagecache.invalidate({pagecache.key_for(article), pagecache.ARTICLE_TEXTS})


@receiver(post_delete, sender=Article)
def unindex_deleted(sender, instance, using, **kwargs):
    # A signal rather than Article.delete(): the admin's bulk delete and any
    # queryset.delete() skip the model method but still send it.
    search.unindex(instance.pk, using)


# The page cache (pagecache/__init__.py): what each change makes stale. Signals
# rather than save() methods, because the admin's bulk actions, taggit and
# queryset.delete() skip those but still send them.


@receiver(pre_save, sender=Article)
def remember_where_it_was_listed(sender, instance, using, raw=False, **kwargs):
    # Read from the database, not from the instance as it was loaded: a copy loaded
    # before a colleague moved the article would hide the move it undoes.
    if instance.pk is None or raw:
        instance.listed_before = None
        return
    found = Article.objects.using(using).filter(pk=instance.pk).values(*LISTING_FIELDS)
    instance.listed_before = found.first()


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def refresh_article_pages(sender, instance, signal, created=False, **kwargs):
    keys = {pagecache.key_for(instance)}
    if instance.lists_change:
        # Feeds, sitemaps and search show what every published article says.
        keys.add(pagecache.ARTICLE_TEXTS)
        if created or signal is post_delete or instance.moved_in_lists:
            # Lists, feeds and sitemaps, and the related articles of every page. An edit
            # that moves nothing (a typo in the story everyone is reading) leaves them
            # in the cache: they show the article through its card's key.
            keys.add("articles")
    pagecache.invalidate(keys)
    # What the database now holds, for this instance's next save.
    instance.loaded_status = instance.status


@receiver(post_save, sender=Authorship)
@receiver(post_delete, sender=Authorship)
@receiver(post_save, sender=Correction)
@receiver(post_delete, sender=Correction)
def refresh_pages_of_article(sender, instance, **kwargs):
    # A byline moves the article between author pages, and shows on every card.
    pagecache.invalidate({f"article-{instance.article_id}", "articles"})


@receiver(m2m_changed, sender=Article.tags.through)
def refresh_pages_of_retagged_article(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        pagecache.invalidate({pagecache.key_for(instance), "articles"})


@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
def refresh_pages_showing(sender, instance, **kwargs):
    # "sections" is on every page (the navigation); "tags" on feeds and sitemaps.
    pagecache.invalidate({pagecache.key_for(instance), f"{instance._meta.model_name}s"})


@receiver(image_changed)
@receiver(post_delete, sender=Image)
def refresh_pages_showing_image(sender, image=None, instance=None, **kwargs):
    # Cards, featured images, avatars, and the image entries of feeds and sitemaps.
    pagecache.invalidate({pagecache.key_for(image or instance), "images"})


# Seen from either side: article.works.add(work) or work.articles.add(article).
@receiver(m2m_changed, sender=Article.works.through)
def refresh_pages_of_relinked_article(sender, instance, action, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    # Seen from either side: article.works.add(work) or work.articles.add(article).
    if isinstance(instance, Article):
        keys = {pagecache.key_for(instance), *(f"work-{pk}" for pk in pk_set or ())}
    else:
        keys = {pagecache.key_for(instance), *(f"article-{pk}" for pk in pk_set or ())}
    pagecache.invalidate(keys | {"articles", "works"})
