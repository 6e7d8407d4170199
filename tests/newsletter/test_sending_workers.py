"""
Editions sent by real task workers (manage.py tasks_worker, in processes of their own)
to a real SMTP server on loopback: a worker killed halfway, two at once, a server that
says « later » and one that says « never ». On the database backend, or on RQ when
REDIS_URL is set, as CI's second phase runs them.
"""

import itertools
import logging
from collections import Counter

import pytest

from newsletter.models import Delivery, Edition, Suppression
from newsletter.sending import start_sending
from tests.newsletter.audience import make_edition, make_letter, subscribe
from tests.workers import Worker, wait_for

pytestmark = pytest.mark.task_workers

Status = Delivery.Status


@pytest.fixture(autouse=True)
def quiet_mail_server():
    """aiosmtpd logs each command it reads: thousands of lines, which cost seconds."""
    logger = logging.getLogger("mail.log")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)


@pytest.fixture
def sending_worker(worker_database, private_root, smtp_server, tmp_path):
    """Starts a worker that sends through ``smtp_server``, with a lease of seconds."""

    def start(**environment):
        return Worker(
            worker_database,
            tmp_path / "worker.log",
            **{
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": smtp_server.host,
                "EMAIL_PORT": str(smtp_server.port),
                "NEWSLETTER_LEASE": "3",
                "NEWSLETTER_BATCH_SIZE": "50",
                **environment,
            },
        )

    started = []
    yield lambda **environment: started.append(start(**environment)) or started[-1]
    for worker in started:
        worker.stop()


def sent(edition):
    return Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENT).exists()


def received_once_each(smtp_server, readers):
    counted = Counter(rcpt for envelope in smtp_server.envelopes for rcpt in envelope.rcpt_tos)
    return counted == Counter(reader.email for reader in readers)


def test_a_worker_killed_halfway_and_another_started_send_each_reader_one_message(
    smtp_server, sending_worker
):
    letter = make_letter()
    readers = subscribe(letter, 2000)
    edition = make_edition(letter)
    arrivals = itertools.count(1)

    def kill_the_worker_before_the_thousandth_is_accepted(message, envelope):
        if next(arrivals) == 1000:
            first.kill()
            # Not accepted: the worker died before any answer, as it would mid-DATA.
            return "421 4.3.2 Shutting down"
        return None

    smtp_server.before_accepting = kill_the_worker_before_the_thousandth_is_accepted
    start_sending(edition)
    first = sending_worker()
    wait_for(lambda: first.process.poll() is not None, first, timeout=120, what="the kill")
    first.process.returncode = None  # wait_for() fails on an exited worker: it was killed.

    assert len(smtp_server.messages) == 999
    # Each accepted message was recorded before the next was sent; the refused one
    # stays claimed by the dead worker until its lease runs out.
    assert Delivery.objects.filter(status=Status.SENT).count() == 999
    assert Delivery.objects.filter(status=Status.SENDING).count() >= 1

    second = sending_worker()
    wait_for(lambda: sent(edition), second, timeout=120, what="the second worker")

    assert len(smtp_server.messages) == 2000
    assert received_once_each(smtp_server, readers)
    assert edition.deliveries.counts()[Status.SENT] == 2000


def test_two_workers_at_once_send_each_reader_one_message(smtp_server, sending_worker):
    letter = make_letter()
    readers = subscribe(letter, 600)
    edition = make_edition(letter)
    # Slow enough that the second worker, which starts as fast as the first, joins in.
    first = sending_worker(NEWSLETTER_BATCH_SIZE="20", EMAIL_RATE_LIMIT="150")
    sending_worker(NEWSLETTER_BATCH_SIZE="20", EMAIL_RATE_LIMIT="150")
    start_sending(edition)

    wait_for(lambda: sent(edition), first, timeout=120)

    assert received_once_each(smtp_server, readers)
    senders = {claim.split(":")[1] for claim in edition.deliveries.values_list("claim", flat=True)}
    assert len(senders) == 2


def test_a_message_refused_for_now_is_sent_again_later(smtp_server, sending_worker):
    letter = make_letter()
    readers = subscribe(letter, 4)
    greylisted = readers[2].email
    edition = make_edition(letter)
    refusals = []

    def greylist_once(message, envelope):
        if envelope.rcpt_tos == [greylisted] and not refusals:
            refusals.append(message)
            return "451 4.7.1 Greylisted, please try again later"
        return None

    smtp_server.before_accepting = greylist_once
    start_sending(edition)
    worker = sending_worker(NEWSLETTER_RETRY_DELAY="0.5")
    wait_for(lambda: sent(edition), worker, timeout=60)

    assert len(refusals) == 1
    assert received_once_each(smtp_server, readers)
    delivery = edition.deliveries.get(subscriber__email=greylisted)
    assert (delivery.status, delivery.attempts) == (Status.SENT, 2)
    assert not Suppression.objects.exists()


def test_a_message_refused_for_good_suppresses_the_address(smtp_server, sending_worker):
    letter = make_letter()
    readers = subscribe(letter, 4)
    unknown = readers[1].email
    edition = make_edition(letter)
    smtp_server.before_accepting = lambda message, envelope: (
        "550 5.1.1 No such user here" if envelope.rcpt_tos == [unknown] else None
    )
    start_sending(edition)
    worker = sending_worker()
    wait_for(lambda: sent(edition), worker, timeout=60)

    assert received_once_each(smtp_server, [r for r in readers if r.email != unknown])
    delivery = edition.deliveries.get(subscriber__email=unknown)
    assert (delivery.status, delivery.attempts) == (Status.FAILED, 1)
    assert delivery.error == "550 5.1.1 No such user here"
    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.reason) == (unknown, Suppression.Reason.REFUSED)

    # The next edition does not even try.
    following = make_edition(letter, "La semaine suivante")
    start_sending(following)
    assert following.deliveries.get(subscriber__email=unknown).status == Status.SUPPRESSED
