"""Small factories for the newsletter's tests: letters come from the migration."""

import itertools

from newsletter.models import Edition, EditionArticle, Letter, Subscriber

_sequence = itertools.count(1)


def daily_letter():
    return Letter.objects.get(slug="la-quotidienne")


def make_edition(*articles, letter=None, **overrides):
    fields = {"letter": letter or daily_letter(), "subject": "Les nouvelles du jour"}
    fields.update(overrides)
    edition = Edition.objects.create(**fields)
    EditionArticle.objects.bulk_create(
        EditionArticle(edition=edition, article=article, position=position)
        for position, article in enumerate(articles)
    )
    return edition


def make_subscriber(**overrides):
    fields = {"email": f"lectrice-{next(_sequence)}@example.org"}
    fields.update(overrides)
    return Subscriber.objects.create(**fields)
