"""
Schema.org descriptions of public pages, as JSON-LD for search engines.

Every URL is absolute on SITE_URL, as the page's canonical link is: never the Host
header of whoever asked.
"""

from django.conf import settings

# The IPTC code for media made by a generative model, as schema.org spells it.
AI_GENERATED_SOURCE = "https://schema.org/TrainedAlgorithmicMediaDigitalSource"


def absolute(url):
    return settings.SITE_URL + url if url.startswith("/") else url


def image_object(image):
    """The social-card crop of ``image`` (what search engines show), with its provenance."""
    card = image.social_card
    data = {
        "@type": "ImageObject",
        "url": absolute(card.src),
        "width": card.width,
        "height": card.height,
    }
    optional = {
        "caption": image.caption,
        "creditText": image.credit,
        "copyrightNotice": image.licence,
        "digitalSourceType": AI_GENERATED_SOURCE if image.is_ai_generated else "",
    }
    data.update({key: value for key, value in optional.items() if value})
    return data


def news_article(article):
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.meta_description,
        "url": article.absolute_url,
        "mainEntityOfPage": article.absolute_url,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.modified_at.isoformat() if article.modified_at else None,
        "articleSection": article.section.name,
        "author": [
            {"@type": "Person", "name": author.name, "url": absolute(author.get_absolute_url())}
            for author in article.authors.all()
        ],
    }
    if article.featured_image:
        data["image"] = [image_object(article.featured_image)]
    return {key: value for key, value in data.items() if value is not None}
