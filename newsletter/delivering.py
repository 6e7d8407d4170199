"""
The work of a worker sending an edition: claiming a batch of deliveries, sending each
through the e-mail backend at the rate allowed, recording what the server answered.
sending.py says how the pieces keep each reader to one message.
"""

import logging
import os
import smtplib
import socket
import time
from datetime import timedelta
from email.utils import parseaddr
from uuid import uuid4

from anymail.exceptions import AnymailError, AnymailRecipientsRefused
from django.conf import settings
from django.core.cache import cache
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, fields
from django.db.models.functions import Lower, Now
from django.utils import timezone

from newsletter.mail import edition_message, render_edition
from newsletter.models import Delivery, Edition, Subscriber, Subscription, Suppression

logger = logging.getLogger(__name__)
Status = Delivery.Status


def address_deliveries(edition):
    """
    One delivery for each confirmed subscriber of the edition's letter; an address on
    the suppression list gets one marked suppressed, so that the edition's progress
    counts it. Made again, it adds only whoever is missing.

    One INSERT … SELECT, which the database runs without a row coming back to Python:
    100,000 deliveries take a second or two, so that the transaction that makes them,
    which holds SQLite's one write lock, keeps no other writer (a worker, the desk)
    waiting long. ORM instances sent back by bulk_create() took a minute.
    """
    delivery, subscriber = Delivery._meta, Subscriber._meta
    subscription, suppression = Subscription._meta, Suppression._meta
    with connection.cursor() as cursor:
        # WHERE before ON CONFLICT, always: SQLite would otherwise read ON as a join's.
        cursor.execute(
            f"""
            INSERT INTO {delivery.db_table}
                (edition_id, subscriber_id, status, claim, attempts, message_id, error)
            SELECT %s, reader.id,
                CASE WHEN EXISTS (
                    SELECT 1 FROM {suppression.db_table} suppressed
                    WHERE LOWER(suppressed.email) = LOWER(reader.email)
                ) THEN %s ELSE %s END,
                '', 0, '', ''
            FROM {subscriber.db_table} reader
            JOIN {subscription.db_table} chosen ON chosen.subscriber_id = reader.id
            WHERE chosen.letter_id = %s AND reader.confirmed_at IS NOT NULL
            ON CONFLICT DO NOTHING
            """,  # noqa: S608 (table names from the models, values as parameters)
            [edition.pk, Status.SUPPRESSED, Status.PENDING, edition.letter_id],
        )


def suppressions_of(email):
    return Suppression.objects.annotate(lowered=Lower("email")).filter(lowered=Lower(email))


def suppress(email, reason, detail=""):
    """Puts ``email`` on the suppression list, once whatever the case it is written in."""
    Suppression.objects.bulk_create(
        [Suppression(email=email, reason=reason, detail=detail[:500])], ignore_conflicts=True
    )


def edition_to_send(edition_id):
    """
    The edition, once its time has come: a scheduled one becomes « sending » and gets
    its deliveries then, so that whoever subscribed or left meanwhile is counted right.
    None when there is nothing to send: not found, a draft, sent, or moved to later.
    """
    with transaction.atomic():
        # A row lock on PostgreSQL (SQLite's transactions take the write lock anyway):
        # the workers that start together make the deliveries once.
        edition = (
            Edition.objects.select_for_update().select_related("letter").filter(pk=edition_id)
        ).first()
        if edition is None or edition.status not in {
            Edition.Status.SCHEDULED,
            Edition.Status.SENDING,
        }:
            return None
        if edition.status == Edition.Status.SCHEDULED:
            if edition.send_at and edition.send_at > timezone.now():
                return None
            edition.status = Edition.Status.SENDING
            edition.save(update_fields=["status"])
            address_deliveries(edition)
    return edition


def finish(edition):
    """Marks the edition sent once no delivery is waiting or being sent."""
    return bool(
        Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENDING)
        .exclude(Exists(Delivery.objects.unfinished().filter(edition=OuterRef("pk"))))
        .update(status=Edition.Status.SENT, sent_at=Now())
    )


class Claim:
    """
    A batch of deliveries this worker holds, for NEWSLETTER_LEASE seconds from the last
    renewal. The token names the worker, so that a delivery shows who sent it.
    """

    def __init__(self, edition, size, lease):
        self.lease = lease
        self.token = f"{socket.gethostname()[:16]}:{os.getpid()}:{uuid4().hex[:12]}"
        # Abandoned claims first: they are the oldest work of the edition.
        abandoned = Delivery.objects.filter(edition=edition).abandoned(lease)
        due = Delivery.objects.filter(edition=edition).due()
        with transaction.atomic():
            ids = self.free(abandoned, size)
            if len(ids) < size:
                ids += self.free(due, size - len(ids))
            # Whatever the isolation, the UPDATE checks again that each row is free:
            # a row another worker took meanwhile is not taken twice.
            (abandoned | due).filter(pk__in=ids).update(
                status=Status.SENDING, claim=self.token, claimed_at=Now()
            )
        self.renewed = time.monotonic()
        self.deliveries = list(
            Delivery.objects.filter(claim=self.token, status=Status.SENDING)
            .select_related("subscriber")
            .annotate(
                still_subscribed=Exists(
                    Subscription.objects.filter(
                        subscriber=OuterRef("subscriber"), letter=edition.letter
                    )
                ),
                suppressed=Exists(suppressions_of(OuterRef("subscriber__email"))),
            )
            .order_by("pk")
        )

    @staticmethod
    def free(deliveries, count):
        # SKIP LOCKED: on PostgreSQL, workers claiming together each take other rows
        # instead of queueing behind one another (SQLite ignores it: one writer at a time).
        return list(
            deliveries.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:count]
        )

    def __bool__(self):
        return bool(self.deliveries)

    def mine(self, delivery):
        return Delivery.objects.filter(pk=delivery.pk, claim=self.token)

    def keep(self, unsent):
        """
        Whether the ``unsent`` deliveries are still this worker's, for at least half a
        lease: renewed once half of it has gone. A claim found taken back (this worker
        was paused longer than the lease) is given up before anything more is sent.
        """
        if time.monotonic() - self.renewed < self.lease / 2:
            return True
        renewing = time.monotonic()
        held = Delivery.objects.filter(claim=self.token, status=Status.SENDING).update(
            claimed_at=Now()
        )
        self.renewed = renewing
        if held < unsent:
            logger.warning("Claim %s lost to another worker: batch given up", self.token)
            return False
        return True

    def release(self, deliveries, retry_at):
        """Hands deliveries back, untried, for any worker to take after ``retry_at``."""
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries], claim=self.token).update(
            status=Status.PENDING, retry_at=retry_at
        )


class SendingRate:
    """
    At most EMAIL_RATE_LIMIT messages a second through the backend, by every worker
    together: counted in the shared cache (Redis, once there are several workers), one
    counter per backend and second.
    """

    def __init__(self, per_second):
        self.per_second = per_second
        self.backend = f"{settings.EMAIL_BACKEND}:{settings.EMAIL_HOST}"

    def wait(self):
        while self.per_second:
            now = time.time()
            key = f"newsletter-rate:{self.backend}:{int(now)}"
            cache.add(key, 0, timeout=5)
            try:
                sent = cache.incr(key)
            except ValueError:  # Expired between the two calls: a new second began.
                continue
            if sent <= self.per_second:
                return
            time.sleep(int(now) + 1 - now)


class ServerUnavailable(Exception):
    """The backend cannot take any message for now: the batch stops, to go on later."""


# What the backend's exceptions mean for the reader: refused for good (suppressed), for
# now (tried again later), or no verdict on this reader at all (the server, or our
# account with the provider, is at fault: the batch stops).
PERMANENT, TEMPORARY = "permanent", "temporary"


def verdict(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in error.recipients.values()]
        return PERMANENT if all(code >= 500 for code in codes) else TEMPORARY
    if isinstance(
        error,
        smtplib.SMTPConnectError
        | smtplib.SMTPHeloError
        | smtplib.SMTPAuthenticationError
        | smtplib.SMTPSenderRefused
        | smtplib.SMTPNotSupportedError,
    ):
        raise ServerUnavailable(error) from error
    if isinstance(error, smtplib.SMTPResponseException):
        if error.smtp_code == 421:  # The server is closing the connection.
            raise ServerUnavailable(error) from error
        return PERMANENT if error.smtp_code >= 500 else TEMPORARY
    if isinstance(error, AnymailRecipientsRefused):
        return PERMANENT
    raise ServerUnavailable(error) from error


def retry_at(attempts):
    """After the ``attempts``-th try failed for now: NEWSLETTER_RETRY_DELAY, then ×4 each time."""
    delay = settings.NEWSLETTER_RETRY_DELAY * 4 ** (attempts - 1)
    return ExpressionWrapper(Now() + timedelta(seconds=delay), output_field=fields.DateTimeField())


class Sender:
    """One worker's sending of one edition: its message rendered once, one connection."""

    def __init__(self, edition):
        self.edition = edition
        self.rendered = render_edition(edition)
        self.connection = get_connection()
        self.rate = SendingRate(settings.EMAIL_RATE_LIMIT)
        self.domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"

    def send_all(self):
        """
        Sends batches until none is left to claim. Returns when the edition is done, or
        when what is left waits for a later try (the task queued next takes it).
        """
        still_sending = Edition.objects.filter(pk=self.edition.pk, status=Edition.Status.SENDING)
        try:
            # Looked at before each batch: an edition the desk took back stops there.
            while still_sending.exists():
                claim = Claim(
                    self.edition, settings.NEWSLETTER_BATCH_SIZE, settings.NEWSLETTER_LEASE
                )
                if claim:
                    self.send_batch(claim)
                    continue
                unfinished = self.edition.deliveries.unfinished()
                if not unfinished.filter(status=Status.SENDING).exists():
                    return
                # Another worker's batch: it ends soon, or its worker died and its lease
                # runs out; either way this worker stays to make sure.
                time.sleep(min(1, settings.NEWSLETTER_LEASE / 4))
        except ServerUnavailable as error:
            logger.warning("Sending of edition %s paused: %s", self.edition.pk, error)
        finally:
            self.connection.close()

    def send_batch(self, claim):
        deliveries = claim.deliveries
        for index, delivery in enumerate(deliveries):
            if not delivery.still_subscribed:
                # Left the letter since the sending started: no message, no record.
                claim.mine(delivery).delete()
                continue
            if delivery.suppressed:
                claim.mine(delivery).update(status=Status.SUPPRESSED)
                continue
            self.rate.wait()
            if not claim.keep(len(deliveries) - index):
                return
            try:
                self.send(claim, delivery)
            except ServerUnavailable as error:
                self.connection.close()
                later = retry_at(delivery.attempts + 1)
                claim.mine(delivery).update(
                    status=Status.PENDING,
                    retry_at=later,
                    attempts=F("attempts") + 1,
                    error=describe(error.__cause__),
                )
                claim.release(deliveries[index + 1 :], later)
                raise

    def send(self, claim, delivery):
        # The same for every try of this delivery: a message sent twice (see sending.py)
        # is one that mail clients can recognise as such.
        message_id = f"<edition-{self.edition.pk}.{delivery.pk}@{self.domain}>"
        try:
            message = edition_message(
                self.edition, delivery.subscriber, self.rendered, connection=self.connection
            )
            message.extra_headers["Message-ID"] = message_id
            # Opened once for the batches that follow (send() would open and close it).
            self.connection.open()
            message.send()
        except (smtplib.SMTPException, OSError, AnymailError) as error:
            self.failed(claim, delivery, error, verdict(error))
            return
        except Exception as error:
            # A message that cannot be made or addressed (an address the backend will not
            # write, a bug): this reader's alone. Raised, it would stop the edition at the
            # same reader after every lease.
            logger.exception("Edition %s not sent to delivery %s", self.edition.pk, delivery.pk)
            claim.mine(delivery).update(
                status=Status.FAILED, attempts=F("attempts") + 1, error=describe(error)
            )
            return
        # The server answered 250. From here to the commit of this UPDATE, a worker that
        # dies leaves a message delivered but recorded as being sent: the one window in
        # which a reader may get it twice (sending.py).
        status = getattr(message, "anymail_status", None)
        claim.mine(delivery).update(
            status=Status.SENT,
            sent_at=Now(),
            message_id=(status and status.message_id) or message_id,
            attempts=F("attempts") + 1,
            retry_at=None,
            error="",
        )

    def failed(self, claim, delivery, error, kind):
        attempts = delivery.attempts + 1
        mine = claim.mine(delivery)
        if kind == PERMANENT:
            suppress(delivery.subscriber.email, Suppression.Reason.REFUSED, describe(error))
            mine.update(status=Status.FAILED, attempts=attempts, error=describe(error))
        elif attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
            mine.update(status=Status.FAILED, attempts=attempts, error=describe(error))
        else:
            mine.update(
                status=Status.PENDING,
                attempts=attempts,
                retry_at=retry_at(attempts),
                error=describe(error),
            )


def describe(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values()
        )[:500]
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        reply = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"{error.smtp_code} {reply}"[:500]
    return f"{type(error).__name__}: {error}"[:500]
