"""
How a newsletter looks in a mail client, and the message each subscriber receives.

An edition is rendered once (``render_edition``): its HTML, with the CSS inlined by
css-inline since Gmail and Outlook ignore most of a ``<style>`` element, and its plain
text. Each subscriber's message (``edition_message``) then only slots in the links that
are theirs (preferences, unsubscribing), so that an edition to a hundred thousand
readers renders its templates once, not a hundred thousand times.

Nothing in a message tracks its reader: no pixel, no image from another site, links
straight to the articles' own addresses, never through a redirector that counts clicks.
"""

from dataclasses import dataclass
from email.utils import formatdate, make_msgid, parseaddr
from functools import cache
from urllib.parse import urljoin, urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape

from articles.models import Article
from markup.rendering import french_typography

from . import links

# Stand-ins for the links that differ from one subscriber to the next, written once
# into the rendered edition and replaced in each message.
PREFERENCES_URL = "https://preferences.newsletter.invalid/"
# A mail column is 600 CSS pixels: the smallest rendition sharp on a phone's 2× screen
# without sending every reader the largest.
IMAGE_WIDTH = 1024


@dataclass(frozen=True)
class RenderedEdition:
    """An edition as every subscriber receives it, but for their own links."""

    subject: str
    html: str
    text: str
    list_id: str


def absolute_url(url):
    """``url`` as a mail client can follow it: on the site's own origin when relative."""
    return urljoin(f"{settings.SITE_URL}/", url)


@cache
def _inliner():
    # Media queries cannot be inlined: kept in the <style> element, for the clients that
    # read it (Apple Mail, Gmail's apps), while the others get the inlined styles. No
    # stylesheet is ever fetched from elsewhere.
    return css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def inline_css(html):
    return _inliner().inline(html)


def mail_image(image):
    """
    ``image`` as a mail shows it: an absolute JPEG rendition (mail clients read neither
    AVIF nor, for Outlook, WebP) with its size and alt text; None until it is drawn.
    """
    jpegs = image.renditions.get("shapes", {}).get("wide", {}).get("jpeg")
    if not jpegs:
        return None
    width, height, name = next(
        (rendition for rendition in jpegs if rendition[0] >= IMAGE_WIDTH), jpegs[-1]
    )
    return {
        "src": absolute_url(image.file.storage.url(name)),
        "alt": image.alt,
        "width": width,
        "height": height,
    }


def edition_articles(edition):
    """The edition's articles in its order, those readers may still see only."""
    order = list(edition.items.order_by("position", "pk").values_list("article_id", flat=True))
    articles = Article.objects.published().for_listing().in_bulk(order)
    return [articles[pk] for pk in order if pk in articles]


def render_edition(edition):
    letter = edition.letter
    articles = [
        {
            "article": article,
            "url": absolute_url(article.get_absolute_url()),
            "image": mail_image(article.featured_image) if article.featured_image else None,
        }
        for article in edition_articles(edition)
    ]
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "edition": edition,
            "letter": letter,
            "subject": french_typography(edition.subject),
            "intro": french_typography(edition.intro.strip()),
            "articles": articles,
            "date": timezone.localdate(edition.send_at or timezone.now()),
            "site_url": settings.SITE_URL,
            "site_name": urlsplit(settings.SITE_URL).hostname,
            "preferences_url": PREFERENCES_URL,
        }
        html = inline_css(render_to_string("newsletter/email/edition.html", context))
        text = render_to_string("newsletter/email/edition.txt", context)
    return RenderedEdition(
        subject=context["subject"],
        html=html,
        text=text,
        list_id=f"{letter.name} <{letter.slug}.{urlsplit(settings.SITE_URL).hostname}>",
    )


def sender():
    return settings.DEFAULT_FROM_EMAIL


def edition_message(edition, subscriber, rendered, *, connection=None):
    """The message ``subscriber`` receives: ``rendered`` with their own links and headers."""
    preferences_url = links.preferences_url(subscriber)
    from_email = sender()
    domain = parseaddr(from_email)[1].rpartition("@")[2] or None
    headers = {
        # Chosen here rather than by the backend, so that the delivery can record it.
        "Message-ID": make_msgid(domain=domain),
        "Date": formatdate(localtime=True),
        "List-Id": rendered.list_id,
        **links.list_unsubscribe_headers(subscriber, edition.letter),
    }
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text.replace(PREFERENCES_URL, preferences_url),
        from_email=from_email,
        to=[subscriber.email],
        reply_to=[settings.NEWSLETTER_REPLY_TO or from_email],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(
        rendered.html.replace(PREFERENCES_URL, escape(preferences_url)), "text/html"
    )
    return message
