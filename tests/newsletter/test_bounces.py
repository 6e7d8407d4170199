"""
A mail provider's report of a bounce or a complaint, through anymail's tracking webhook
(Mailgun's here, which signs its calls): the address is suppressed when the call is
genuine, and a forged call changes nothing.
"""

import base64
import hashlib
import hmac
import json

import pytest
from django.test import Client
from django.urls import reverse

from newsletter.models import Suppression
from screenmania import settings as configured

pytestmark = pytest.mark.django_db

SECRET = "anymail:webhook-s3cret"
SIGNING_KEY = "mailgun-signing-key"
ADDRESS = "Lecteur@Lecteurs.example"


@pytest.fixture(autouse=True)
def provider(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


def report(event, *, key=SIGNING_KEY, **fields):
    timestamp, token = "1765100000", "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()},
        "event-data": {
            "event": event,
            "recipient": ADDRESS,
            "timestamp": 1765100000.5,
            "message": {"headers": {"message-id": "edition-1.2@screenmania.example"}},
            **fields,
        },
    }


def post(payload, *, secret=SECRET):
    headers = {}
    if secret:
        headers["Authorization"] = "Basic " + base64.b64encode(secret.encode()).decode()
    return Client().post(
        reverse("anymail:mailgun_tracking_webhook"),
        json.dumps(payload),
        content_type="application/json",
        headers=headers,
    )


def test_a_signed_bounce_suppresses_the_address():
    answer = post(
        report(
            "failed",
            severity="permanent",
            reason="bounce",
            **{"delivery-status": {"message": "550 5.1.1 No such mailbox", "code": 550}},
        )
    )

    assert answer.status_code == 200
    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.reason) == (ADDRESS, Suppression.Reason.BOUNCED)
    assert suppression.detail == "Mailgun: 550 5.1.1 No such mailbox"


def test_a_signed_complaint_suppresses_the_address_once():
    Suppression.objects.create(email=ADDRESS.lower(), reason=Suppression.Reason.BOUNCED)

    assert post(report("complained")).status_code == 200

    assert Suppression.objects.get().email == ADDRESS.lower()


def test_a_temporary_failure_suppresses_nothing():
    assert post(report("failed", severity="temporary")).status_code == 200
    assert not Suppression.objects.exists()


@pytest.mark.parametrize(
    "forged",
    [
        pytest.param({"payload": report("complained", key="guessed")}, id="wrong signature"),
        pytest.param(
            {"payload": {"event-data": report("complained")["event-data"]}}, id="unsigned"
        ),
        pytest.param({"payload": report("complained"), "secret": ""}, id="no basic auth"),
        pytest.param(
            {"payload": report("complained"), "secret": "anymail:guessed"}, id="wrong basic auth"
        ),
    ],
)
def test_a_forged_report_is_refused(forged):
    assert post(**forged).status_code == 400
    assert not Suppression.objects.exists()


def test_with_no_secret_configured_every_report_is_refused(settings):
    """The default: a secret nobody knows (settings.py), rather than no check at all."""
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY, **configured.ANYMAIL}
    assert configured.ANYMAIL["WEBHOOK_SECRET"].startswith("refused:")

    assert post(report("complained")).status_code == 400
    assert not Suppression.objects.exists()
