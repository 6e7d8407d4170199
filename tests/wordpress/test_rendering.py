"""
A WordPress post read from its export, converted, then rendered by the article pipeline
as a reader would see it: figures from the library, trailers, the text intact.
"""

import io

import pytest
from bs4 import BeautifulSoup

from images.embedding import render
from tests.factories import make_image
from tests.pages import text
from tests.wordpress.wxr_files import export, post
from wordpress import wxr
from wordpress.content import to_markdown

pytestmark = pytest.mark.django_db

UPLOADS = "https://cinerevue.example/wp-content/uploads/2023/07"

CONTENT = (
    "«\u00a0Marée basse\u00a0» sort mercredi\u202f; l’équipe l’a présenté à Cannes.\n\n"
    '[caption id="attachment_12" align="aligncenter" width="300"]'
    f'<a href="{UPLOADS}/anna.jpg"><img class="size-medium wp-image-12" '
    f'src="{UPLOADS}/anna-300x200.jpg" alt="Anna, de dos" /></a> Anna sur la plage[/caption]\n\n'
    "La bande-annonce :\n\n"
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n"
    '[gallery ids="13,14"]\n\n'
    '[contact-form-7 id="5"]\n'
)


@pytest.fixture
def converted(media_root):
    anna = make_image(alt_text="Anna", caption="Légende de la bibliothèque", credit="Studio X")
    first = make_image(alt_text="Le tapis rouge", caption="La montée des marches", credit="AFP")
    second = make_image(alt_text="La salle", caption="", credit="")
    library = {12: anna.pk, 13: first.pk, 14: second.pk}

    def image_for(url=None, attachment_id=None):
        return library.get(attachment_id)

    [item] = wxr.parse(io.BytesIO(export(post(1, content=CONTENT)))).items
    return to_markdown(item.content, image_for=image_for), (anna, first, second)


def test_figures_trailers_and_text_come_out_as_our_html(converted):
    result, (anna, first, second) = converted

    rendered = render(result.markdown)
    body = BeautifulSoup(rendered.html, "html.parser")

    assert result.image_ids == [anna.pk, first.pk, second.pk]
    assert list(rendered.image_ids) == result.image_ids
    assert rendered.missing_image_ids == ()
    assert rendered.problems == ()
    figures = body.select("figure.body-image")
    assert [figure.select_one("picture img")["alt"] for figure in figures] == [
        "Anna, de dos",
        "Le tapis rouge",
        "La salle",
    ]
    # The caption written in WordPress wins over the library's, as editors' titles do.
    assert text(figures[0].select_one("figcaption")) == "Anna sur la plage Studio X"
    assert text(figures[1].select_one("figcaption")) == "La montée des marches AFP"
    assert figures[2].select_one("figcaption") is None
    [trailer] = body.select("figure.trailer")
    assert "trailer--youtube" in trailer["class"]
    link = trailer.select_one("a.trailer__start")
    assert link["href"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert text(link.select_one(".trailer__label")) == "Vidéo"
    # The spaces French needs, once each: the pipeline's typography on the text as written.
    paragraphs = [paragraph.get_text() for paragraph in body.find_all("p", recursive=False)]
    assert paragraphs[0] == (
        "«\u00a0Marée basse\u00a0» sort mercredi\u202f; l’équipe l’a présenté à Cannes."
    )
    assert paragraphs[1] == "La bande-annonce\u00a0:"
    assert paragraphs[2].startswith("[contact-form-7 id=")
    assert "image:" not in rendered.html
    assert "wp-content" not in rendered.html


def test_the_report_names_what_was_kept_as_text(converted):
    result, _ = converted

    assert result.problems == ["Shortcode inconnu [contact-form-7] conservé comme texte."]
