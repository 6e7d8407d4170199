"""The article admin form as a browser posts it."""

# The management forms of the article page's two inlines, with no row in
# either: what a post carries when it changes neither byline nor corrections.
EMPTY_INLINES = {
    f"{prefix}-{name}": value
    for prefix in ("authorships", "corrections")
    for name, value in [
        ("TOTAL_FORMS", "0"),
        ("INITIAL_FORMS", "0"),
        ("MIN_NUM_FORMS", "0"),
        ("MAX_NUM_FORMS", "1000"),
    ]
}


def article_fields(article, **changes):
    """The article form's own fields as they stand for ``article``, with ``changes``."""
    return {
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "status": article.status,
        "section": article.section.pk,
        "tags": "",
        "ai_usage": "none",
        "ai_usage_note": "",
        "seo_title": "",
        "seo_description": "",
        "version": article.version,
        **changes,
    }


def new_article_fields(body, section, **changes):
    """A new draft's form, as a contributor posts it, with ``body`` in ``section``."""
    return {
        "title": "Un texte piégé",
        "slug": "texte-piege",
        "standfirst": "Pour voir.",
        "body": body,
        "status": "draft",
        "section": section.pk,
        "tags": "",
        "ai_usage": "none",
        "ai_usage_note": "",
        "seo_title": "",
        "seo_description": "",
        **EMPTY_INLINES,
        **changes,
    }
