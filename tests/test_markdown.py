"""Markdown as editors write it becomes the body HTML the article page prints."""

from html.parser import HTMLParser

import pytest

from markup.rendering import render
from tests.factories import make_article


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.open = []

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in {"img", "hr", "br"}:
            self.open.append(element)

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self.open:
            element["text"] += data


def parse(output):
    collector = ElementCollector()
    collector.feed(output)
    collector.close()
    return collector.elements


def headings(output):
    return [
        (element["tag"], element["attrs"].get("id"), element["text"])
        for element in parse(output)
        if element["tag"] in {"h1", "h2", "h3", "h4", "h5", "h6"}
    ]


def test_heading_ids_fold_accents():
    output = render("## Le contexte de la grève à Hollywood").html
    assert headings(output) == [
        ("h2", "le-contexte-de-la-greve-a-hollywood", "Le contexte de la grève à Hollywood")
    ]


@pytest.mark.parametrize(
    ("heading", "expected_id"),
    [
        ("Cœur et âme", "coeur-et-ame"),
        ("« Oppenheimer » : l'épreuve du feu ?", "oppenheimer-l-epreuve-du-feu"),
        ("Les années 1970–1980", "les-annees-1970-1980"),
        ("L’ÉTÉ DES FESTIVALS", "l-ete-des-festivals"),
        ("Le *making-of* de `Dune`", "le-making-of-de-dune"),
        ("千と千尋の神隠し", "千と千尋の神隠し"),
        ("?!", "section"),
    ],
)
def test_heading_id_from_text(heading, expected_id):
    [(_, heading_id, _)] = headings(render(f"## {heading}").html)
    assert heading_id == expected_id


def test_repeated_headings_are_numbered():
    source = "## Bande-annonce\n\n### Bande-annonce\n\n## Bande annonce\n\n## Bande-annonce 1"
    assert [heading_id for _, heading_id, _ in headings(render(source).html)] == [
        "bande-annonce",
        "bande-annonce-1",
        "bande-annonce-2",
        "bande-annonce-1-1",
    ]


def test_heading_ids_are_stable_across_renderings():
    source = "## Le casting\n\nTexte.\n\n## Le casting\n\n## La musique"
    assert render(source).html == render(source).html


def test_body_never_holds_an_h1():
    output = render("# Titre\n\nSous-titre\n==========\n\n<h1>Brut</h1>\n\n## Section").html
    assert [tag for tag, _, _ in headings(output)] == ["h2", "h2", "h2"]
    assert "Brut" in output


def test_smaller_headings_keep_their_level():
    output = render("## Deux\n\n### Trois\n\n#### Quatre\n\n###### Six").html
    assert [tag for tag, _, _ in headings(output)] == ["h2", "h3", "h4", "h6"]


def test_attribute_lists_are_not_interpreted():
    output = render("## Titre {#accueil .rouge style=color:red}\n\nTexte{: .rouge}").html
    assert all(set(element["attrs"]) <= {"id"} for element in parse(output))
    assert headings(output)[0][1] != "accueil"
    assert "{: .rouge}" in output


def test_tables():
    output = render(
        "| Film | Réalisateur | Entrées |\n"
        "|:-----|:-----------:|--------:|\n"
        "| Anatomie d'une chute | Justine Triet | 1 900 000 |\n"
        "| Le Règne animal | Thomas Cailley | 1 100 000 |"
    ).html
    elements = parse(output)
    assert [element["text"] for element in elements if element["tag"] == "th"] == [
        "Film",
        "Réalisateur",
        "Entrées",
    ]
    cells = [element for element in elements if element["tag"] == "td"]
    assert [cell["text"] for cell in cells[:3]] == [
        "Anatomie d’une chute",
        "Justine Triet",
        "1 900 000",
    ]
    assert [cell["attrs"].get("align") for cell in cells[:3]] == ["left", "center", "right"]
    assert len([element for element in elements if element["tag"] == "tr"]) == 3


def test_footnote_links_resolve_to_ids_in_the_output():
    output = render(
        "Le film a coûté cher[^budget], très cher[^budget], selon la presse[^2].\n\n"
        "[^budget]: 200 millions de dollars.\n"
        "[^2]: *Variety*, juillet 2023."
    ).html
    elements = parse(output)
    ids = {element["attrs"]["id"] for element in elements if "id" in element["attrs"]}
    fragments = [
        element["attrs"]["href"][1:]
        for element in elements
        if element["tag"] == "a" and element["attrs"].get("href", "").startswith("#")
    ]
    # Three calls, and a way back to each of them.
    assert len(fragments) == 6
    assert set(fragments) <= ids
    notes = [element for element in elements if element["tag"] == "li"]
    assert [note["attrs"]["id"] for note in notes] == ["fn:budget", "fn:2"]
    assert notes[0]["text"].strip().startswith("200 millions de dollars.")


def test_fenced_code_keeps_its_content_and_escapes_markup():
    output = render('```html\n<script>alert("x")</script>\n```').html
    [pre] = [element for element in parse(output) if element["tag"] == "pre"]
    assert pre["text"] == '<script>alert("x")</script>\n'
    assert "&lt;script&gt;" in output


def test_sane_lists_keep_numbering_and_kinds_apart():
    # Without sane_lists, the bullet would become a third numbered item.
    output = render("3. trois\n4. quatre\n\n- puce").html
    elements = parse(output)
    assert [element["tag"] for element in elements] == ["ol", "li", "li", "ul", "li"]
    assert elements[0]["attrs"] == {"start": "3"}


@pytest.mark.django_db
def test_body_is_rendered_at_save():
    article = make_article(body="## Le contexte de la grève à Hollywood\n\nUn *paragraphe*.")
    article.refresh_from_db()
    assert headings(article.body_html) == [
        ("h2", "le-contexte-de-la-greve-a-hollywood", "Le contexte de la grève à Hollywood")
    ]
    assert "<em>paragraphe</em>" in article.body_html


@pytest.mark.django_db
def test_changed_body_is_rendered_again_at_save():
    article = make_article(body="## Avant\n\nAncien texte.")
    article.body = "## Après\n\nNouveau texte."
    article.save()
    article.refresh_from_db()
    assert headings(article.body_html) == [("h2", "apres", "Après")]
    assert "Ancien" not in article.body_html


@pytest.mark.django_db
def test_saving_again_keeps_the_same_html():
    article = make_article(body="## Le casting\n\n## Le casting\n\nTexte[^1].\n\n[^1]: Note.")
    first = article.body_html
    article.save()
    article.refresh_from_db()
    assert article.body_html == first
