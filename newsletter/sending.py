"""
Sending an edition to every subscriber of its letter, through the task queue.

``start_sending()`` makes one Delivery per confirmed subscriber (in bulk) and queues
NEWSLETTER_SENDERS tasks (tasks.py). Each task claims batches of deliveries and sends
them one message at a time through Django's e-mail backend, SMTP or a provider's API
(delivering.py), at the rate EMAIL_RATE_LIMIT allows; workers on several machines share
the work through the database.

Once per reader, and the one window where it cannot be guaranteed
-----------------------------------------------------------------
A message counts as delivered when the server answered 250 to it (a provider's API:
accepted it). Its delivery is marked sent right after that answer, before the next
message goes out.

- A claim is a lease: the deliveries are the worker's for NEWSLETTER_LEASE seconds,
  renewed while it sends. A worker killed, or a machine lost, leaves its claims to
  expire; the next task to look takes them back, on the database's clock.
- Two workers never hold the same delivery: a claim is one UPDATE of rows that are
  free, checked again inside the UPDATE (and SKIP LOCKED on PostgreSQL; SQLite has one
  writer at a time). A worker that finds its lease taken back (paused longer than the
  lease) gives the batch up before sending anything more.
- A worker killed before the server's 250 leaves a message the server did not accept:
  whoever takes the lease back sends it, once.
- The window left is between the server's 250 and the commit of « sent », the time of
  one UPDATE (milliseconds). A worker killed there, or whose database connection drops
  there, or whose 250 is lost on the wire (RFC 1047), leaves a message delivered but not
  recorded: it is sent a second time. At most one message per worker lost that way,
  and it carries the same Message-ID as the first, by which mailboxes such as Gmail's
  show it once. SMTP gives no way to close this window. Marking the delivery sent
  before the server answers would turn that duplicate into a reader silently skipped,
  which is worse for a newsletter readers asked for.

A refusal for good (5xx) puts the address on the suppression list; a refusal for now
(4xx, a dropped connection) is tried again later (NEWSLETTER_RETRY_DELAY, then four
times as long each time, NEWSLETTER_MAX_ATTEMPTS in all). Bounces and complaints the
provider reports afterwards arrive by its webhook (bounces.py).
"""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsletter.delivering import address_deliveries
from newsletter.models import Edition
from newsletter.tasks import queue_senders


def start_sending(edition, at=None):
    """
    Sends ``edition`` now, or at ``at`` (an aware datetime). A scheduled edition gets
    its deliveries when its time comes, so that whoever subscribes or leaves meanwhile
    is counted right. Calling it again is harmless (an edition being sent gets more
    workers, nobody a second message); an edition already sent is left alone.
    """
    with transaction.atomic():
        locked = Edition.objects.select_for_update().get(pk=edition.pk)
        if locked.status == Edition.Status.SENT:
            return
        now = timezone.now()
        if at is not None and (at <= now or locked.status == Edition.Status.SENDING):
            at = None
        edition.status = Edition.Status.SCHEDULED if at else Edition.Status.SENDING
        edition.send_at = at or now
        Edition.objects.filter(pk=edition.pk).update(status=edition.status, send_at=edition.send_at)
        if at is None:
            address_deliveries(edition)
        # A worker on another machine may take the task at once: the rows must be there.
        transaction.on_commit(
            partial(queue_senders, edition.pk, count=settings.NEWSLETTER_SENDERS, at=at)
        )
