"""
Admin logins are throttled: five failures for one username from one address
lock that pair out for fifteen minutes, on a page that says so in French.
"""

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.test_settings import PRODUCTION, run_python

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
# The fixtures' password (tests/factories.py).
PASSWORD = "pw"


def log_in(client, username="ines", password=PASSWORD, address=ADDRESS, **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        headers=headers,
    )


def fail(client, times, **options):
    for _attempt in range(times):
        response = log_in(client, password="pas-le-bon", **options)
    return response


def logged_in(client):
    return client.get(reverse("admin:index")).status_code == 200


def lockout_message(response):
    page = BeautifulSoup(response.content, "html.parser")
    return page.select_one("#content-main .errornote").get_text(" ", strip=True)


def test_failures_below_the_limit_show_the_login_form_again(client, editor):
    response = fail(client, 4)

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("form#login-form")
    assert "Veuillez compléter correctement" in page.select_one(".errornote").get_text()


def test_fifth_failure_locks_out_even_the_right_password(client, editor):
    assert fail(client, 5).status_code == 429

    response = log_in(client)

    assert response.status_code == 429
    assert lockout_message(response) == (
        "Trop de tentatives de connexion. Réessayez dans 15 minutes."
    )
    assert response["Retry-After"] == "900"
    assert not logged_in(client)


def test_lockout_page_is_the_admins_in_french(client, editor):
    response = fail(client, 5)

    page = BeautifulSoup(response.content, "html.parser")
    assert page.html["lang"] == "fr"
    assert page.select_one("#site-name").get_text(strip=True) == "Rédaction de Screenmania"
    assert page.select_one("h1").get_text(strip=True) == "Trop de tentatives de connexion"
    back = page.select_one("#content-main a")
    assert back["href"] == reverse("admin:login")
    assert back.get_text(strip=True) == "Retour à la page de connexion"
    assert not page.select("form")


def test_lockout_is_for_that_address_only(client, editor):
    fail(client, 5)

    assert log_in(client, address="198.51.100.20").status_code == 302
    assert logged_in(client)


def test_lockout_is_for_that_username_only(client, editor, contributor):
    fail(client, 5)

    assert log_in(client, username="camille").status_code == 302


def test_lockout_ends_after_the_cool_off(client, editor):
    fail(client, 5)
    assert log_in(client).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )

    assert log_in(client).status_code == 302
    assert logged_in(client)


def test_trying_during_the_lockout_starts_the_wait_again(client, editor):
    fail(client, 5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=10)
    )

    assert log_in(client).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=10)
    )

    assert log_in(client).status_code == 429


def test_success_resets_the_count(client, editor):
    fail(client, 4)
    assert log_in(client).status_code == 302
    client.post(reverse("admin:logout"))

    assert fail(client, 4).status_code == 200
    assert log_in(client).status_code == 302


def test_limit_and_wait_come_from_the_settings(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)

    response = fail(client, 3)

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Réessayez dans 1" in lockout_message(response)
    assert lockout_message(response).endswith("minute.")


@pytest.fixture
def behind_the_tls_proxy(settings):
    """The client-address settings production builds when DJANGO_BEHIND_TLS_PROXY is on."""
    script = (
        "import json, screenmania.settings as s; "
        "print(json.dumps({k: v for k, v in vars(s).items() if k.startswith('AXES_IPWARE_')}))"
    )
    result = run_python("-c", script, DJANGO_BEHIND_TLS_PROXY="1", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    for name, value in json.loads(result.stdout).items():
        setattr(settings, name, value)


def test_behind_the_tls_proxy_the_address_is_the_one_the_proxy_saw(
    client, editor, behind_the_tls_proxy
):
    """The proxy appends the address it saw to X-Forwarded-For; the client forges the rest."""
    proxy = {"address": "127.0.0.1"}
    fail(client, 5, **proxy, x_forwarded_for="192.0.2.1, 198.51.100.7")

    forged = log_in(client, **proxy, x_forwarded_for="192.0.2.99, 198.51.100.7")
    assert forged.status_code == 429
    # Another client behind the same proxy is not locked out with the first.
    assert log_in(client, **proxy, x_forwarded_for="198.51.100.8").status_code == 302


def test_without_a_declared_proxy_forwarded_addresses_are_ignored(client, editor):
    fail(client, 5, x_forwarded_for="198.51.100.7")

    assert log_in(client, x_forwarded_for="198.51.100.8").status_code == 429
