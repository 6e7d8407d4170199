"""
The links a reader follows from a message, with no account and no cookie: to confirm a
subscription, to reach their preferences, to leave a letter in one click.

Each is signed (django.core.signing, a salt per purpose so that one kind of link never
opens another's page) and carries when it was made, so that it expires. It names the
subscriber by primary key and by a digest of the address: an address erased and
subscribed again is a new subscriber, whom the old links no longer reach. The address
itself is not in the link, which ends in server logs and browser histories.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from newsletter.models import Letter, Subscriber

# Longer than any token we make: a longer one is not read at all.
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True)
class Purpose:
    salt: str
    max_age: timedelta


# The confirmation is asked for right after the form: a week is generous, and an
# address typed by someone else is not left waiting for a click much longer.
CONFIRM = Purpose("newsletter.confirm", timedelta(days=7))
# Every message carries a fresh preferences link; one kept in an old message still
# works for a year, then the page offers to send a new one.
PREFERENCES = Purpose("newsletter.preferences", timedelta(days=366))
# Leaving must keep working from a message found years later: mail clients show the
# List-Unsubscribe button on every message they keep.
UNSUBSCRIBE = Purpose("newsletter.unsubscribe", timedelta(days=3 * 366))


class BrokenLink(Exception):
    """The link was not made by this site, or was cut or changed on the way."""


class ExpiredLink(BrokenLink):
    """The link is genuine but older than its purpose allows."""


class UnknownSubscriber(BrokenLink):
    """The link is genuine but the subscriber it names was erased."""


@dataclass(frozen=True)
class SignedLink:
    subscriber: Subscriber
    letter: Letter | None = None


def address_digest(email):
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def token(purpose, subscriber, letter=None):
    payload = [subscriber.pk, address_digest(subscriber.email)]
    if letter is not None:
        payload.append(letter.pk)
    return signing.dumps(payload, salt=purpose.salt)


def read_token(purpose, value):
    """The subscriber (and letter) a token names; BrokenLink and its kinds otherwise."""
    if not isinstance(value, str) or len(value) > MAX_TOKEN_LENGTH:
        raise BrokenLink(value)
    try:
        payload = signing.loads(value, salt=purpose.salt, max_age=purpose.max_age)
    except signing.SignatureExpired as expired:
        raise ExpiredLink(value) from expired
    except signing.BadSignature as bad:
        raise BrokenLink(value) from bad
    pk, digest, *letter_pk = payload
    subscriber = Subscriber.objects.filter(pk=pk).first()
    if subscriber is None or address_digest(subscriber.email) != digest:
        raise UnknownSubscriber(value)
    letter = None
    if letter_pk:
        letter = Letter.objects.filter(pk=letter_pk[0]).first()
        if letter is None:
            raise UnknownSubscriber(value)
    return SignedLink(subscriber, letter)


def absolute_url(viewname, *args):
    """An address on the public site, in French: messages are read away from any request."""
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse(viewname, args=args)


def confirmation_url(subscriber):
    return absolute_url("newsletter:confirm", token(CONFIRM, subscriber))


def preferences_url(subscriber):
    return absolute_url("newsletter:preferences", token(PREFERENCES, subscriber))


def one_click_unsubscribe_url(subscriber, letter):
    return absolute_url("newsletter:unsubscribe", token(UNSUBSCRIBE, subscriber, letter))


def list_unsubscribe_headers(subscriber, letter):
    """
    The headers of RFC 2369 and RFC 8058 that Gmail and Yahoo require of bulk senders:
    mail clients show an « unsubscribe » button that POSTs to the https target at once.
    The mailto target, for clients that only write, has the same token in its subject,
    for whoever reads that mailbox (or a provider's inbound hook) to act on it.
    """
    signed = token(UNSUBSCRIBE, subscriber, letter)
    https = absolute_url("newsletter:unsubscribe", signed)
    subject = quote(f"unsubscribe {signed}")
    mailto = f"mailto:{settings.NEWSLETTER_UNSUBSCRIBE_EMAIL}?subject={subject}"
    return {
        "List-Unsubscribe": f"<{https}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
