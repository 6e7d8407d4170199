"""
An edition sent in this process, to a real SMTP server on loopback: who gets a delivery,
who gets a message, and how a batch is claimed. A real worker, killed or doubled, is
in test_sending_workers.py.
"""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from newsletter.delivering import Claim, SendingRate
from newsletter.models import Delivery, Edition, Subscriber, Suppression
from newsletter.sending import start_sending
from newsletter.tasks import send_edition
from tests.mail_server import free_port
from tests.newsletter.audience import make_edition, make_letter, subscribe

pytestmark = pytest.mark.django_db
Status = Delivery.Status


@pytest.fixture
def letter():
    return make_letter()


def statuses(edition):
    return dict(edition.deliveries.values_list("subscriber__email", "status"))


def test_each_confirmed_subscriber_of_the_letter_gets_one_delivery(
    letter, django_assert_max_num_queries
):
    subscribe(letter, 300)
    subscribe(letter, 2, start=300, confirmed=False)
    subscribe(make_letter("autre"), 2, start=400)
    Suppression.objects.create(email="LECTEUR7@lecteurs.example", reason="bounced")
    edition = make_edition(letter)

    # In bulk: the count does not grow with the audience.
    with django_assert_max_num_queries(12):
        start_sending(edition)
    start_sending(edition)  # Again, as a double click on « send now » would.

    delivered = statuses(edition)
    assert len(delivered) == 300
    assert delivered["lecteur7@lecteurs.example"] == Status.SUPPRESSED
    assert list(edition.deliveries.counts().values()) == [299, 0, 0, 0, 1]
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENDING


def test_an_edition_reaches_each_subscriber_once_and_is_marked_sent(letter, smtp_server):
    subscribe(letter, 30)
    edition = make_edition(letter)
    start_sending(edition)

    send_edition.call(edition.pk)

    assert len(smtp_server.messages) == 30
    for delivery in edition.deliveries.select_related("subscriber"):
        (message,) = smtp_server.to(delivery.subscriber.email)
        assert message["Subject"] == "Le cinéma de la semaine"
        # The same for every try of this delivery, so that a copy sent twice is known.
        assert message["Message-ID"] == delivery.message_id
        assert message["Message-ID"] == f"<edition-{edition.pk}.{delivery.pk}@localhost>"
        assert (delivery.status, delivery.attempts) == (Status.SENT, 1)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT and edition.sent_at is not None


def test_a_suppressed_address_and_a_reader_who_left_get_nothing(letter, smtp_server):
    readers = subscribe(letter, 3)
    edition = make_edition(letter)
    start_sending(edition)
    # Between the start of the sending and their turn:
    Suppression.objects.create(email=readers[0].email, reason="complained")
    readers[1].subscriptions.all().delete()

    send_edition.call(edition.pk)

    assert [m["To"] for m in smtp_server.messages] == [readers[2].email]
    assert statuses(edition) == {
        readers[0].email: Status.SUPPRESSED,
        readers[2].email: Status.SENT,
    }


def test_a_scheduled_edition_waits_for_its_time(letter, smtp_server):
    subscribe(letter, 2)
    edition = make_edition(letter)
    start_sending(edition, at=timezone.now() + timedelta(hours=2))
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SCHEDULED
    subscribe(letter, 1, start=2)  # Confirmed before the hour: counted.

    send_edition.call(edition.pk)  # A task run early, as a clock off by hours would.
    assert smtp_server.messages == []
    assert not edition.deliveries.exists()

    Edition.objects.filter(pk=edition.pk).update(send_at=timezone.now())
    send_edition.call(edition.pk)
    assert len(smtp_server.messages) == 3


def test_two_claims_never_hold_the_same_delivery(letter, settings):
    subscribe(letter, 5)
    edition = make_edition(letter)
    start_sending(edition)

    first, second, third = (Claim(edition, size=2, lease=60) for _ in range(3))

    held = [{d.pk for d in claim.deliveries} for claim in (first, second, third)]
    assert [len(pks) for pks in held] == [2, 2, 1]
    assert not (held[0] & held[1]) and not (held[1] & held[2]) and not (held[0] & held[2])
    assert not Claim(edition, size=2, lease=60)


def test_a_dead_workers_claim_goes_back_and_it_sends_nothing_more(letter):
    subscribe(letter, 2)
    edition = make_edition(letter)
    start_sending(edition)
    dead = Claim(edition, size=2, lease=60)
    assert not Claim(edition, size=2, lease=60)

    # Its lease ran out: its worker stopped renewing it.
    Delivery.objects.update(claimed_at=F("claimed_at") - timedelta(seconds=61))
    taker = Claim(edition, size=2, lease=60)

    assert {d.pk for d in taker.deliveries} == {d.pk for d in dead.deliveries}
    dead.renewed -= 31  # Half its lease gone: it asks to renew, and learns.
    assert dead.keep(unsent=2) is False
    assert taker.keep(unsent=2) is True


def test_the_rate_limit_holds_every_second(settings, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr("newsletter.delivering.time.time", lambda: clock[0])
    monkeypatch.setattr(
        "newsletter.delivering.time.sleep", lambda seconds: clock.__setitem__(0, clock[0] + seconds)
    )
    rate = SendingRate(per_second=3)

    let_through = []
    for _ in range(7):
        rate.wait()
        let_through.append(int(clock[0]))

    assert let_through == [1000, 1000, 1000, 1001, 1001, 1001, 1002]


def test_a_message_that_cannot_be_written_fails_alone(letter, smtp_server):
    readers = subscribe(letter, 3)
    # An address that no header may hold, as an import from elsewhere could bring.
    Subscriber.objects.filter(pk=readers[1].pk).update(email="lecteur1@lecteurs.example\nBcc: x")
    edition = make_edition(letter)
    start_sending(edition)

    send_edition.call(edition.pk)

    assert sorted(m["To"] for m in smtp_server.messages) == [readers[0].email, readers[2].email]
    failed = edition.deliveries.get(subscriber=readers[1])
    assert failed.status == Status.FAILED
    assert failed.error.startswith("ValueError: Invalid address")
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT


def test_a_server_that_cannot_be_reached_leaves_the_edition_for_later(letter, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # Nobody listens.
    subscribe(letter, 3)
    edition = make_edition(letter)
    start_sending(edition)

    send_edition.call(edition.pk)

    # Nobody refused anything: no suppression, every delivery waits for its next try.
    assert not Suppression.objects.exists()
    assert edition.deliveries.counts()[Status.PENDING] == 3
    assert not edition.deliveries.filter(retry_at__isnull=True).exists()
    assert sorted(edition.deliveries.values_list("attempts", flat=True)) == [0, 0, 1]
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENDING
