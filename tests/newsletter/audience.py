"""Letters, subscribers and editions for the sending tests, made in bulk."""

from django.utils import timezone

from newsletter.models import Edition, Letter, Subscriber, Subscription


def make_letter(slug="essai"):
    # Its own letter: a transactional test's flush takes the three of the migration away.
    return Letter.objects.create(name=f"Lettre {slug}", slug=slug, kind=Letter.Kind.DAILY)


def subscribe(letter, count, *, start=0, confirmed=True, domain="lecteurs.example"):
    """``count`` readers of ``letter`` (lecteur<n>@…), in two INSERTs."""
    now = timezone.now()
    readers = Subscriber.objects.bulk_create(
        Subscriber(email=f"lecteur{n}@{domain}", confirmed_at=now if confirmed else None)
        for n in range(start, start + count)
    )
    Subscription.objects.bulk_create(
        Subscription(
            subscriber=reader, letter=letter, consented_at=now, consent_text="Je m’abonne."
        )
        for reader in readers
    )
    return readers


def make_edition(letter, subject="Le cinéma de la semaine"):
    return Edition.objects.create(letter=letter, subject=subject, intro="Bonjour.")
