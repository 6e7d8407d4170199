"""
What an edition holds: its letter's latest published articles, filled in for the desk
to reorder and introduce, or by the daily digest, which makes and sends itself at its
letter's hour when something new was published since the letter's last edition.

The digest's clock is a due check every task worker runs once a minute
(``watch_daily_digests``): no chain of tasks to lose when a queue is emptied, and no
cron to install. Any number of workers may look at once: an edition per letter and day
is a constraint of the database, so only one of them makes it.
"""

import datetime
import logging
import threading
from dataclasses import replace

from django.db import IntegrityError, connections, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from articles.models import Article
from markup.formats import long_date

from . import sending
from .delivering import suppressions_of
from .mail import edition_message, render_edition
from .models import Edition, EditionArticle, Letter, Subscriber

# An edition is read in a few minutes: beyond a dozen articles, readers stop scrolling.
MAX_ARTICLES = 12
# A digest covers the day before its hour: a worker stopped for longer does not make up
# for lost days with one long letter.
DIGEST_COVERS = datetime.timedelta(days=1)
CHECK_EVERY_SECONDS = 60

logger = logging.getLogger(__name__)


def latest_articles(letter, since=None, until=None):
    """
    The newest published articles of ``letter``'s section (all, without one) that none of
    its editions sent yet, published since ``since`` and until ``until`` when given.
    """
    sent = EditionArticle.objects.filter(
        edition__in=Edition.objects.filter(letter=letter).gone_out()
    ).values("article")
    articles = Article.objects.published().exclude(pk__in=sent)
    if letter.section_id:
        articles = articles.filter(section_id=letter.section_id)
    if since is not None:
        articles = articles.filter(published_at__gt=since)
    if until is not None:
        articles = articles.filter(published_at__lte=until)
    return articles.order_by("-published_at", "-pk")[:MAX_ARTICLES]


def fill(edition):
    """
    Adds to ``edition``, after what it holds, its letter's latest articles that no edition
    of the letter sent yet, up to MAX_ARTICLES. Returns how many it added.
    """
    held = set(edition.items.values_list("article_id", flat=True))
    room = MAX_ARTICLES - len(held)
    if room <= 0:
        return 0
    added = [
        article for article in latest_articles(edition.letter).only("pk") if article.pk not in held
    ][:room]
    start = (edition.items.aggregate(last=Max("position"))["last"] or 0) + 1 if held else 0
    EditionArticle.objects.bulk_create(
        EditionArticle(edition=edition, article=article, position=start + offset)
        for offset, article in enumerate(added)
    )
    return len(added)


def digest_subject(letter, moment):
    """« La Quotidienne du lundi 7 décembre 2026 »"""
    moment = timezone.localtime(moment)
    return _("%(letter)s of %(date)s") % {
        "letter": letter.name,
        "date": f"{formats.date_format(moment, 'l')} {long_date(moment)}",
    }


def due_moment(letter, day):
    """When ``letter``'s digest of ``day`` is due: its hour, in Paris time (the site's)."""
    return timezone.make_aware(datetime.datetime.combine(day, letter.send_time))


def send_daily_digest(letter, day, now=None):
    """
    Makes ``letter``'s digest of ``day`` and starts sending it, if something was
    published in the day before ``now`` that no edition of the letter sent yet; returns
    it, or None when there was nothing new or the digest of that day exists already.
    """
    now = now or timezone.now()
    if Edition.objects.filter(letter=letter, digest_of=day).exists():
        return None
    since = now - DIGEST_COVERS
    articles = list(latest_articles(letter, since, until=now).only("pk"))
    if not articles:
        return None
    with translation.override("fr"), transaction.atomic():
        try:
            with transaction.atomic():
                edition = Edition.objects.create(
                    letter=letter,
                    digest_of=day,
                    subject=digest_subject(letter, now),
                    send_at=now,
                )
        except IntegrityError:
            # Another worker made it a moment ago.
            return None
        EditionArticle.objects.bulk_create(
            EditionArticle(edition=edition, article=article, position=position)
            for position, article in enumerate(articles)
        )
        sending.start_sending(edition)
    return edition


def send_due_digests(now=None):
    """The digests due by ``now`` and not made yet today, made and sent; returns them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = []
    for letter in Letter.objects.filter(
        is_active=True, kind=Letter.Kind.DAILY, send_time__isnull=False
    ):
        if now >= due_moment(letter, today):
            edition = send_daily_digest(letter, today, now)
            if edition is not None:
                logger.info("Daily digest %s of %s: sending", edition.pk, letter)
                sent.append(edition)
    return sent


def watch_daily_digests(stop=None, every=CHECK_EVERY_SECONDS):
    """
    Starts, in a thread of the worker's process, the check of the digests due, once
    every ``every`` seconds until ``stop`` (a threading.Event) is set.
    """
    stop = stop or threading.Event()

    def watch():
        while not stop.is_set():
            try:
                send_due_digests()
            except Exception:
                # A database restarting must not stop the clock: the next minute retries.
                logger.exception("The check of the daily digests failed")
            finally:
                # This thread's own connection: the worker's tasks keep theirs.
                connections.close_all()
            stop.wait(every)

    thread = threading.Thread(target=watch, name="daily-digests", daemon=True)
    thread.start()
    return thread


def audience(letter):
    """How many readers an edition of ``letter`` sent now would reach."""
    return (
        Subscriber.objects.filter(confirmed_at__isnull=False, subscriptions__letter=letter)
        .exclude(Exists(suppressions_of(OuterRef("email"))))
        .count()
    )


def send_test(edition, address):
    """
    ``edition`` as its subscribers will receive it, to ``address`` alone, its subject
    marked as a test; raises what the mail server or the backend raised.
    """
    # The reader's own links when the address subscribes, so that they can be tried.
    subscriber = Subscriber.objects.filter(email__iexact=address).first() or Subscriber(
        email=address
    )
    rendered = render_edition(edition)
    rendered = replace(rendered, subject=_("[Test] %(subject)s") % {"subject": rendered.subject})
    edition_message(edition, subscriber, rendered).send()
