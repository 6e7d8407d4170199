"""
Library images in an article's text, ``![alt](image:42 "caption")``: a figure when alone
in its paragraph, a picture inside a sentence, nothing for what is not a library image,
and the article kept in step with the library.
"""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from PIL import Image as PillowImage

from articles.models import BodyImage
from images.embedding import render
from tests.factories import make_article, make_image
from tests.pages import soup, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def still():
    buffer = io.BytesIO()
    PillowImage.new("RGB", (800, 450), (40, 60, 120)).save(buffer, "JPEG")
    return make_image(
        file=SimpleUploadedFile("tournage.jpg", buffer.getvalue(), content_type="image/jpeg"),
        alt_text="Une caméra sur un travelling",
        caption="Le tournage à Marseille",
        credit="Studio X",
    )


def article_body(client, article):
    return soup(client.get(article.get_absolute_url())).select_one(".article-body")


def fragment(html):
    return BeautifulSoup(html, "html.parser")


def assert_no_library_address(element):
    """Nothing in the output still points at ``image:``, which a browser cannot load."""
    for tag in element.find_all(True):
        for value in tag.attrs.values():
            values = value if isinstance(value, list) else [value]
            assert not any(v.strip().lower().startswith("image:") for v in values), tag


def test_image_alone_in_its_paragraph_is_a_figure_with_caption_and_credit(client, still):
    article = make_article(body=f"Avant.\n\n![](image:{still.pk})\n\nAprès.")

    body = article_body(client, article)

    [figure] = body.select("figure.body-image")
    assert figure.parent is body
    assert [child.name for child in figure.children if child.name] == ["picture", "figcaption"]
    assert figure.select_one("picture img")["alt"] == "Une caméra sur un travelling"
    assert len(figure.select("picture source")) == 2
    caption = figure.select_one("figcaption")
    assert text(caption) == "Le tournage à Marseille Studio X"
    assert text(caption.select_one(".credit")) == "Studio X"
    assert caption.select_one(".ai-generated") is None
    assert [text(p) for p in body.select("p")] == ["Avant.", "Après."]
    assert_no_library_address(body)


def test_alt_and_title_in_the_text_override_the_library(client, still):
    article = make_article(body=f'![Le chef opérateur au travail](image:{still.pk} "Jour 12")')

    figure = article_body(client, article).select_one("figure.body-image")

    assert figure.select_one("img")["alt"] == "Le chef opérateur au travail"
    assert text(figure.select_one("figcaption")) == "Jour 12 Studio X"


def test_ai_generated_image_says_so_in_its_caption(client, still):
    still.is_ai_generated = True
    still.save()
    article = make_article(body=f"![](image:{still.pk})")

    caption = article_body(client, article).select_one("figure.body-image figcaption")

    assert text(caption.select_one(".ai-generated")) == "Image générée par IA"


def test_decorative_image_has_an_empty_alt(client, still):
    still.is_decorative, still.alt_text = True, ""
    still.save()
    article = make_article(body=f"![](image:{still.pk})")

    assert article_body(client, article).select_one("figure img")["alt"] == ""


def test_image_inside_a_sentence_is_a_picture_without_a_figure(client, still):
    article = make_article(body=f"Le logo ![Logo](image:{still.pk}) du festival.")

    body = article_body(client, article)

    assert body.select("figure") == []
    [paragraph] = body.select("p")
    [picture] = paragraph.select("picture")
    assert picture.select_one("img")["alt"] == "Logo"
    assert text(paragraph) == "Le logo du festival."
    assert_no_library_address(body)


@pytest.mark.parametrize(
    "source",
    [
        "![](image:999999)",
        "Le logo ![Logo](image:999999) du festival.",
        "![](image:99999999999999999999999999)",
        "![](image:12a)",
        "![](image:)",
    ],
)
def test_what_is_not_a_library_image_shows_nothing(source):
    output = fragment(render(source).html)

    assert output.select("img, picture, figure") == []
    assert_no_library_address(output)


def test_library_address_may_be_written_in_capitals(still):
    output = fragment(render(f"![](IMAGE:{still.pk})").html)

    assert output.select("figure.body-image picture img")


def test_raw_picture_markup_does_not_survive(still):
    output = fragment(
        render(
            '<picture><source srcset="//evil.example/x.jpg 1x">'
            f'<img src="image:{still.pk}" onerror="alert(1)"></picture>'
        ).html
    )

    assert "evil" not in str(output)
    assert "onerror" not in str(output)
    # What remains is the library's own picture, built from its renditions.
    sources = [source["srcset"] for source in output.select("source")]
    assert sources
    assert all(srcset.startswith("/media/renditions/") for srcset in sources)


def test_library_address_means_nothing_outside_an_image(still):
    article = make_article(
        body=f"[la photo](image:{still.pk}), "
        f'<abbr title="image:{still.pk}">CNC</abbr>, '
        f'[un lien](https://example.com "image:{still.pk}"), '
        f'<img src="https://example.com/a.jpg" alt="image:{still.pk}">'
    )
    output = fragment(article.body_html)

    assert output.select("picture, figure") == []
    assert output.find("a", string="la photo").get("href") is None
    # Not shown, so not protected: the library may delete it.
    still.delete()


def test_hostile_title_and_alt_are_text(still):
    title = "Il crie « coupez » <script>alert(1)</script>"
    output = fragment(render(f"![x\" onmouseover=\"alert(1)](image:{still.pk} '{title}')").html)

    assert output.select("script") == []
    [img] = output.select("img")
    assert "onmouseover" not in img.attrs
    assert img["alt"] == 'x" onmouseover="alert(1)'
    assert text(output.select_one("figcaption")).startswith(title)


def test_body_images_are_linked_and_unlinked_as_the_text_changes(still):
    other = make_image()
    article = make_article(body=f"![](image:{still.pk})\n\nTexte ![](image:{other.pk}).")

    def linked():
        return set(BodyImage.objects.filter(article=article).values_list("image_id", flat=True))

    assert linked() == {still.pk, other.pk}

    article.body = f"![](image:{other.pk})"
    article.save()
    assert linked() == {other.pk}

    article.body = "Plus d'image."
    article.save()
    assert linked() == set()
    # No longer shown anywhere: the library may let it go.
    still.delete()


def test_image_shown_in_a_text_cannot_be_deleted(still):
    make_article(body=f"![](image:{still.pk})")

    with pytest.raises(ProtectedError):
        still.delete()


def test_editing_the_library_caption_updates_the_article(client, still):
    article = make_article(body=f"![](image:{still.pk})")

    still.caption = "Le tournage à Lyon, finalement"
    still.alt_text = "Une grue au-dessus d'une place"
    still.save()

    figure = article_body(client, article).select_one("figure.body-image")
    assert text(figure.select_one("figcaption")) == "Le tournage à Lyon, finalement Studio X"
    assert figure.select_one("img")["alt"] == "Une grue au-dessus d'une place"
