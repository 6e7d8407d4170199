"""From the signed link of any message: change letters, leave, download or erase, no account."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from newsletter import links, subscribing
from newsletter.models import Delivery, Edition, Subscriber, Subscription, Suppression
from tests.pages import soup, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(letters):
    subscriber = Subscriber.objects.create(email="ines@exemple.fr")
    subscribing.confirm(subscriber)
    daily = letters["la-quotidienne"]
    Subscription.objects.create(
        subscriber=subscriber,
        letter=daily,
        consented_at=timezone.now() - timedelta(days=30),
        consent_text="Texte d’il y a un mois.",
    )
    return subscriber


@pytest.fixture
def preferences(reader):
    return urlsplit(links.preferences_url(reader)).path


def ticked(page):
    return [text(box.find_parent("label").strong) for box in page.select("[name=letters][checked]")]


def test_the_page_shows_the_address_and_its_letters(client, preferences):
    page = soup(client.get(preferences))

    assert text(page.h1) == "Vos préférences de lettres"
    assert "Pour l’adresse ines@exemple.fr." in text(page)
    assert ticked(page) == ["La Quotidienne"]


def test_changing_letters_records_consent_for_the_new_ones_only(
    client, preferences, reader, letters
):
    weekly, alerts = letters["critiques-de-la-semaine"], letters["alertes"]

    page = soup(
        client.post(
            preferences, {"action": "save", "letters": [letters["la-quotidienne"].pk, weekly.pk]}
        )
    )

    assert "Enregistré." in text(page.select_one("[role=status]"))
    assert ticked(page) == ["La Quotidienne", "Critiques de la semaine"]
    consents = {s.letter: s for s in reader.subscriptions.all()}
    assert consents[letters["la-quotidienne"]].consent_text == "Texte d’il y a un mois."
    assert consents[weekly].consent_text.startswith("Critiques de la semaine\n")
    assert consents[weekly].consented_at > consents[letters["la-quotidienne"]].consented_at
    # And the other way: one dropped, one added.
    client.post(preferences, {"action": "save", "letters": [alerts.pk]})
    assert [s.letter for s in reader.subscriptions.all()] == [alerts]


def test_saving_no_letter_says_how_to_leave_and_keeps_the_letters(client, preferences, reader):
    page = soup(client.post(preferences, {"action": "save"}))

    assert "« Se désabonner de tout »" in text(page.select_one("[role=alert]"))
    assert reader.subscriptions.count() == 1


def test_unsubscribing_from_everything_keeps_the_way_back(client, preferences, reader, letters):
    page = soup(client.post(preferences, {"action": "unsubscribe"}))

    assert text(page.h1) == "Désabonnement effectué"
    assert "Plus aucune lettre ne sera envoyée à ines@exemple.fr." in text(page)
    assert not reader.subscriptions.exists()
    # The preferences still open, to subscribe again.
    client.post(preferences, {"action": "save", "letters": [letters["alertes"].pk]})
    assert [s.letter.slug for s in reader.subscriptions.all()] == ["alertes"]


def test_the_download_holds_everything_kept_and_nothing_else(client, preferences, reader, letters):
    edition = Edition.objects.create(letter=letters["la-quotidienne"], subject="Le 7 décembre")
    Delivery.objects.create(
        edition=edition, subscriber=reader, status=Delivery.Status.SENT, sent_at=timezone.now()
    )
    download = soup(client.get(preferences)).select_one("a[download]")["href"]

    response = client.get(urlsplit(download).path)

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="newsletter.json"'
    held = json.loads(response.content)
    assert set(held) == {
        "email",
        "signed_up_on",
        "confirmed_on",
        "subscriptions",
        "messages",
        "suppressed",
    }
    assert held["email"] == "ines@exemple.fr"
    assert held["subscriptions"] == [
        {
            "letter": "La Quotidienne",
            "consent_given_on": reader.subscriptions.get().consented_at.isoformat(),
            "text_agreed_to": "Texte d’il y a un mois.",
        }
    ]
    assert held["messages"][0]["subject"] == "Le 7 décembre"
    assert held["messages"][0]["status"] == "sent"
    assert held["suppressed"] is None


def test_erasing_asks_for_the_box_then_forgets_everything_but_a_suppression(
    client, preferences, reader
):
    Suppression.objects.create(email=reader.email, reason=Suppression.Reason.BOUNCED)

    page = soup(client.post(preferences, {"action": "erase"}))
    assert "Cochez la case pour confirmer" in text(page.select_one("[role=alert]"))
    assert Subscriber.objects.exists()

    page = soup(client.post(preferences, {"action": "erase", "sure": "1"}))
    assert text(page.h1) == "Effacé"
    assert not Subscriber.objects.exists() and not Subscription.objects.exists()
    # A bounced address stays unmailable, though nothing else about it is kept.
    assert Suppression.objects.filter(email=reader.email).exists()
    assert client.get(preferences).status_code == 404


def test_the_preferences_cost_a_fixed_number_of_queries(
    client, preferences, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        client.get(preferences)
