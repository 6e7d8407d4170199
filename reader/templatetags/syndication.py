from django import template
from taggit.models import Tag

from articles.models import Section
from authors.models import Author
from reader import feeds
from reader.feeds import WorkAtomFeed, WorkFeed
from works.models import Work

register = template.Library()

# The page's own subject, as the section, tag and author views name it in the context.
_PAGE_FEEDS = [
    ("section", Section, (feeds.SectionFeed, feeds.SectionAtomFeed)),
    ("tag", Tag, (feeds.TagFeed, feeds.TagAtomFeed)),
    ("author", Author, (feeds.AuthorFeed, feeds.AuthorAtomFeed)),
    ("work", Work, (WorkFeed, WorkAtomFeed)),
]


@register.inclusion_tag("includes/feed_links.html", takes_context=True)
def feed_links(context):
    """Feed autodiscovery: the whole site's feeds, then the section, tag, author or work shown."""
    subjects = [(None, (feeds.LatestArticlesFeed, feeds.LatestArticlesAtomFeed))]
    for name, model, feed_classes in _PAGE_FEEDS:
        subject = context.get(name)
        if isinstance(subject, model):
            subjects.append((subject, feed_classes))
    links = []
    for subject, feed_classes in subjects:
        for feed_class in feed_classes:
            feed = feed_class()
            links.append(
                {
                    "type": feed.feed_type.content_type.split(";")[0],
                    "title": f"{feed.title(subject)} ({feed.format_name})",
                    "href": feed.feed_url(subject),
                }
            )
    return {"feeds": links}
