"""Image uploads through the admin: what Pillow can decode within our limits, nothing else."""

import io
import os
import struct
import zlib

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image as PillowImage

from images.models import Image
from images.validators import ImageFileField, validate_image_file
from tests.factories import image_bytes, make_image
from tests.pages import soup, text

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:images_image_add")


def noise_bytes(width, height, image_format):
    """An image that does not compress: its weight grows with its size."""
    image = PillowImage.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


def forged_png(width, height):
    """A tiny PNG made by Pillow whose header then claims ``width`` × ``height`` pixels."""
    data = bytearray(image_bytes(1, 1, "PNG"))
    # Signature (8), chunk length (4), b"IHDR" (4), then width and height;
    # the chunk's CRC covers the type and the 13 data bytes.
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def validator_message(content):
    """What validate_image_file says of ``content``, in the admin's language."""
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        validate_image_file(upload("image", content))
    return refused.value.messages[0]


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_image(client, file, **fields):
    data = {
        "file": file,
        "title": "Affiche",
        "alt_text": "Une actrice sur les marches du Palais",
        "caption": "Sur les marches, le soir de l'ouverture",
        "credit": "AFP",
        "licence": "Dossier de presse, libre pour la critique",
        **fields,
    }
    return client.post(ADD_URL, data)


def input_values(response):
    """The value of every input of the page, by name, as the browser will show it."""
    return {field["name"]: field.get("value") for field in soup(response).select("input[name]")}


def error_codes(response, field):
    form = response.context["adminform"].form
    return [error.code for error in form.errors.as_data().get(field, [])]


def assert_refused_with_fields_kept(response, code):
    assert response.status_code == 200
    assert error_codes(response, "file") == [code]
    assert not Image.objects.exists()
    page = soup(response)
    # The message sits in the file field's row, tied to the input for screen readers.
    [message] = response.context["adminform"].form.errors["file"]
    assert text(page.select_one(".form-row.field-file #id_file_error")) == " ".join(message.split())
    assert "id_file_error" in page.select_one("input[name=file]")["aria-describedby"]
    values = input_values(response)
    assert values["alt_text"] == "Une actrice sur les marches du Palais"
    assert values["caption"] == "Sur les marches, le soir de l'ouverture"
    assert values["credit"] == "AFP"


@pytest.mark.parametrize(
    ("image_format", "extension", "content_type"),
    [
        ("PNG", "png", "image/png"),
        ("JPEG", "jpg", "image/jpeg"),
        ("WEBP", "webp", "image/webp"),
        ("GIF", "gif", "image/gif"),
        ("AVIF", "avif", "image/avif"),
    ],
)
def test_accepted_formats_are_saved_with_their_dimensions(
    admin_client, image_format, extension, content_type
):
    content = image_bytes(320, 180, image_format)
    response = post_image(admin_client, upload(f"affiche.{extension}", content, content_type))

    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (320, 180)
    assert image.file.name.endswith(f".{extension}")


def test_text_file_named_jpg_is_refused(admin_client):
    response = post_image(admin_client, upload("photo.jpg", b"Ceci n'est pas une image.\n" * 20))

    assert_refused_with_fields_kept(response, "unreadable")


def test_truncated_jpeg_is_refused(admin_client):
    content = noise_bytes(200, 150, "JPEG")
    response = post_image(admin_client, upload("coupee.jpg", content[: len(content) // 2]))

    assert_refused_with_fields_kept(response, "unreadable")
    # Not the form field's « no file was submitted », whose code the decoding's once was.
    [message] = response.context["adminform"].form.errors["file"]
    assert message.startswith("Ce fichier ne peut pas être lu comme une image")


def test_pixel_bomb_is_refused_before_decoding(admin_client):
    bomb = forged_png(100_000, 100_000)
    assert len(bomb) < 200
    response = post_image(admin_client, upload("bombe.png", bomb, "image/png"))

    assert_refused_with_fields_kept(response, "too_many_pixels")


def test_pixel_bomb_gets_our_message_not_the_generic_one(admin_client):
    bomb = forged_png(100_000, 100_000)
    response = post_image(admin_client, upload("bombe.png", bomb, "image/png"))

    [message] = response.context["adminform"].form.errors["file"]
    assert message == validator_message(bomb)
    with translation.override("fr"):
        assert message != forms.ImageField.default_error_messages["invalid_image"]
    assert "40" in message


def test_image_over_the_pixel_limit_is_refused_with_its_dimensions(admin_client, settings):
    settings.IMAGE_MAX_PIXELS = 2_000_000
    content = forged_png(2000, 1500)
    response = post_image(admin_client, upload("grande.png", content, "image/png"))

    assert_refused_with_fields_kept(response, "too_many_pixels")
    [message] = response.context["adminform"].form.errors["file"]
    assert message == validator_message(content)
    assert (
        "2\N{NO-BREAK SPACE}000\N{NO-BREAK SPACE}×\N{NO-BREAK SPACE}1\N{NO-BREAK SPACE}500"
        in message
    )


def test_oversized_file_is_refused_with_its_weight(admin_client, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 10_000
    content = noise_bytes(120, 120, "PNG")
    assert len(content) > 10_000
    response = post_image(admin_client, upload("lourde.png", content, "image/png"))

    assert_refused_with_fields_kept(response, "too_large")
    [message] = response.context["adminform"].form.errors["file"]
    assert message == validator_message(content)


def test_missing_alt_text_is_refused_unless_decorative(admin_client):
    response = post_image(admin_client, upload("a.png", image_bytes(), "image/png"), alt_text="")

    assert response.status_code == 200
    assert error_codes(response, "alt_text")
    assert not Image.objects.exists()


def test_decorative_image_needs_no_alt_text(admin_client):
    response = post_image(
        admin_client,
        upload("filet.png", image_bytes(), "image/png"),
        alt_text="",
        is_decorative="on",
    )

    assert response.status_code == 302
    image = Image.objects.get()
    assert image.is_decorative
    assert image.alt == ""


def test_bad_file_and_missing_alt_text_are_reported_together(admin_client):
    response = post_image(admin_client, upload("photo.jpg", b"not an image"), alt_text="")

    assert error_codes(response, "file") == ["unreadable"]
    assert error_codes(response, "alt_text")


def test_stored_image_is_not_checked_again():
    image = make_image()
    # Storage that can no longer serve the file (a remote store, a cleaned
    # disk) must not stop an editor correcting a caption.
    os.remove(image.file.path)

    validate_image_file(image.file)


def test_image_form_field_checks_header_before_django_decodes(settings):
    settings.IMAGE_MAX_PIXELS = 1000
    field = ImageFileField()

    with pytest.raises(ValidationError) as refused:
        field.clean(upload("a.png", image_bytes(64, 48), "image/png"))

    assert refused.value.code == "too_many_pixels"
