"""
The headline typeface: served by us, cut to French without losing a character French
needs, with its licence beside it, preloaded by every page and shown at once in a fallback.
"""

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.staticfiles import finders
from fontTools.ttLib import TTFont

# What a French article, its title and its typography put in a headline.
FRENCH = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "àâæçéèêëîïôœùûüÿÀÂÆÇÉÈÊËÎÏÔŒÙÛÜ"
    ".,;:!?'\"()[]-/&%€°«»’‘“”…–—"
    "\u00a0\u202f"  # the no-break space, and the narrow one before « ; : ! ? »
)
STYLESHEET = "css/screenmania.css"


def font_faces():
    """Each @font-face of the stylesheet, as a dict of its declarations."""
    css = Path(finders.find(STYLESHEET)).read_text(encoding="utf-8")
    return [
        dict(
            (name.strip(), value.strip())
            for name, value in (declaration.split(":", 1) for declaration in body.split(";"))
        )
        for body in (
            block.strip().rstrip(";") for block in re.findall(r"@font-face\s*{([^}]*)}", css)
        )
    ]


def static_path(url):
    """The file a /static/… URL names, found as the static files app finds it."""
    return Path(finders.find(url.removeprefix(settings.STATIC_URL)))


@pytest.fixture(scope="module")
def face():
    (face,) = font_faces()
    return face


@pytest.fixture(scope="module")
def font_file(face):
    (url,) = re.findall(r'url\("?([^")]+)"?\)', face["src"])
    return static_path(urljoin(settings.STATIC_URL + STYLESHEET, url))


def test_the_headline_font_has_every_character_french_needs(font_file):
    font = TTFont(font_file)
    characters = font.getBestCmap()

    assert font.flavor == "woff2"
    missing = [char for char in FRENCH if ord(char) not in characters]
    assert not missing, f"{font_file.name} lacks {missing}"


def test_the_headline_font_is_cut_to_french_and_small(font_file):
    characters = TTFont(font_file).getBestCmap()

    assert not any(0x0400 <= code <= 0x04FF for code in characters), "Cyrillic left in"
    assert font_file.stat().st_size < 20_000


def test_the_font_licence_is_served_beside_it(font_file):
    (licence,) = font_file.parent.glob("fraunces-OFL.txt")
    assert "SIL Open Font License, Version 1.1" in licence.read_text(encoding="utf-8")


def test_a_headline_shows_at_once_in_the_fallback_while_the_font_loads(face):
    assert face["font-display"] == "swap"
    css = Path(finders.find(STYLESHEET)).read_text(encoding="utf-8")
    headline_stack = re.search(r"--serif:([^;]+);", css).group(1).split(",")
    # The font first, then serifs every system has, to show meanwhile.
    assert headline_stack[0].strip() == face["font-family"].strip("\"'")
    assert headline_stack[-1].strip() == "serif"


@pytest.mark.parametrize("path", ["/", "/auteurs/", "/recherche/"])
def test_every_page_preloads_the_one_font_its_first_screen_needs(client, db, font_file, path):
    response = client.get(path, follow=True)
    page = BeautifulSoup(response.content, "html.parser")

    (preload,) = page.select('link[rel="preload"][as="font"]')
    assert preload["type"] == "font/woff2"
    # A font is fetched in CORS mode: a preload without crossorigin would be fetched twice.
    assert preload.has_attr("crossorigin")
    # From our own origin, which is all the Content-Security-Policy allows for fonts.
    assert preload["href"].startswith(settings.STATIC_URL)
    assert static_path(preload["href"]) == font_file
