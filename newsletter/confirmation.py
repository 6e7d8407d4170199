"""
The message that answers the subscription form, sent by a task worker through the same
queue and mail settings as the editions, in their look (newsletter/mail.py), so that the
form's answer never waits on a mail server.

What it says depends on the address when it is sent, not on the form: a new address is
asked to confirm; a confirmed one gets its preferences link instead (anyone may type it,
so letters are added there, by its owner). The form's answer is the same either way.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from newsletter import links
from newsletter.mail import inline_css
from newsletter.models import Letter, Subscriber
from newsletter.subscribing import forget_unconfirmed, is_suppressed


def queue_confirmation(subscriber):
    # A worker on another machine may take the task at once: the row must be there.
    transaction.on_commit(
        lambda: send_confirmation.using(queue_name=settings.TASKS_QUEUE).enqueue(subscriber.pk)
    )


def confirmation_message(subscriber):
    confirmed = subscriber.confirmed_at is not None
    context = {
        "subscriber": subscriber,
        "letters": Letter.objects.filter(subscriptions__subscriber=subscriber),
        "confirmation_url": None if confirmed else links.confirmation_url(subscriber),
        "preferences_url": links.preferences_url(subscriber),
        "valid_days": links.CONFIRM.max_age.days,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    if confirmed:
        subject = _("Your %(site)s newsletter preferences") % {"site": settings.SITE_NAME}
    else:
        subject = _("Confirm your subscription to %(site)s") % {"site": settings.SITE_NAME}
    context["subject"] = subject
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("newsletter/email/confirmation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
    )
    html = inline_css(render_to_string("newsletter/email/confirmation.html", context))
    message.attach_alternative(html, "text/html")
    return message


@task()
def send_confirmation(subscriber_id):
    # Here rather than on a schedule of its own: each sign-up's task tidies the earlier ones.
    forget_unconfirmed()
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    # Erased meanwhile, or an address that bounced or complained: nothing goes to it.
    if subscriber is None or is_suppressed(subscriber.email):
        return
    with translation.override(settings.LANGUAGE_CODE):
        confirmation_message(subscriber).send()
