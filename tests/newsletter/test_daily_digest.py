"""The daily digest sends itself at its hour, only when something new was published, once a day."""

import datetime
import threading

import pytest
from django.db import IntegrityError
from django.utils import timezone

from newsletter.editions import send_due_digests, watch_daily_digests
from newsletter.models import Edition, Subscription
from tests.factories import make_article
from tests.newsletter.editions import daily_letter, make_edition, make_subscriber

pytestmark = pytest.mark.django_db

# Days safely in the past, so that every article dated on them is published.
DAY = timezone.localdate() - datetime.timedelta(days=5)


def paris(day_offset, hour, minute=0):
    day = DAY + datetime.timedelta(days=day_offset)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def letter():
    """La Quotidienne, at 07:00, whose last edition (by hand) went out the day before DAY."""
    letter = daily_letter()
    assert letter.send_time == datetime.time(7, 0)
    already_sent = make_article(title="Déjà envoyé", published_at=paris(-1, 9))
    make_edition(already_sent, letter=letter, status=Edition.Status.SENT, send_at=paris(-1, 10))
    return letter


def subscribe(letter, confirmed=True):
    subscriber = make_subscriber(confirmed_at=timezone.now() if confirmed else None)
    Subscription.objects.create(
        subscriber=subscriber, letter=letter, consented_at=timezone.now(), consent_text="Oui."
    )
    return subscriber


def digests(letter):
    return list(Edition.objects.filter(letter=letter, digest_of__isnull=False))


def articles_of(edition):
    return [item.article.title for item in edition.items.select_related("article")]


def test_nothing_new_no_digest(letter):
    make_article(title="Avant-hier", published_at=paris(-1, 6))
    assert send_due_digests(now=paris(0, 7, 1)) == []
    assert digests(letter) == []


def test_sends_itself_at_its_hour_with_what_is_new(letter):
    make_article(title="Du soir", published_at=paris(-1, 20))
    make_article(title="Du matin", published_at=paris(0, 6, 30))
    reader, _unconfirmed = subscribe(letter), subscribe(letter, confirmed=False)

    assert send_due_digests(now=paris(0, 6, 59)) == []

    (edition,) = send_due_digests(now=paris(0, 7, 1))
    assert edition.digest_of == DAY
    assert articles_of(edition) == ["Du matin", "Du soir"]
    weekday = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    month = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre"]  # fmt: skip
    day = "1er" if DAY.day == 1 else DAY.day
    assert edition.subject == (
        f"La Quotidienne du {weekday[DAY.weekday()]} {day} {month[DAY.month - 1]} {DAY.year}"
    )
    edition.refresh_from_db()
    assert edition.status != Edition.Status.DRAFT
    assert [delivery.subscriber for delivery in edition.deliveries.all()] == [reader]


def test_never_twice_a_day(letter):
    make_article(title="Du matin", published_at=paris(0, 6))
    (first,) = send_due_digests(now=paris(0, 7, 1))
    make_article(title="De la matinée", published_at=paris(0, 9))

    assert send_due_digests(now=paris(0, 7, 2)) == []
    assert send_due_digests(now=paris(0, 10)) == []
    assert digests(letter) == [first]
    # The database holds to it too, for two workers looking at the same moment.
    with pytest.raises(IntegrityError):
        Edition.objects.create(letter=letter, subject="Doublon", digest_of=DAY)


def test_the_next_day_has_only_what_came_after(letter):
    make_article(title="Du matin", published_at=paris(0, 6))
    send_due_digests(now=paris(0, 7, 1))
    make_article(title="De la matinée", published_at=paris(0, 9))

    (next_day,) = send_due_digests(now=paris(1, 7, 1))
    assert articles_of(next_day) == ["De la matinée"]
    assert send_due_digests(now=paris(2, 7, 1)) == []


class Rounds(threading.Event):
    """A stop signal that also tells when the clock has made a round and waits for the next."""

    def __init__(self):
        super().__init__()
        self.round_made = threading.Event()

    def wait(self, timeout=None):
        self.round_made.set()
        return super().wait(timeout)


def test_the_worker_s_clock_sends_the_digest_due(transactional_db):
    """The check a task worker runs in a thread of its own, with its own connection."""
    letter = daily_letter()
    letter.send_time = datetime.time(0, 0)
    letter.save()
    make_article(title="De la nuit", published_at=timezone.now() - datetime.timedelta(minutes=5))
    rounds = Rounds()

    clock = watch_daily_digests(rounds, every=60)
    # Nothing read meanwhile: SQLite's in-memory test database, shared between threads,
    # refuses a read while the other thread writes, where a database on disk would wait.
    assert rounds.round_made.wait(timeout=30)
    rounds.set()
    clock.join(timeout=10)

    assert not clock.is_alive()
    (edition,) = digests(letter)
    assert articles_of(edition) == ["De la nuit"]
