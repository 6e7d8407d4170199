"""
The page cache's contract: what a page names, and what a change stamps.

**What a page names.** A public page names the objects it shows, never a string:
``public_page(response, keys_for(article, *related, Section))``. An object is named by
its model and primary key (``article-12``); a model class stands for the list of its
objects, which ones there are and in which order (``articles``); a model declares in
``cache_shows`` the relations a page showing it shows too (an article's card shows its
section, featured image and authors, an author their portrait), and ``keys_for()``
follows them from the loaded rows, through a query if the caller did not prefetch them:
what a page names never depends on what its view happened to read. A page not found
is public for CDNs, and names the lists of everything that has a page: any new page can
be the one at its address (reader/views/errors.py); the page cache itself keeps none,
since a robot can make up addresses without end.

**What a change stamps.** Saving or deleting an object stamps ``stamped_by()`` of it: its
own key and its model's list key; a model whose place in lists depends on a few fields
says more precisely what its changes stamp (``Article.cache_stamps()``, from the fields
its ``FieldTracker`` saw change). A relation added or removed stamps the keys of both sides.

**How a stale page goes.** A page stored is served while none of its keys was stamped
after it was built; a stamped page is built again by its next request, and purged from
the CDN by key after the change commits (pagecache/purge.py). Time, the one change that
sends no signal, ends a page when a scheduled publication that stamps one of its keys is
due (``register_schedule()``).

**Across servers.** Each worker keeps a copy of the pages it served lately and asks the
shared cache again after ``PAGE_CACHE_LOCAL_SECONDS`` (1): another server's change is
seen within the second, a change made in the same process at once.

**Parameters.** A view declares the query parameters it reads (``cache_parameters``); the
others (``?utm_source=…``) are dropped before the view runs, so they neither build nor
store another copy of the page (pagecache/middleware.py).

**Redis down.** Pages are built each time, stamps wait in the process that made them, and
both resume when the cache answers again (pagecache/stamps.py).
"""

# Every public page carries it: a purge of this key empties a CDN of our pages.
SITE_KEY = "site"


def key(model, pk):
    """The key naming the object of ``model`` with primary key ``pk``: ``article-12``."""
    return f"{model._meta.model_name}-{pk}"


def key_for(instance):
    """The key naming ``instance`` alone, not what it shows."""
    return key(instance, instance.pk)


def list_key(model):
    """Which objects of ``model`` readers see, and in which order: ``articles``."""
    return f"{model._meta.model_name}s"


def texts_key(model):
    """
    What any object of ``model`` says: for the pages that show too many of them to name
    each one (sitemaps, a search's ranking), stamped by any change readers would see.
    """
    return f"{model._meta.model_name}-texts"


def keys_for(*shown):
    """
    The keys of a page showing ``shown``: model instances (with what their
    ``cache_shows`` relations hold), iterables of them, and model classes (their list).
    """
    keys = set()
    for item in shown:
        if item is None:
            continue
        if isinstance(item, type):
            keys.add(list_key(item))
        elif not hasattr(item, "_meta"):
            keys |= keys_for(*item)
        else:
            keys.add(key_for(item))
            for name in getattr(item, "cache_shows", ()):
                keys |= _keys_of_relation(item, name)
    return keys


def _keys_of_relation(instance, name):
    field = instance._meta.get_field(name)
    if field.many_to_many or field.one_to_many:
        return keys_for(*getattr(instance, name).all())
    # By the column: naming a related row costs no query.
    related_pk = getattr(instance, field.attname)
    return {key(field.related_model, related_pk)} if related_pk is not None else set()


def stamped_by(instance, *, created=False, deleted=False):
    """
    What saving (or deleting) ``instance`` makes stale: ``instance.cache_stamps()`` if its
    model says, else its own key and its model's list key.
    """
    stamps = getattr(instance, "cache_stamps", None)
    if stamps is not None:
        return stamps(created=created, deleted=deleted)
    return {key_for(instance), list_key(instance)}
