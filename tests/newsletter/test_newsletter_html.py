"""Every page of the newsletter, including those a POST answers, is valid HTML."""

import pytest

from tests.html_validator import validate
from tests.pages import newsletter_pages

pytestmark = pytest.mark.django_db


def test_the_newsletter_pages_are_valid_html(client, letters, vnu_jar, tmp_path):
    pages = newsletter_pages()
    confirm = pages["newsletter confirmation"]
    preferences = pages["newsletter preferences"]
    unsubscribe = pages["newsletter unsubscribe"]
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
