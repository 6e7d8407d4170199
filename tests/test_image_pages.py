"""
What readers and search engines get from the library's fields: captions with the
credit and the AI label, the image's provenance in JSON-LD, media cached as long
as their names allow, and editors told when the text points at no image.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Article
from tests.admin_forms import EMPTY_INLINES, article_fields
from tests.factories import image_bytes, make_article, make_image
from tests.pages import soup, text

pytestmark = pytest.mark.django_db


def structured_data(response):
    blocks = soup(response).select('script[type="application/ld+json"]')
    return [json.loads(block.string) for block in blocks]


def test_featured_image_caption_shows_credit_and_ai_label(client):
    image = make_image(caption="Le plateau, la nuit.", credit="Studio Lune", is_ai_generated=True)
    article = make_article(featured_image=image)

    caption = soup(client.get(article.get_absolute_url())).select_one(".featured-image figcaption")

    assert text(caption.select_one(".credit")) == "Studio Lune"
    assert text(caption.select_one(".ai-generated")) == "Image générée par IA"
    assert text(caption).startswith("Le plateau, la nuit.")


def test_a_photograph_carries_no_ai_label(client):
    article = make_article(featured_image=make_image())

    page = soup(client.get(article.get_absolute_url()))

    assert page.select_one(".featured-image figcaption")
    assert not page.select(".ai-generated")


def test_structured_data_gives_the_social_card_and_its_provenance(client, settings):
    settings.SITE_URL = "https://screenmania.example"
    big = image_bytes(1600, 900, "JPEG")
    image = make_image(
        file=SimpleUploadedFile("plateau.jpg", big, content_type="image/jpeg"),
        credit="Studio Lune",
        licence="CC BY 4.0",
        is_ai_generated=True,
    )
    article = make_article(featured_image=image)

    [data] = structured_data(client.get(article.get_absolute_url()))

    assert data["@type"] == "NewsArticle"
    [picture] = data["image"]
    assert picture["url"].startswith("https://screenmania.example/media/renditions/")
    assert (picture["width"], picture["height"]) == (1200, 630)
    assert picture["creditText"] == "Studio Lune"
    assert picture["copyrightNotice"] == "CC BY 4.0"
    assert picture["digitalSourceType"] == "https://schema.org/TrainedAlgorithmicMediaDigitalSource"


def test_structured_data_of_a_photograph_claims_no_ai_source(client):
    article = make_article(featured_image=make_image())

    [data] = structured_data(client.get(article.get_absolute_url()))

    assert "digitalSourceType" not in data["image"][0]


def test_a_title_cannot_close_the_json_ld_block(client):
    article = make_article(title="</script><script>alert(1)</script> & <!-- fin")

    response = client.get(article.get_absolute_url())

    [data] = structured_data(response)
    assert data["headline"] == article.title
    assert response.content.count(b"</script>") == len(soup(response).select("script"))


def test_renditions_are_cached_for_a_year_and_originals_for_a_day(client):
    image = make_image()
    rendition = image.picture().src
    original = image.file.url

    rendition_response = client.get(rendition)
    original_response = client.get(original)

    assert rendition_response.status_code == 200
    assert rendition_response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert rendition_response["Content-Type"] == "image/jpeg"
    assert original_response["Cache-Control"] == "public, max-age=86400"
    assert client.get("/media/renditions/no/such-file.jpg").status_code == 404


def test_article_form_names_an_image_number_missing_from_the_library(admin_client):
    article = make_article()
    body = "Avant.\n\n![](image:987654)\n\nAprès."

    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        {**article_fields(article, body=body), **EMPTY_INLINES},
    )

    assert response.status_code == 200
    errors = text(soup(response).select_one(".field-body .errorlist"))
    assert "987654" in errors and "médiathèque" in errors
    assert soup(response).select_one("textarea[name=body]").string.strip() == body
    assert Article.objects.get(pk=article.pk).body == article.body


def test_article_form_accepts_an_image_from_the_library(admin_client):
    article = make_article()
    image = make_image(caption="Une salle comble.")
    body = f"Avant.\n\n![](image:{image.pk})\n\nAprès."

    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        {**article_fields(article, body=body), **EMPTY_INLINES},
    )

    assert response.status_code == 302
    page = soup(admin_client.get(article.get_absolute_url()))
    figure = page.select_one(".article-body figure.body-image")
    assert text(figure.figcaption).startswith("Une salle comble.")
    assert figure.select_one("img")["loading"] == "lazy"
