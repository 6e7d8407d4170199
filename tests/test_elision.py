"""
French elides « de » before a name said with a vowel first: « Tous les articles d’Inès
Marchand », « À propos d’Hugo », but « de Yann ». And no fixed masculine word stands
above an author's name.
"""

import feedparser
import pytest
from django.utils import translation

from markup.formats import de_nom, elided
from tests.factories import make_article, make_author
from tests.pages import soup, text


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Inès", "d’Inès"),
        ("Élodie", "d’Élodie"),
        ("Hugo", "d’Hugo"),  # a mute h
        ("Yann", "de Yann"),
        ("Camille", "de Camille"),
        ("Œdipe", "d’Œdipe"),
        ("Ulysse", "d’Ulysse"),
        ("", "de "),
    ],
)
def test_de_nom_elides_before_a_vowel_sound(name, written):
    assert de_nom(name) == written


def test_only_the_de_before_the_name_is_elided():
    with translation.override("fr"):
        assert elided("Tous les articles de Inès de Arc", "Inès de Arc") == (
            "Tous les articles d’Inès de Arc"
        )
        assert elided("Tous les articles de Yann", "Yann") == "Tous les articles de Yann"


def test_english_is_left_as_it_is():
    with translation.override("en"):
        assert elided("All articles de Inès", "Inès") == "All articles de Inès"


@pytest.fixture
def ines(db):
    author = make_author(name="Inès Marchand", slug="ines-marchand", role="Rédactrice en chef")
    make_article(authors=[author], slug="papier")
    return author


def test_the_author_box_elides(client, ines):
    box = soup(client.get("/articles/papier/")).select_one(".author-box")
    assert box["aria-label"] == "À propos d’Inès Marchand"
    assert text(box.select_one(".author-box__more")) == "Tous les articles d’Inès Marchand"


def test_the_author_box_keeps_de_before_a_consonant(client, db):
    make_article(authors=[make_author(name="Yann Le Goff")], slug="papier")
    box = soup(client.get("/articles/papier/")).select_one(".author-box")
    assert box["aria-label"] == "À propos de Yann Le Goff"


def test_the_author_page_and_feed_elide(client, ines):
    page = soup(client.get("/auteurs/ines-marchand/"))
    assert text(page.select_one("#author-articles-title")) == "Articles d’Inès Marchand"
    feed = feedparser.parse(client.get("/auteurs/ines-marchand/feed/").content)
    assert feed.feed.subtitle == "Les derniers articles d’Inès Marchand dans Screenmania."


def test_a_name_that_needs_escaping_is_elided_and_stays_escaped(client, db):
    make_article(authors=[make_author(name="Élise <O'Brien>", slug="elise")], slug="papier")
    box = soup(client.get("/articles/papier/")).select_one(".author-box")
    assert text(box.select_one(".author-box__more")) == "Tous les articles d’Élise <O'Brien>"


def test_english_pages_say_by(client, ines):
    box = soup(client.get("/en/articles/papier/")).select_one(".author-box")
    assert text(box.select_one(".author-box__more")) == "All articles by Inès Marchand"


def test_the_label_above_an_author_name_is_their_own_role(client, ines):
    kicker = soup(client.get("/auteurs/ines-marchand/")).select_one(
        ".author-header .list-header__kicker"
    )
    assert text(kicker) == "Rédactrice en chef"


def test_without_a_role_the_label_is_a_neutral_one(client, db):
    make_article(authors=[make_author(name="Camille Oyono", slug="camille")])
    kicker = soup(client.get("/auteurs/camille/")).select_one(".author-header .list-header__kicker")
    assert text(kicker) == "Membre de la rédaction"
