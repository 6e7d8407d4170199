"""
How public pages describe themselves to search engines (schema.org, as JSON-LD) and to
social networks (the OpenGraph card).

Every URL is absolute on SITE_URL, as the page's canonical link is: never the Host
header of whoever asked. Dates carry their offset, in the newsroom's time zone.
"""

import html

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext

# The IPTC code for media made by a generative model, as schema.org spells it.
AI_GENERATED_SOURCE = "https://schema.org/TrainedAlgorithmicMediaDigitalSource"

# Drawn by scripts/draw_brand_images.py; tests/test_social_cards.py checks these sizes
# against the files, so that no page declares a size the image does not have.
PUBLISHER_LOGO = ("img/publisher-logo.png", 600, 60)
DEFAULT_CARD = ("img/social-card.png", 1200, 630)

# OpenGraph names a locale, language and territory, where the site has languages only.
OPEN_GRAPH_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def absolute(url):
    return settings.SITE_URL + url if url.startswith("/") else url


def iso_datetime(value):
    return timezone.localtime(value).isoformat() if value else None


def social_card(image=None):
    """What a link preview shows: the 1200×630 crop of ``image``, else the site's own card."""
    if image is None:
        path, width, height = DEFAULT_CARD
        # The card shows the site's name and nothing else.
        alt = settings.SITE_NAME
        return {"url": absolute(static(path)), "width": width, "height": height, "alt": alt}
    card = image.social_card
    return {
        "url": absolute(card.src),
        "width": card.width,
        "height": card.height,
        # A decorative image has nothing to say, and an empty alt is what says so.
        "alt": "" if image.is_decorative else image.alt_text,
    }


def image_object(image):
    """The social-card crop of ``image`` (what search engines show), with its provenance."""
    card = social_card(image)
    data = {
        "@type": "ImageObject",
        "url": card["url"],
        "width": card["width"],
        "height": card["height"],
    }
    optional = {
        "caption": image.caption,
        "creditText": image.credit,
        "copyrightNotice": image.licence,
        "digitalSourceType": AI_GENERATED_SOURCE if image.is_ai_generated else "",
    }
    data.update({key: value for key, value in optional.items() if value})
    return data


def _static_image_object(declared):
    path, width, height = declared
    return {"@type": "ImageObject", "url": absolute(static(path)), "width": width, "height": height}


def publisher():
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL + "/",
        "logo": _static_image_object(PUBLISHER_LOGO),
    }


def breadcrumb_list(trail):
    """``trail`` is [(name, path)] from the home page down to the page itself."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute(path)}
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def _home_crumb():
    return (gettext("Home"), reverse("articles:home"))


def news_article(article):
    """
    The page's main entity: a NewsArticle, or for a rated review a Review.

    A review's page holds one piece of writing, so it is described once, as what it
    is: a Review carries what search engines ask of an article (headline, author,
    dates, publisher, image) and what the review snippet requires besides (the
    rating and the work). A NewsArticle beside a Review would describe the same text
    twice, with two authors and dates to keep in step. A review without a rating
    cannot be a Review snippet (it requires reviewRating): it stays a NewsArticle
    about the work.
    """
    page_url = article.absolute_url
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.meta_description,
        "url": page_url,
        # The page around the article, which carries the breadcrumb trail: one JSON-LD
        # block per page, whose main entity is the article.
        "mainEntityOfPage": {
            "@type": "WebPage",
            "@id": page_url,
            "breadcrumb": breadcrumb_list(
                [
                    _home_crumb(),
                    (article.section.name, article.section.get_absolute_url()),
                    (article.title, article.get_absolute_url()),
                ]
            ),
        },
        "inLanguage": settings.CONTENT_LANGUAGE,
        "datePublished": iso_datetime(article.published_at),
        "dateModified": iso_datetime(article.modified_at),
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()] or None,
        "author": [
            {"@type": "Person", "name": author.name, "url": absolute(author.get_absolute_url())}
            for author in article.authors.all()
        ],
        "publisher": publisher(),
        # Search engines want an image for every article; the site's card stands in.
        "image": [
            image_object(article.featured_image)
            if article.featured_image
            else _static_image_object(DEFAULT_CARD)
        ],
    }
    if article.is_review:
        data.update(_review(article))
    return {key: value for key, value in data.items() if value is not None}


def _review(article):
    """What a review changes in its article's description."""

    work = creative_work(article.reviewed_work)
    rating = article.rating
    if rating is None:
        return {"about": work}
    return {
        "@type": "Review",
        # An Article's property, which a Review does not have (None leaves it out).
        "articleSection": None,
        "itemReviewed": work,
        "reviewRating": {
            "@type": "Rating",
            # A number, as the snippet wants it: 4 and 3.5, never "4.0".
            "ratingValue": int(rating) if rating % 1 == 0 else float(rating),
            "bestRating": 5,
            # Our scale starts at no star; unstated, the worst rating is taken to be 1.
            "worstRating": 0,
        },
    }


def website():
    """The home page: the site, its publisher, and how to search it."""
    search_url = absolute(reverse("articles:search"))
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": absolute(reverse("articles:home")),
        "inLanguage": settings.CONTENT_LANGUAGE,
        "publisher": publisher(),
        "potentialAction": {
            "@type": "SearchAction",
            "target": f"{search_url}?q={{search_term_string}}",
            "query-input": "required name=search_term_string",
        },
    }


def collection_page(name, path, items=None, first_position=1):
    """
    A list of articles (a section, a tag) and where it sits under the home page; for an
    index (the team, the films and series, the tags), the ``items`` this page of it
    shows, as (name, path) pairs, numbered from ``first_position``.
    """
    page = {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": name,
        "url": absolute(path),
        "breadcrumb": breadcrumb_list([_home_crumb(), (name, path)]),
    }
    if items is not None:
        page["mainEntity"] = {
            "@type": "ItemList",
            "itemListElement": [
                {"@type": "ListItem", "position": position, "name": name, "url": absolute(path)}
                for position, (name, path) in enumerate(items, start=first_position)
            ],
        }
    return page


def profile_page(author):
    """An author page: a ProfilePage about a Person, as search engines expect for bylines."""
    url = absolute(author.get_absolute_url())
    person = {
        "@type": "Person",
        "name": author.name,
        "url": url,
        # Plain text: the bio is Markdown, rendered and sanitised at save time.
        "description": " ".join(html.unescape(strip_tags(author.bio_html)).split()),
        "image": absolute(author.avatar.picture("square").src) if author.avatar else "",
        "sameAs": [link for _label, link in author.public_links()],
    }
    return {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": url,
        "mainEntity": {key: value for key, value in person.items() if value},
    }


def open_graph_locale(language):
    return OPEN_GRAPH_LOCALES.get(language, OPEN_GRAPH_LOCALES[settings.LANGUAGE_CODE])


# -- How a film or series describes itself to search engines: schema.org Movie or TVSeries.
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
