"""
What the article page shows of an article's authors (with their portraits) and tags,
stored with the article (``Article.byline_and_tags``), so that building the page reads
none of them: two queries fewer, and their compilation, on the page a reader meets most.

Kept fresh by articles/signals.py whenever a byline, a tag, an author, a portrait or a
tag's name changes. An article stored before this copy existed holds ``{}``: its page
reads the relations as before (``restore()`` says which). Each such change also puts the
article's stored page out of date (``Article.stored_page``), as ``forget_pages()`` does
for the other changes its page shows.
"""

from django.db.models import prefetch_related_objects
from taggit.models import Tag

import pagecache
from authors.models import Author
from images.models import Image

from .models import Article, bylines, page_out_of_date

# The fields the page reads (templates, structured data, the page cache's keys): a
# field left out is deferred on the copies, and reading it would cost a query.
AUTHOR_FIELDS = ("id", "name", "slug", "role", "signature", "bio_html", "avatar_id")
PORTRAIT_FIELDS = ("id", "file", "alt_text", "is_decorative", "width", "height", "renditions")
TAG_FIELDS = ("id", "name", "slug")
BATCH_SIZE = 500


def snapshot(article):
    """What to store of ``article``'s byline and tags, read from its prefetched relations."""
    return {
        "authors": [
            {
                **_values(author, AUTHOR_FIELDS),
                "avatar": author.avatar and _values(author.avatar, PORTRAIT_FIELDS),
            }
            for author in article.authors.all()
        ],
        "tags": [_values(tag, TAG_FIELDS) for tag in article.tags.all()],
    }


def restore(articles, tags=True):
    """
    Gives each of ``articles`` its authors, and its ``tags`` unless told not to, from the
    stored copy, as a prefetch would (``article.authors.all()``, ``article.tags.all()``),
    without a query. Returns those that have none stored yet, for the caller to prefetch.
    """
    missing = []
    for article in articles:
        stored = article.byline_and_tags
        if not stored:
            missing.append(article)
            continue
        db = article._state.db
        authors = []
        for values in stored["authors"]:
            author = _rebuilt(Author, db, AUTHOR_FIELDS, values)
            portrait = values["avatar"]
            author.avatar = portrait and _rebuilt(Image, db, PORTRAIT_FIELDS, portrait)
            authors.append(author)
        _prefetched(article, "authors", authors)
        if tags:
            # taggit builds its queryset at once, where Django's relations wait for a
            # query: 0.1 ms an article, for cards that do not show their tags.
            _prefetched(
                article, "tags", [_rebuilt(Tag, db, TAG_FIELDS, row) for row in stored["tags"]]
            )
    return missing


def refresh(article_ids):
    """
    Stores the byline and tags of the articles of ``article_ids`` as their rows now hold
    them, and makes their pages stale: a page built between the change and this write
    showed the old copy.
    """
    article_ids = list(article_ids)
    store(article_ids)
    pagecache.invalidate({pagecache.key(Article, pk) for pk in article_ids})


def store(article_ids):
    """Stores the byline and tags of the articles of ``article_ids``, a batch at a time."""
    article_ids = list(article_ids)
    # A prolific author signs thousands of articles.
    for start in range(0, len(article_ids), BATCH_SIZE):
        # Only the key: bulk_update() writes the one field, whatever else the row holds.
        batch = [Article(pk=pk) for pk in article_ids[start : start + BATCH_SIZE]]
        prefetch_related_objects(batch, "tags", bylines(portraits=True))
        for article in batch:
            article.byline_and_tags = snapshot(article)
            article.stored_page = page_out_of_date()
        Article.objects.bulk_update(batch, ["byline_and_tags", "stored_page"])


def forget_pages(articles):
    """
    The stored pages of ``articles`` (a queryset) show something that changed: each is
    rendered again on its next view. In the caller's transaction, so never after a
    reader saw the change.
    """
    articles.update(stored_page=page_out_of_date())


def _values(instance, fields):
    values = {}
    for name in fields:
        value = getattr(instance, name)
        # A file is stored by its name, as its column holds it.
        values[name] = value.name if name == "file" else value
    return values


def _rebuilt(model, db, fields, values):
    # from_db() takes a partial row's fields in the model's order.
    fields = [field.attname for field in model._meta.concrete_fields if field.attname in fields]
    return model.from_db(db, fields, [values[name] for name in fields])


def _prefetched(article, name, rows):
    """Leaves ``rows`` where prefetch_related() would, which ``article.<name>.all()`` reads."""
    # As prefetch_related_objects() does it: Django offers no public way to hand a
    # relation its rows. The relation's own queryset, so that a clone of it (another
    # filter) still reads this article's rows and no other's.
    queryset = getattr(article, name).get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    article.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset
