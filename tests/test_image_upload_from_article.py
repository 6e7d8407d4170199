"""
An image dropped, pasted or chosen in the article form goes into the library through
the library's own checks (ImageAdmin.upload_view): the new image and the Markdown that
puts it in the text, or French errors and nothing created.
"""

import io
import json

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PillowImage
from PIL import ImageFile, PngImagePlugin

import images.renditions
from images.models import Image
from screenmania.watchdog import RequestTimeout
from tests.factories import image_bytes, logged_in, make_article
from tests.pages import soup

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("admin:images_image_from_article")
DESCRIPTION = {
    "alt_text": "Adèle Rinaldi sur le tournage de Station Vega",
    "credit": "Studio Lune",
    "licence": "Dossier de presse, libre pour la critique",
}


def photo_with_location(width=640, height=360):
    """A JPEG as a phone writes it: with the place it was taken in its EXIF."""
    exif = PillowImage.Exif()
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPS: north, 48° 51′ 24″
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), (40, 60, 120)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def upload(client, content, name="photo.jpg", content_type="image/jpeg", **fields):
    file = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(UPLOAD_URL, {"file": file, **DESCRIPTION, **fields})


def errors(response):
    return json.loads(response.content)["errors"]


@pytest.fixture
def contributor_client(contributor):
    return logged_in(contributor, enforce_csrf_checks=True)


def with_csrf_token(client):
    """The token the article form's page gives its scripts, as a browser would hold it."""
    page = soup(client.get(reverse("admin:articles_article_add")))
    token = page.select_one("[name=csrfmiddlewaretoken]")["value"]
    client.defaults["HTTP_X_CSRFTOKEN"] = token
    return client


def test_a_photo_goes_into_the_library_with_its_description(contributor_client):
    client = with_csrf_token(contributor_client)

    response = upload(client, photo_with_location(), caption="Sur le plateau")

    assert response.status_code == 201
    image = Image.objects.get()
    assert image.alt_text == "Adèle Rinaldi sur le tournage de Station Vega"
    assert image.credit == "Studio Lune"
    assert image.licence == "Dossier de presse, libre pour la critique"
    assert image.caption == "Sur le plateau"
    assert (image.width, image.height) == (640, 360)
    answer = json.loads(response.content)
    assert answer["id"] == image.pk
    # Untitled, the library names it by its file, never by its alt text.
    assert answer["title"] == "photo.jpg"
    assert answer["markdown"] == f"![](image:{image.pk})"
    assert "/media/renditions/" in answer["thumbnail"]["url"]
    # Cleaned as the library's form cleans: where the photo was taken is gone.
    with image.file.open("rb") as stored, PillowImage.open(stored) as opened:
        assert 0x8825 not in opened.getexif()
    entry = LogEntry.objects.get()
    assert (entry.action_flag, entry.object_id) == (ADDITION, str(image.pk))


def test_the_markdown_answered_puts_a_figure_in_the_article(contributor_client, client):
    answer = json.loads(upload(with_csrf_token(contributor_client), image_bytes(800, 450)).content)

    article = make_article(body=f"Avant.\n\n{answer['markdown']}\n\nAprès.")

    page = soup(client.get(article.get_absolute_url()))
    [figure] = page.select(".article-body figure.body-image")
    assert figure.select_one("img")["alt"] == "Adèle Rinaldi sur le tournage de Station Vega"
    assert "Studio Lune" in figure.select_one("figcaption").get_text()


def test_an_account_without_the_right_to_add_images_is_refused(db):
    writer = User.objects.create_user("plume", password="pw", is_staff=True)
    writer.user_permissions.set(
        Permission.objects.filter(
            codename__in=["add_article", "change_article", "view_article", "view_image"]
        )
    )

    response = upload(logged_in(writer), image_bytes())

    assert response.status_code == 403
    assert not Image.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(contributor_client):
    response = upload(contributor_client, image_bytes())

    assert response.status_code == 403
    assert not Image.objects.exists()


def test_someone_logged_out_is_sent_to_the_login_page(db):
    response = upload(Client(), image_bytes())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not Image.objects.exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "affiche.jpg"),
        (b"%PDF-1.7\n" + b"0" * 2000, "scan.png"),
        (photo_with_location()[:3000], "coupee.jpg"),
    ],
    ids=["svg named jpg", "pdf named png", "truncated jpeg"],
)
def test_what_is_not_an_image_is_refused_in_french(contributor_client, content, name):
    response = upload(with_csrf_token(contributor_client), content, name=name)

    assert response.status_code == 400
    [message] = errors(response)["file"]
    assert "Ce fichier ne peut pas être lu comme une image" in message
    assert not Image.objects.exists()


def test_every_missing_description_is_reported_at_once(contributor_client):
    client = with_csrf_token(contributor_client)

    response = upload(client, b"pas une image", alt_text="", licence="")

    assert response.status_code == 400
    assert set(errors(response)) == {"file", "alt_text", "licence"}
    assert errors(response)["alt_text"] == [
        "Décrivez l’image pour les lecteurs qui ne la voient pas, ou marquez-la comme décorative."
    ]
    assert not Image.objects.exists()


def test_a_decorative_image_needs_no_alternative_text(contributor_client):
    client = with_csrf_token(contributor_client)

    response = upload(client, image_bytes(), alt_text="", is_decorative="on")

    assert response.status_code == 201
    assert Image.objects.get().alt == ""


def test_a_body_over_the_limit_is_refused_on_its_declared_length(contributor_client, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 10_000
    client = with_csrf_token(contributor_client)
    # Above the limit by more than the description fields could weigh.
    content = image_bytes() + b"\0" * 200_000

    response = upload(client, content, name="lourde.png", content_type="image/png")

    assert response.status_code == 413
    assert errors(response)["file"] == [
        "Ce fichier pèse plus de 9,8\N{NO-BREAK SPACE}Kio, la limite. "
        "Exportez-le plus léger et réessayez."
    ]
    assert not Image.objects.exists()


def test_a_body_declared_over_the_limit_is_not_read(contributor_client):
    """A gigabyte announced is refused unread, by the CSRF check too."""
    body = b"--x\r\nContent-Disposition: form-data; name=file; filename=a.png\r\n\r\n"

    # The test client's payload refuses to be read past what it holds: reading the
    # announced gigabyte would fail the request rather than answer it.
    response = contributor_client.post(
        UPLOAD_URL,
        body,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(1024**3),
    )

    assert response.status_code == 413
    assert not Image.objects.exists()


def test_one_image_at_a_time(contributor_client):
    client = with_csrf_token(contributor_client)
    files = [SimpleUploadedFile(f"{n}.png", image_bytes(), "image/png") for n in range(2)]

    response = client.post(UPLOAD_URL, {"file": files, **DESCRIPTION})

    assert response.status_code == 400
    assert errors(response)["file"] == ["Envoyez une image à la fois."]
    assert not Image.objects.exists()


def test_the_upload_address_only_takes_posts(contributor_client):
    assert contributor_client.get(UPLOAD_URL).status_code == 405


def interrupted(*args, **kwargs):
    # What the watchdog does at the time limit: RequestTimeout raised in the
    # request's thread, wherever it stands (screenmania/watchdog.py).
    raise RequestTimeout


@pytest.mark.parametrize(
    "where",
    [
        (PngImagePlugin.PngImageFile, "verify"),
        (ImageFile.ImageFile, "load"),
        (images.renditions, "generate"),
    ],
    ids=["checking the header", "decoding the pixels", "drawing the renditions"],
)
@pytest.mark.parametrize(
    "address", [UPLOAD_URL, reverse("admin:images_image_add")], ids=["dialog", "library form"]
)
def test_an_upload_past_the_time_limit_is_no_bad_image(contributor, monkeypatch, where, address):
    """The time limit is the server's: the editor is not told to export the image again."""
    monkeypatch.setattr(*where, interrupted)
    client = logged_in(contributor)
    file = SimpleUploadedFile("photo.png", image_bytes(), content_type="image/png")

    with pytest.raises(RequestTimeout):
        client.post(address, {"file": file, **DESCRIPTION})

    assert not Image.objects.exists()
