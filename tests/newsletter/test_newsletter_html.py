"""Every page of the newsletter, including those a POST answers, is valid HTML."""

from urllib.parse import urlsplit

import pytest

from newsletter import links, subscribing
from newsletter.models import Subscriber
from tests.html_validator import validate

pytestmark = pytest.mark.django_db


def test_the_newsletter_pages_are_valid_html(client, letters, vnu_jar, tmp_path):
    subscriber = Subscriber.objects.create(email="ines@exemple.fr")
    daily = letters["la-quotidienne"]
    subscribing.record_consent(subscriber, [daily], {daily: "Oui."}, subscriber.created_at)
    confirm, preferences, unsubscribe = (
        urlsplit(url).path
        for url in (
            links.confirmation_url(subscriber),
            links.preferences_url(subscriber),
            links.one_click_unsubscribe_url(subscriber, daily),
        )
    )
    answers = {
        "subscribe": client.get("/lettre/"),
        "subscribe, refused": client.post("/lettre/", {"email": "ines@"}),
        "thanks": client.get("/lettre/merci/"),
        "confirm": client.get(confirm),
        "confirmed": client.post(confirm),
        "preferences": client.get(preferences),
        "preferences, erase unsure": client.post(preferences, {"action": "erase"}),
        "unsubscribe": client.get(unsubscribe),
        "unsubscribed": client.post(unsubscribe),
        "broken link": client.get("/lettre/preferences/coupe/"),
        "erased": client.post(preferences, {"action": "erase", "sure": "1"}),
    }
    files = {}
    for number, (name, response) in enumerate(answers.items()):
        assert response.status_code in {200, 404}, name
        files[f"page-{number}.html"] = name
        (tmp_path / f"page-{number}.html").write_bytes(response.content)

    messages = validate(vnu_jar, [tmp_path / name for name in files])

    problems = [
        f"{files[message['url'].rpartition('/')[2]]}: {message['message']}" for message in messages
    ]
    assert not problems, "\n".join(problems)
