"""
Merging tags: « Cannes 2026 » and « Festival de Cannes » become one tag, on every
article that carried either.
"""

from itertools import chain

from django.db import transaction
from django.db.models import Exists, OuterRef
from taggit.models import Tag, TaggedItem

import pagecache
from articles import stored_relations
from articles.models import Article
from redirects.models import Redirect
from redirects.renames import address_pairs


def merge_tags(tags, name):
    """
    Give everything tagged with one of ``tags`` the tag called ``name`` instead,
    then delete ``tags``; return that tag, made if none is called so.

    In a few statements whatever the number of articles, not through each
    article's ``tags.add()``: a tag of a few years carries thousands.
    """
    with transaction.atomic():
        into = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
        merged = [tag for tag in tags if tag.pk != into.pk]
        items = TaggedItem.objects.filter(tag__in=merged)
        retagged = list(Article.objects.filter(tags__in=merged).values_list("pk", flat=True))
        same_object = TaggedItem.objects.filter(
            content_type=OuterRef("content_type"), object_id=OuterRef("object_id")
        )
        # An object carries a tag once: it keeps the tag it already had, or the
        # first of the merged ones it carried.
        items.filter(Exists(same_object.filter(tag=into))).delete()
        items.filter(Exists(same_object.filter(tag__in=merged, pk__lt=OuterRef("pk")))).delete()
        items.update(tag=into)
        # An update sends no signal: the tags stored with each article, rewritten here.
        stored_relations.refresh(set(retagged))
        # Their addresses lead to the merged tag's (redirects/), read before they go.
        moves = [address_pairs(tag, into) for tag in merged]
        # Their deletion makes stale the pages showing them (articles/signals.py).
        for tag in merged:
            tag.delete()
        for old, new in chain.from_iterable(moves):
            Redirect.objects.point(old, new, source=Redirect.Source.RENAME)
        # What a retagged article makes stale (articles/signals.py), for every article
        # retagged: the pages showing the tag, and every list of articles.
        pagecache.invalidate({pagecache.key_for(into), pagecache.list_key(Article)})
    return into
