"""A login lands in the newsroom when its ``next`` leads nowhere on this site."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

OFF_SITE = [
    "//evil.example/",
    "https://evil.example/admin/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "javascript:alert(1)",
    "",
]


def follow_login(client, data):
    response = client.post(reverse("admin:login"), data, follow=True)
    return response.redirect_chain[0][0], response.status_code


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_an_off_site_next_lands_in_the_newsroom(editor, next_url):
    first_stop, status = follow_login(
        Client(), {"username": "ines", "password": "pw", "next": next_url}
    )
    assert first_stop == reverse("admin:index")
    assert status == 200


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_with_two_step_verification_too(editor, settings, next_url):
    settings.TWO_FACTOR_REQUIRED_GROUPS = ["Éditeur"]
    device = TOTPDevice.objects.create(user=editor, name="Téléphone", confirmed=True)
    token = f"{TOTP(device.bin_key).token():06d}"
    data = {"username": "ines", "password": "pw", "otp_token": token, "next": next_url}
    first_stop, status = follow_login(Client(), data)
    assert first_stop == reverse("admin:index")
    assert status == 200


def test_a_next_on_the_site_is_followed(editor):
    articles = reverse("admin:articles_article_changelist")
    data = {"username": "ines", "password": "pw", "next": articles}
    assert follow_login(Client(), data) == (articles, 200)
