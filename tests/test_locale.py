"""The French catalogue is complete, compiles, and is what readers get by default."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR, "locale", "fr", "LC_MESSAGES", "django.po")
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\{ *\w+ *\}\}")


@pytest.fixture(scope="module")
def messages():
    with CATALOGUE.open("rb") as po:
        return [message for message in read_po(po, locale="fr") if message.id]


def forms(value):
    return list(value) if isinstance(value, tuple) else [value]


def test_every_message_is_translated_and_none_is_fuzzy(messages):
    untranslated = [m.id for m in messages if not all(forms(m.string))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_their_placeholders(messages):
    for message in messages:
        expected = sorted(PLACEHOLDER.findall(forms(message.id)[0]))
        for translated in forms(message.string):
            assert sorted(PLACEHOLDER.findall(translated)) == expected, message.id


def test_compiled_catalogue_is_loaded():
    with translation.override("fr"):
        assert translation.gettext("Published on") == "Publié le"
        assert (
            translation.ngettext(
                "Reading time: about %(minutes)s minute",
                "Reading time: about %(minutes)s minutes",
                2,
            )
            % {"minutes": 2}
            == "Temps de lecture\u00a0: 2 minutes environ"
        )


def test_french_plural_treats_one_as_singular():
    with translation.override("fr"):
        singular = translation.ngettext(
            "Reading time: about %(minutes)s minute",
            "Reading time: about %(minutes)s minutes",
            1,
        )
    assert singular % {"minutes": 1} == "Temps de lecture\u00a0: 1 minute environ"


@pytest.mark.django_db
def test_french_is_the_default_and_english_is_under_en(client):
    assert client.get("/").content.decode().count('<html lang="fr">') == 1
    assert client.get("/en/").content.decode().count('<html lang="en">') == 1


@pytest.mark.django_db
def test_browser_language_does_not_switch_the_french_pages(client):
    """The language is in the URL only: a cache in front can serve one copy per URL."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="fr">' in response.content.decode()
    assert "django_language" not in response.cookies
