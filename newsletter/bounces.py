"""
Bounces and complaints reported by the mail provider, through django-anymail's
tracking webhooks (/anymail/<provider>/tracking/, screenmania/urls.py): an address
that bounced for good, or whose reader marked a message as spam, gets nothing more.

Anymail checks each call before it reaches here: the basic-authentication secret
(ANYMAIL_WEBHOOK_SECRET) always, and the provider's signature where it signs them
(Mailgun, Postmark's, Amazon SES's SNS…). A forged call is answered 400.
"""

from anymail.signals import EventType, tracking
from django.dispatch import receiver

from newsletter.delivering import suppress
from newsletter.models import Suppression

REASONS = {
    EventType.BOUNCED: Suppression.Reason.BOUNCED,
    EventType.COMPLAINED: Suppression.Reason.COMPLAINED,
    # Refused by the provider itself, often for an address on its own suppression list.
    EventType.REJECTED: Suppression.Reason.REFUSED,
}


@receiver(tracking, dispatch_uid="newsletter.bounces")
def suppress_bounced_and_complaining(sender, event, esp_name, **kwargs):
    reason = REASONS.get(event.event_type)
    if reason is None or not event.recipient:
        return
    detail = f"{esp_name}: {event.description or event.mta_response or event.event_type}"
    suppress(event.recipient, reason, detail)
