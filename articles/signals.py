from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from taggit.models import Tag

import pagecache
import search
from authors.models import Author
from images.embedding import render
from images.models import Image
from images.signals import image_changed
from works.models import Work

from . import stored_relations
from .models import Article, Authorship, Correction, Section, page_out_of_date


@receiver(image_changed)
def redraw_bodies_showing(sender, image, **kwargs):
    """
    A body stores its figures' HTML: when an image's caption, alt text or renditions
    change, the articles showing it are rendered again. An update, not save(): the
    editor's text did not change, so no new version or revision.
    """
    for article in Article.objects.filter(body_images__image=image).only("pk", "body"):
        Article.objects.filter(pk=article.pk).update(
            body_html=render(article.body).html, stored_page=page_out_of_date()
        )
        # Feeds carry the bodies; every other page shows the article's own key.
        pagecache.invalidate({pagecache.key_for(article), pagecache.texts_key(Article)})


@receiver(post_delete, sender=Article)
def unindex_deleted(sender, instance, using, **kwargs):
    # A signal rather than Article.delete(): the admin's bulk delete and any
    # queryset.delete() skip the model method but still send it.
    search.unindex(instance.pk, using)


# The page cache (pagecache/keys.py): what each change makes stale. Signals rather
# than save() methods, because the admin's bulk actions, taggit and queryset.delete()
# skip those but still send them.


@receiver(pre_save, sender=Article)
def notice_a_newer_copy(sender, instance, using, raw=False, **kwargs):
    """
    The tracker compares with this copy as it was loaded: saved over a colleague's later
    save, it puts back what they moved without seeing it. One read, and only when the
    tracker saw no move: the version save() just counted up says which save the row holds.
    Not at all when a claim of the version (the admin form's) has already said.
    """
    if raw or instance.pk is None or instance.saved_over_a_newer_copy is not None:
        return
    if instance.tracker.changed():
        return
    loaded = instance.version - 1
    current = Article.objects.using(using).filter(pk=instance.pk).values_list("version", flat=True)
    instance.saved_over_a_newer_copy = current.first() not in (None, loaded)


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def refresh_article_pages(sender, instance, signal, created=False, **kwargs):
    pagecache.invalidate(
        pagecache.stamped_by(instance, created=created, deleted=signal is post_delete)
    )
    instance.saved_over_a_newer_copy = None


@receiver(post_save, sender=Authorship)
@receiver(post_delete, sender=Authorship)
def refresh_pages_of_article_byline(sender, instance, **kwargs):
    # A byline moves the article between author pages, and shows on every card.
    pagecache.invalidate({pagecache.key(Article, instance.article_id), pagecache.list_key(Article)})


@receiver(post_save, sender=Correction)
@receiver(post_delete, sender=Correction)
def refresh_pages_of_corrected_article(sender, instance, **kwargs):
    # Shown at the end of the article, on its page alone.
    pagecache.invalidate({pagecache.key(Article, instance.article_id)})


@receiver(m2m_changed, sender=Article.tags.through)
def refresh_pages_of_retagged_article(sender, instance, action, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    stamps = {pagecache.key_for(instance)}
    if instance.status == Article.Status.PUBLISHED:
        # The tag pages it joins or leaves, and the « À lire aussi » their tags pick.
        tags = pk_set or instance.tags.values_list("pk", flat=True)
        stamps |= {pagecache.list_key(Article), *(pagecache.key(Tag, pk) for pk in tags)}
    pagecache.invalidate(stamps)


@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
@receiver(post_delete, sender=Image)
def refresh_pages_showing(sender, instance, **kwargs):
    pagecache.invalidate(pagecache.stamped_by(instance))


@receiver(image_changed)
def refresh_pages_showing_image(sender, image, **kwargs):
    # Cards, featured images, avatars, and the image entries of feeds and sitemaps.
    pagecache.invalidate(pagecache.stamped_by(image))


@receiver(m2m_changed, sender=Article.works.through)
def refresh_pages_of_relinked_article(sender, instance, action, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    # Seen from either side: article.works.add(work) or work.articles.add(article).
    others = {pagecache.key(model, pk) for pk in pk_set or ()}
    lists = {pagecache.list_key(instance), pagecache.list_key(model)}
    pagecache.invalidate({pagecache.key_for(instance), *others, *lists})


# The byline and tags stored with each article (articles/stored_relations.py): rewritten
# with whatever they copy, in the same transaction. Signals, for the same reasons.


@receiver(post_save, sender=Authorship)
@receiver(post_delete, sender=Authorship)
def store_byline(sender, instance, origin=None, **kwargs):
    if isinstance(origin, Article) or getattr(origin, "model", None) is Article:
        # Deleted with its article: nothing left to store.
        return
    stored_relations.refresh([instance.article_id])


@receiver(m2m_changed, sender=Article.tags.through)
def store_tags(sender, instance, action, reverse, pk_set, **kwargs):
    if action.startswith("post_"):
        # Seen from either side: the article's tags, or a tag's articles.
        stored_relations.refresh(pk_set or () if reverse else [instance.pk])


@receiver(post_save, sender=Author)
def store_bylines_of_author(sender, instance, created, **kwargs):
    if not created:
        stored_relations.refresh(instance.articles.values_list("pk", flat=True))


@receiver(image_changed)
def store_bylines_of_portrait(sender, image, **kwargs):
    portrayed = Article.objects.filter(authors__avatar=image).distinct()
    stored_relations.refresh(portrayed.values_list("pk", flat=True))


@receiver(post_save, sender=Tag)
def store_tags_of_renamed(sender, instance, created, **kwargs):
    if not created:
        tagged = Article.objects.filter(tags=instance)
        stored_relations.refresh(tagged.values_list("pk", flat=True))


@receiver(pre_delete, sender=Tag)
def note_articles_of_deleted_tag(sender, instance, **kwargs):
    # Its tagged items go first, with no m2m_changed: after the delete, nothing says
    # which articles carried it.
    instance.tagged_article_ids = list(
        Article.objects.filter(tags=instance).values_list("pk", flat=True)
    )


@receiver(post_delete, sender=Tag)
def store_tags_of_deleted(sender, instance, **kwargs):
    stored_relations.refresh(getattr(instance, "tagged_article_ids", ()))


# The page stored with each article (reader/stored_page.py) shows, besides the article's
# own fields (its save) and what the stored byline and tags copy (above): its section,
# its corrections, its featured image and the film or series it reviews, with its poster.


@receiver(post_save, sender=Section)
def forget_pages_of_section(sender, instance, created, **kwargs):
    if not created:
        stored_relations.forget_pages(instance.articles.all())


@receiver(post_save, sender=Correction)
@receiver(post_delete, sender=Correction)
def forget_page_of_corrected(sender, instance, origin=None, **kwargs):
    if isinstance(origin, Article) or getattr(origin, "model", None) is Article:
        # Deleted with its article: no page left.
        return
    stored_relations.forget_pages(Article.objects.filter(pk=instance.article_id))


@receiver(image_changed)
def forget_pages_showing_image(sender, image, **kwargs):
    # Its text's figures are drawn again above; its authors' portraits are copied again.
    shown = Article.objects.filter(
        models.Q(featured_image=image) | models.Q(reviewed_work__poster=image)
    )
    stored_relations.forget_pages(shown)


@receiver(post_save, sender=Work)
def forget_pages_of_reviews(sender, instance, created, **kwargs):
    if not created:
        stored_relations.forget_pages(instance.reviews.all())
