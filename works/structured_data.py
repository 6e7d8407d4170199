"""How a film or series describes itself to search engines: schema.org Movie or TVSeries."""

from django.urls import reverse
from django.utils.translation import gettext

from articles.structured_data import (
    absolute,
    breadcrumb_list,
    image_object,
    iso_datetime,
    publisher,
)


def creative_work(work):
    """The work as schema.org sees it, without @context: nested in a Review, or on its page."""
    people = [{"@type": "Person", "name": name} for name in work.director_names]
    data = {
        "@type": "TVSeries" if work.is_serial else "Movie",
        "name": work.title,
        "alternateName": work.original_title if work.shows_original_title else None,
        "url": absolute(work.get_absolute_url()),
        "dateCreated": str(work.year),
        # A series is "created by" its showrunners; a film "directed by".
        ("creator" if work.is_serial else "director"): people or None,
        "actor": [{"@type": "Person", "name": name} for name in work.cast_names] or None,
        "countryOfOrigin": [
            {"@type": "Country", "name": country.name} for country in work.countries
        ]
        or None,
        "duration": f"PT{work.runtime}M" if work.runtime and not work.is_serial else None,
        "numberOfSeasons": work.seasons if work.is_serial else None,
        "description": work.synopsis or None,
        "image": image_object(work.poster) if work.poster else None,
    }
    return {key: value for key, value in data.items() if value is not None}


def work_page(work):
    """
    A work's page: the work itself, the page around it with its place under the home
    page, and the magazine's review when it has one (``work`` comes from with_reviews()).
    """
    data = {"@context": "https://schema.org", **creative_work(work)}
    data["mainEntityOfPage"] = {
        "@type": "WebPage",
        "@id": data["url"],
        "breadcrumb": breadcrumb_list(
            [(gettext("Home"), reverse("articles:home")), (work.title, work.get_absolute_url())]
        ),
    }
    review = work.magazine_review
    if review is not None:
        data["review"] = {
            "@type": "Review",
            "url": review.absolute_url,
            "name": review.title,
            "datePublished": iso_datetime(review.published_at),
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": float(review.rating),
                "worstRating": 0,
                "bestRating": 5,
            },
            "author": publisher(),
        }
    return data
