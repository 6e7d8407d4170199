"""A reader subscribes with no account and no cookie, and only the address's owner confirms."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from newsletter.models import Subscriber, Subscription, Suppression
from tests.pages import soup, text

pytestmark = pytest.mark.django_db

ADDRESS = "ines.lectrice@exemple.fr"


def body(message, kind="plain"):
    return message.get_body((kind,)).get_content()


def link_in(message, prefix):
    """The path of the first link of the plain-text part under ``prefix``, as a reader clicks it."""
    (url,) = {url for url in re.findall(r"https://\S+", body(message)) if prefix in url}
    return urlsplit(url).path


def ask(post, letters, email=ADDRESS, client_address="127.0.0.1", **fields):
    data = {"email": email, "letters": [letter.pk for letter in letters], **fields}
    return post("/lettre/", data, REMOTE_ADDR=client_address)


def test_the_form_records_the_consent_shown_and_sends_a_confirmation(client, post, mail, letters):
    daily, weekly = letters["la-quotidienne"], letters["critiques-de-la-semaine"]
    form = soup(client.get("/lettre/")).select_one("form.newsletter-form")
    shown = form.select_one(".newsletter-form__consent").get_text().strip()

    response = ask(post, [daily, weekly])

    assert response.status_code == 302 and response["Location"] == "/lettre/merci/"
    subscriber = Subscriber.objects.get()
    assert subscriber.email == ADDRESS and subscriber.confirmed_at is None
    consents = {s.letter: s.consent_text for s in Subscription.objects.select_related("letter")}
    assert set(consents) == {daily, weekly}
    assert consents[daily] == f"{daily.name}\n{daily.description}\n{shown}"
    (message,) = mail.to(ADDRESS)
    assert message["Subject"] == "Confirmez votre inscription à Screenmania"
    assert message["From"] == "Screenmania <lettre@screenmania.example>"
    assert "La Quotidienne" in body(message) and "Critiques de la semaine" in body(message)
    assert "Alertes" not in body(message)
    assert "lettre/confirmer/" in body(message, "html")


def test_only_the_button_behind_the_link_confirms(client, post, mail, letters):
    """Mail filters open links to check them: that must not confirm an address."""
    ask(post, [letters["alertes"]])
    confirm = link_in(mail.to(ADDRESS)[0], "/lettre/confirmer/")

    page = soup(client.get(confirm))
    assert text(page.h1) == "Confirmez votre inscription"
    assert Subscriber.objects.get().confirmed_at is None

    page = soup(client.post(confirm))
    assert text(page.h1) == "Inscription confirmée"
    assert "Alertes" in text(page.select_one(".newsletter-page__letters"))
    assert Subscriber.objects.get().confirmed_at is not None
    # Followed again, from the same message: still a page, nothing changes.
    assert client.post(confirm).status_code == 200


def test_a_confirmed_address_gets_its_preferences_link_and_keeps_its_letters(
    client, post, mail, letters
):
    ask(post, [letters["alertes"]])
    client.post(link_in(mail.to(ADDRESS)[0], "/lettre/confirmer/"))

    # Anyone can type the address: the page answers the same, the owner decides.
    response = ask(post, [letters["la-quotidienne"]])

    assert response["Location"] == "/lettre/merci/"
    _, second = mail.to(ADDRESS)
    assert second["Subject"] == "Vos préférences pour les lettres de Screenmania"
    assert "/lettre/confirmer/" not in body(second)
    assert link_in(second, "/lettre/preferences/")
    held = Subscription.objects.filter(subscriber__email=ADDRESS)
    assert [s.letter.slug for s in held] == ["alertes"]


def test_the_same_address_in_capitals_is_the_same_subscriber(post, mail, letters):
    ask(post, [letters["alertes"]])
    ask(post, [letters["la-quotidienne"]], email="INES.Lectrice@EXEMPLE.FR")

    subscriber = Subscriber.objects.get()
    # Not confirmed yet: the latest form decides.
    assert [s.letter.slug for s in subscriber.subscriptions.all()] == ["la-quotidienne"]
    assert len(mail.to(ADDRESS)) == 2


def test_a_mistake_keeps_what_was_typed_with_a_french_message(client, post, mail, letters):
    weekly = letters["critiques-de-la-semaine"]

    page = soup(ask(post, [weekly], email="ines@"))

    error = text(page.select_one("#newsletter-email-error"))
    assert error == "Saisissez une adresse e-mail entière, comme nom@exemple.fr."
    assert page.select_one("#newsletter-email")["value"] == "ines@"
    ticked = [box["value"] for box in page.select("input[name=letters][checked]")]
    assert ticked == [str(weekly.pk)]
    page = soup(ask(post, []))
    assert text(page.select_one("#newsletter-letters-error")) == "Cochez au moins une lettre."
    assert page.select_one("#newsletter-email")["value"] == ADDRESS
    assert not Subscriber.objects.exists() and not mail.messages


def test_the_honeypot_is_answered_as_a_success_and_does_nothing(post, mail, letters):
    response = ask(post, [letters["alertes"]], website="https://spam.example")

    assert response["Location"] == "/lettre/merci/"
    assert not Subscriber.objects.exists() and not mail.messages


def test_an_address_gets_three_messages_an_hour_at_most(post, mail, letters):
    for _ in range(3):
        assert ask(post, [letters["alertes"]]).status_code == 302

    response = ask(post, [letters["alertes"]])

    assert response.status_code == 429
    page = BeautifulSoup(response.content, "html.parser")
    assert "Trop de demandes pour cette adresse." in text(page.select_one("[role=alert]"))
    assert page.select_one("#newsletter-email")["value"] == ADDRESS
    assert len(mail.to(ADDRESS)) == 3
    # Another address from the same reader is still answered.
    assert ask(post, [letters["alertes"]], email="autre@exemple.fr").status_code == 302


def test_a_client_is_limited_whatever_addresses_it_types(post, mail, letters, monkeypatch):
    monkeypatch.setattr("newsletter.subscribing.REQUESTS_PER_CLIENT", 2)
    ask(post, [letters["alertes"]], email="a@exemple.fr")
    ask(post, [letters["alertes"]], email="b@exemple.fr")

    response = ask(post, [letters["alertes"]], email="c@exemple.fr")

    assert response.status_code == 429
    assert "Trop de demandes depuis votre connexion." in response.content.decode()
    response = ask(post, [letters["alertes"]], email="c@exemple.fr", client_address="192.0.2.7")
    assert response.status_code == 302


def test_a_suppressed_address_is_answered_alike_and_sent_nothing(post, mail, letters):
    Suppression.objects.create(email=ADDRESS.upper(), reason=Suppression.Reason.COMPLAINED)

    assert ask(post, [letters["alertes"]])["Location"] == "/lettre/merci/"
    assert not mail.messages


def test_the_thanks_page_says_what_to_do_next(client):
    page = soup(client.get("/lettre/merci/"))

    assert text(page.h1) == "Vérifiez votre boîte de réception"
    assert "Le lien fonctionne 7 jours." in text(page)


def test_an_address_left_unconfirmed_is_erased_once_its_link_expired(post, mail, letters):
    stale = Subscriber.objects.create(email="jamais@exemple.fr")
    kept = Subscriber.objects.create(email="fidele@exemple.fr", confirmed_at=timezone.now())
    recent = Subscriber.objects.create(email="hier@exemple.fr")
    eight_days_ago = timezone.now() - timedelta(days=8)
    Subscriber.objects.filter(pk__in=[stale.pk, kept.pk]).update(created_at=eight_days_ago)

    ask(post, [letters["alertes"]])

    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        ADDRESS,
        kept.email,
        recent.email,
    }


def test_a_sign_up_costs_a_fixed_number_of_queries(
    post, mail, letters, django_assert_max_num_queries
):
    every_letter = list(letters.values())
    ask(post, every_letter, email="premiere@exemple.fr")

    # The letters checked, the address looked up and created, its subscriptions written;
    # then, in the task, the tidying, the address and its letters read again.
    with django_assert_max_num_queries(14):
        ask(post, every_letter)

    assert len(mail.messages) == 2


def test_a_cache_outage_does_not_stop_a_sign_up(post, mail, letters, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr("newsletter.subscribing.cache.add", down)

    assert ask(post, [letters["alertes"]])["Location"] == "/lettre/merci/"
    assert len(mail.to(ADDRESS)) == 1
