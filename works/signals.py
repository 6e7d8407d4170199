from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from articles.models import Article
from screenmania import pagecache

from .models import Work


@receiver(post_save, sender=Work)
@receiver(post_delete, sender=Work)
def refresh_pages_showing_work(sender, instance, **kwargs):
    # Its page, the articles and reviews that name it, and "works": the release
    # weeks, the feeds and the sitemaps.
    pagecache.invalidate({pagecache.key_for(instance), "works"})


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
