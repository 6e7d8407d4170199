"""
French typography, as the Lexique des règles typographiques de l'Imprimerie nationale sets it.

Expected strings are written by hand: NBSP (U+00A0) inside guillemets and before the colon,
NNBSP (U+202F, the narrow one) before ; ! and ?; the typographic apostrophe ’; the ellipsis
character. Code, URLs, attributes and times are never touched.
"""

from html.parser import HTMLParser

import pytest

from markup.rendering import french_typography, render
from tests.factories import make_article

NBSP = "\u00a0"
NNBSP = "\u202f"

TYPESET = [
    # Straight double quotes become guillemets with a no-break space inside.
    ('"Le Parrain" reste culte.', f"«{NBSP}Le Parrain{NBSP}» reste culte."),
    ('Elle dit " oui " puis part.', f"Elle dit «{NBSP}oui{NBSP}» puis part."),
    (
        'Il a dit "c\'est "culte" ici".',
        f"Il a dit «{NBSP}c’est «{NBSP}culte{NBSP}» ici{NBSP}».",
    ),
    # Existing guillemets get the space they miss; a typed space becomes a no-break one.
    ("«Dune»", f"«{NBSP}Dune{NBSP}»"),
    ("« Dune »", f"«{NBSP}Dune{NBSP}»"),
    (f"«{NBSP}Dune{NBSP}»", f"«{NBSP}Dune{NBSP}»"),
    # ; ! ? take a narrow no-break space, typed or not; : takes a full one.
    ("Pourquoi?", f"Pourquoi{NNBSP}?"),
    ("Pourquoi ?", f"Pourquoi{NNBSP}?"),
    ("Quel film !", f"Quel film{NNBSP}!"),
    ("Il hésite; puis il part.", f"Il hésite{NNBSP}; puis il part."),
    ("Le verdict: un chef-d'œuvre.", f"Le verdict{NBSP}: un chef-d’œuvre."),
    ("Le verdict : oui.", f"Le verdict{NBSP}: oui."),
    # A no-break space pasted from a word processor is normalised to the right width.
    (f"Vraiment{NBSP}?", f"Vraiment{NNBSP}?"),
    # Only the first mark of a cluster is spaced; a cluster with no word before is left.
    ("Quoi ?!", f"Quoi{NNBSP}?!"),
    ("?! répond-il.", "?! répond-il."),
    ("Une sortie (?) en salle.", "Une sortie (?) en salle."),
    # Spacing after closing guillemets and brackets, and after an ellipsis.
    ('Vous avez dit "bizarre"?', f"Vous avez dit «{NBSP}bizarre{NBSP}»{NNBSP}?"),
    ("Enfin (trois ans après)!", f"Enfin (trois ans après){NNBSP}!"),
    ("Et alors...?", f"Et alors…{NNBSP}?"),
    # Apostrophes inside words, and the ellipsis.
    ("l'histoire d'amour d'aujourd'hui", "l’histoire d’amour d’aujourd’hui"),
    ("Rock'n'roll", "Rock’n’roll"),
    ("Et puis...", "Et puis…"),
    # Single quotes that are not apostrophes, and a lone inch mark, are left as typed.
    ("'Dune'", "'Dune'"),
    ('Un écran de 65" !', f'Un écran de 65"{NNBSP}!'),
    # Times, ratios and code-like words are not punctuation.
    ("Séance à 20:30, en 16:9.", "Séance à 20:30, en 16:9."),
    ("Ajoutez !important à la règle.", "Ajoutez !important à la règle."),
    ("Un smiley :) et ;)", "Un smiley :) et ;)"),
    # URLs keep every character; the punctuation after them is still spaced.
    (
        "Le site: https://example.com/film?id=3;v=a:b'c. Et mailto:redaction@example.com?",
        f"Le site{NBSP}: https://example.com/film?id=3;v=a:b'c. Et "
        f"mailto:redaction@example.com{NNBSP}?",
    ),
    (
        "Rendez-vous sur www.example.com/l'article!",
        f"Rendez-vous sur www.example.com/l'article{NNBSP}!",
    ),
    (
        "Voir https://fr.wikipedia.org/wiki/Dune_(film)! (ou https://example.com/?a=b)",
        f"Voir https://fr.wikipedia.org/wiki/Dune_(film){NNBSP}! (ou https://example.com/?a=b)",
    ),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), TYPESET)
def test_french_typography(text, expected):
    assert french_typography(text) == expected


@pytest.mark.parametrize(("text", "expected"), TYPESET)
def test_french_typography_is_idempotent(text, expected):
    assert french_typography(expected) == expected
    assert french_typography(french_typography(text)) == french_typography(text)


def test_none_becomes_empty():
    assert french_typography(None) == ""


# In rendered bodies: the same rules on text, nothing inside code, links' targets or URLs.


class TextCollector(HTMLParser):
    """Text of the whole output, of each element of a tag, and every attribute value."""

    def __init__(self, tag=None):
        super().__init__(convert_charrefs=True)
        self.tag = tag
        self.depth = 0
        self.text = []
        self.tagged = []
        self.attributes = []

    def handle_starttag(self, tag, attrs):
        self.attributes.extend((tag, name, value) for name, value in attrs)
        if tag == self.tag:
            if not self.depth:
                self.tagged.append("")
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == self.tag:
            self.depth -= 1

    def handle_data(self, data):
        self.text.append(data)
        if self.depth:
            self.tagged[-1] += data


def collect(output, tag=None):
    collector = TextCollector(tag)
    collector.feed(output)
    collector.close()
    return collector


def text_of(output):
    return "".join(collect(output).text).strip()


def test_quotes_and_punctuation_across_inline_markup():
    output = render("\"Un *film* culte\"? C'est l'*Exorciste*. **Pourquoi**?").html
    assert text_of(output) == (
        f"«{NBSP}Un film culte{NBSP}»{NNBSP}? C’est l’Exorciste. Pourquoi{NNBSP}?"
    )
    assert collect(output, "em").tagged == ["film", "Exorciste"]


def test_headings_lists_quotes_tables_and_notes_are_typeset():
    output = render(
        "## Pourquoi?\n\n- Verdict: oui\n\n> L'attente...\n\n"
        '| Séance | Film |\n|---|---|\n| 20:30 | "Dune"! |\n\nTexte[^1].\n\n[^1]: Source: CNC'
    ).html
    text = text_of(output)
    assert f"Pourquoi{NNBSP}?" in text
    assert f"Verdict{NBSP}: oui" in text
    assert "L’attente…" in text
    assert collect(output, "td").tagged == ["20:30", f"«{NBSP}Dune{NBSP}»{NNBSP}!"]
    assert f"Source{NBSP}: CNC" in text


def test_quotes_do_not_carry_over_from_one_paragraph_to_the_next():
    output = render('Un guillemet " seul.\n\n"Dune" sort.').html
    assert collect(output, "p").tagged == [
        f"Un guillemet «{NBSP}seul.",
        f"«{NBSP}Dune{NBSP}» sort.",
    ]


def test_entity_typed_by_the_editor_counts_as_its_character():
    output = render("Vraiment&nbsp;? Oui&#8239;! Il a dit&hellip;").html
    assert text_of(output) == f"Vraiment{NBSP}? Oui{NNBSP}! Il a dit…"


def test_inline_code_is_untouched():
    output = render('Tapez `print("a: b?")` puis `l\'option...` ensuite ?').html
    assert collect(output, "code").tagged == ['print("a: b?")', "l'option..."]
    assert text_of(output).endswith(f"ensuite{NNBSP}?")


def test_fenced_code_is_untouched():
    source = '```\nheure = "20:30"; titre = \'Dune\'?\nprint("Pourquoi ?")...\n```'
    output = render(source).html
    assert collect(output, "pre").tagged == [
        'heure = "20:30"; titre = \'Dune\'?\nprint("Pourquoi ?")...\n'
    ]


def test_autolinks_and_urls_as_link_text_are_untouched():
    output = render(
        "Voir <https://example.com/a?b=c;d:e!f> et "
        "[https://example.com/?q=l'a:b](https://example.com/?q=l'a:b) ou "
        "[example.com/film?](https://example.com/film?) ou <redaction@example.com>."
    ).html
    assert collect(output, "a").tagged == [
        "https://example.com/a?b=c;d:e!f",
        "https://example.com/?q=l'a:b",
        "example.com/film?",
        "redaction@example.com",
    ]


def test_link_targets_and_titles_are_untouched():
    output = render(
        "Lire [l'article](https://example.com/l'article?x=1;y=2 \"Le titre: l'essai\") "
        "et ![l'affiche](/media/l'affiche.jpg \"Affiche: 'Dune'\")"
    ).html
    attributes = collect(output).attributes
    assert ("a", "href", "https://example.com/l'article?x=1;y=2") in attributes
    assert ("a", "title", "Le titre: l'essai") in attributes
    assert ("img", "src", "/media/l'affiche.jpg") in attributes
    assert ("img", "alt", "l'affiche") in attributes
    assert ("img", "title", "Affiche: 'Dune'") in attributes
    assert collect(output, "a").tagged == ["l’article"]


def test_bare_urls_in_text_are_untouched():
    output = render("Le site est www.example.com/l'article?x=1;y=2 : bonne lecture!").html
    assert text_of(output) == (
        f"Le site est www.example.com/l'article?x=1;y=2{NBSP}: bonne lecture{NNBSP}!"
    )


@pytest.mark.django_db
def test_title_and_standfirst_are_typeset_at_save():
    article = make_article(title='Pourquoi "Oppenheimer" ?', standfirst="L'été... enfin!")
    article.refresh_from_db()
    assert article.title == f"Pourquoi «{NBSP}Oppenheimer{NBSP}»{NNBSP}?"
    assert article.standfirst == f"L’été… enfin{NNBSP}!"
    article.save()
    article.refresh_from_db()
    assert article.title == f"Pourquoi «{NBSP}Oppenheimer{NBSP}»{NNBSP}?"
