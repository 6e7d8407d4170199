"""The links of the messages: each opens its own page, for its own reader, for a while."""

import time
from email.headerregistry import Address
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from newsletter import links, subscribing
from newsletter.models import Subscriber
from tests.pages import soup, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(letters, settings):
    settings.SITE_URL = "https://screenmania.example"
    settings.NEWSLETTER_UNSUBSCRIBE_EMAIL = "desabonnement@screenmania.example"
    subscriber = Subscriber.objects.create(email="Ines@Exemple.fr")
    subscribing.confirm(subscriber)
    every_letter = list(letters.values())
    subscribing.record_consent(
        subscriber, every_letter, dict.fromkeys(every_letter, "J’accepte."), subscriber.created_at
    )
    return subscriber


def path_of(url):
    return urlsplit(url).path


def held_letters(subscriber):
    return sorted(subscriber.subscriptions.values_list("letter__slug", flat=True))


def test_list_unsubscribe_offers_https_and_mailto_and_one_click(reader, letters):
    headers = links.list_unsubscribe_headers(reader, letters["alertes"])

    https, mailto = (
        target.strip().strip("<>") for target in headers["List-Unsubscribe"].split(",")
    )
    assert https.startswith("https://screenmania.example/lettre/desabonnement/")
    assert mailto.startswith("mailto:desabonnement@screenmania.example?subject=")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The mailto subject carries the same token as the https link, for whoever reads it.
    token = path_of(https).split("/")[-2]
    assert unquote(mailto.split("subject=")[1]) == f"unsubscribe {token}"
    # A header value must hold no newline a mail library would have to fold badly.
    assert "\n" not in headers["List-Unsubscribe"]


def test_one_click_post_unsubscribes_from_that_letter_only_without_csrf(reader, letters):
    url = links.one_click_unsubscribe_url(reader, letters["alertes"])
    # As a mail client posts it: no cookie, no token, RFC 8058's body.
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(path_of(url), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not response.cookies
    assert held_letters(reader) == ["critiques-de-la-semaine", "la-quotidienne"]
    # Posted twice (a client retrying): the same answer.
    assert mail_client.post(path_of(url), {"List-Unsubscribe": "One-Click"}).status_code == 200


def test_opening_the_unsubscribe_link_only_shows_a_button(client, reader, letters):
    url = path_of(links.one_click_unsubscribe_url(reader, letters["la-quotidienne"]))

    page = soup(client.get(url))

    assert text(page.h1) == "Se désabonner"
    assert "Ne plus envoyer « La Quotidienne » à Ines@Exemple.fr ?" in text(page)
    assert len(held_letters(reader)) == 3
    page = soup(client.post(url, {"List-Unsubscribe": "One-Click"}))
    assert text(page.h1) == "Désabonnement effectué"
    assert "Vous ne recevrez plus « La Quotidienne »" in text(page)
    preferences = page.select_one(".newsletter-page a.button")["href"]
    assert client.get(preferences).status_code == 200


def tampered(url):
    path = path_of(url)
    token = path.split("/")[-2]
    # One character of the payload changed: the primary key, say.
    forged = ("X" if token[0] != "X" else "Y") + token[1:]
    return path.replace(token, forged)


@pytest.mark.parametrize(
    "make_url",
    [
        links.confirmation_url,
        links.preferences_url,
        lambda subscriber: links.one_click_unsubscribe_url(subscriber, subscriber.letters.first()),
    ],
    ids=["confirm", "preferences", "unsubscribe"],
)
def test_a_tampered_link_gets_a_french_page_and_changes_nothing(client, reader, make_url):
    url = tampered(make_url(reader))

    for response in (client.get(url), client.post(url, {"List-Unsubscribe": "One-Click"})):
        assert response.status_code == 404
        page = soup_of(response)
        assert text(page.h1) == "Ce lien ne fonctionne pas"
        assert page.select_one("form.newsletter-form input[name=email]")
        assert not page.select("[role=alert]"), "a fresh form, with nothing to correct"
    assert len(held_letters(reader)) == 3


def test_a_link_opens_only_the_page_it_was_made_for(client, reader):
    """A confirmation link, say, must not open the preferences (and their erase button)."""
    confirm_token = path_of(links.confirmation_url(reader)).split("/")[-2]

    response = client.get(f"/lettre/preferences/{confirm_token}/")

    assert response.status_code == 404
    assert text(soup_of(response).h1) == "Ce lien ne fonctionne pas"


def test_an_expired_link_says_so_and_offers_a_fresh_one(client, reader, monkeypatch):
    made_long_ago = time.time() - links.PREFERENCES.max_age.total_seconds() - 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: made_long_ago)
    url = path_of(links.preferences_url(reader))
    monkeypatch.undo()

    response = client.get(url)

    assert response.status_code == 410
    page = soup_of(response)
    assert text(page.h1) == "Ce lien a expiré"
    assert page.select_one("form.newsletter-form")["action"] == "/lettre/"


def test_a_link_to_an_erased_address_says_it_is_gone(client, reader):
    url = path_of(links.preferences_url(reader))
    # Erased, then subscribed again: a new subscriber, whom the old link does not reach.
    subscribing.erase(reader)
    Subscriber.objects.create(email=reader.email)

    response = client.get(url)

    assert response.status_code == 404
    assert text(soup_of(response).h1) == "Cette adresse n’est plus inscrite"


def test_a_link_page_is_kept_by_no_cache_and_no_search_engine(client, reader):
    response = client.get(path_of(links.preferences_url(reader)))

    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert not response.cookies


@pytest.mark.parametrize("token", ["a" * 5000, "%00", "..%2F..%2Fadmin", "é" * 300])
def test_a_hostile_token_is_a_page_not_found(client, token):
    response = client.get(f"/lettre/preferences/{token}/")

    assert response.status_code == 404


def test_the_address_is_not_written_in_the_links(reader):
    url = links.preferences_url(reader)

    assert Address(addr_spec=reader.email).username.lower() not in url.lower()


def soup_of(response):
    """The page of an answer that is not a 200."""
    return BeautifulSoup(response.content, "html.parser")
