"""
What a reader does with the newsletter, with no account: subscribe (the consent to each
letter recorded with the very text shown), confirm by the link sent to the address
(double opt-in), change letters, leave, download what the site holds, erase it.

Asking to subscribe never tells whether an address is known: the form answers the same,
and the message sent says the rest to the address's owner alone (newsletter/confirmation.py).
"""

import logging

from django.contrib.auth.base_user import BaseUserManager
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsletter import links
from newsletter.models import Delivery, Subscriber, Subscription, Suppression

logger = logging.getLogger(__name__)

# A confirmation message goes to whatever address is typed: without a limit, the form
# would let anyone fill a stranger's inbox. Three an hour let a reader try again after
# a typo or a lost message.
REQUESTS_PER_ADDRESS = 3
# One network, one office or one phone carrier's gateway may hold many readers.
REQUESTS_PER_CLIENT = 20
RATE_WINDOW = 60 * 60


def normalize_address(email):
    # The domain part is case-insensitive; the local part is compared without case by
    # the unique constraint, but kept as typed, since a few servers do honour it.
    return BaseUserManager.normalize_email(email.strip())


def within_rate(kind, who, limit):
    """Counts one request of ``who`` and says whether it is within ``limit`` an hour."""
    key = f"newsletter-rate:{kind}:{who}"
    try:
        # add() starts the window only once; incr() is atomic on Redis and in local memory.
        cache.add(key, 0, RATE_WINDOW)
        try:
            count = cache.incr(key)
        except ValueError:
            # The window ended between the two calls: this request opens the next one.
            cache.add(key, 1, RATE_WINDOW)
            count = 1
    except Exception:
        # Redis down: readers keep subscribing (the confirmation still guards the
        # address) rather than meet an error for an outage of ours.
        logger.warning("Newsletter rate limit not counted: the cache failed", exc_info=True)
        return True
    return count <= limit


def is_suppressed(email):
    return Suppression.objects.filter(email__iexact=email).exists()


def subscribe(email, letters, consent_texts):
    """
    Records a request to receive ``letters`` at ``email``; returns the subscriber to
    write to. ``consent_texts`` maps each letter to the text the reader was shown.

    An address not yet confirmed gets exactly the letters asked for, each with its
    consent. A confirmed one is left as it is: anyone can type an address, so only
    its owner may add letters, from the preferences page the message links to.
    """
    email = normalize_address(email)
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(email=email)
            except IntegrityError:
                # The same address submitted twice at once: the other request created it.
                subscriber = Subscriber.objects.get(email__iexact=email)
        if subscriber.confirmed_at is None:
            subscriber.subscriptions.exclude(letter__in=letters).delete()
            record_consent(subscriber, letters, consent_texts, now)
    return subscriber


def record_consent(subscriber, letters, consent_texts, when):
    """Adds the letters the subscriber does not have yet, each with the text agreed to."""
    held = set(subscriber.subscriptions.values_list("letter_id", flat=True))
    Subscription.objects.bulk_create(
        Subscription(
            subscriber=subscriber,
            letter=letter,
            consented_at=when,
            consent_text=consent_texts[letter],
        )
        for letter in letters
        if letter.pk not in held
    )


def confirm(subscriber):
    """The address's owner followed the link: the letters start. Following it again is harmless."""
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


def change_letters(subscriber, letters, consent_texts):
    """Keeps exactly ``letters``: the consent of those kept stays as it was given."""
    with transaction.atomic():
        subscriber.subscriptions.exclude(letter__in=letters).delete()
        record_consent(subscriber, letters, consent_texts, timezone.now())


def unsubscribe(subscriber, letter=None):
    """
    Stops ``letter``, or every letter. The address stays, confirmed, so that the
    preferences link still opens (to subscribe again, or erase it); a message being
    sent already is not recalled.
    """
    subscriptions = subscriber.subscriptions.all()
    if letter is not None:
        subscriptions = subscriptions.filter(letter=letter)
    subscriptions.delete()


def held_about(subscriber):
    """Everything the site holds about the subscriber, as the reader downloads it."""
    subscriptions = subscriber.subscriptions.select_related("letter").order_by("consented_at")
    deliveries = (
        Delivery.objects.filter(subscriber=subscriber)
        .select_related("edition__letter")
        .order_by("pk")
    )
    suppression = Suppression.objects.filter(email__iexact=subscriber.email).first()
    return {
        "email": subscriber.email,
        "signed_up_on": subscriber.created_at.isoformat(),
        "confirmed_on": subscriber.confirmed_at and subscriber.confirmed_at.isoformat(),
        "subscriptions": [
            {
                "letter": subscription.letter.name,
                "consent_given_on": subscription.consented_at.isoformat(),
                "text_agreed_to": subscription.consent_text,
            }
            for subscription in subscriptions
        ],
        "messages": [
            {
                "letter": delivery.edition.letter.name,
                "subject": delivery.edition.subject,
                "status": delivery.status,
                "sent_on": delivery.sent_at and delivery.sent_at.isoformat(),
            }
            for delivery in deliveries
        ],
        "suppressed": suppression
        and {"reason": suppression.reason, "since": suppression.created_at.isoformat()},
    }


def erase(subscriber):
    """
    Forgets the subscriber: address, letters, consents and the record of messages sent.
    A suppression stays (models.Suppression): it is what keeps a complaint from being
    mailed again.
    """
    subscriber.delete()


def forget_unconfirmed():
    """
    Erases the addresses whose confirmation link expired unfollowed: typed by someone
    else, or mistyped, they were never the reader's to keep (the privacy page says so).
    """
    cutoff = timezone.now() - links.CONFIRM.max_age
    Subscriber.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff).delete()
