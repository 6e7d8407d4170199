"""
A stand-in for the message of an edition, until the `editions` branch's mail.py (the
real look: inlined CSS, images, the unsubscribe headers) replaces this file at merge.
Same two functions, same arguments: sending.py calls nothing else.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.html import escape


def render_edition(edition):
    """What every message of the edition shares, made once per worker."""
    titles = [str(item.article) for item in edition.items.select_related("article")]
    text = "\n\n".join([edition.intro, *titles]).strip() + "\n"
    html = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in text.split("\n\n"))
    return {"subject": edition.subject, "text": text, "html": html}


def edition_message(edition, subscriber, rendered, *, connection=None):
    message = EmailMultiAlternatives(
        subject=rendered["subject"],
        body=rendered["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        connection=connection,
    )
    message.attach_alternative(rendered["html"], "text/html")
    return message
