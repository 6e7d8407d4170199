"""/media/ answers the files the storage holds, and a 404 for any name it could not hold."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from images.models import Image
from tests.factories import image_bytes

pytestmark = pytest.mark.django_db

NOT_FILE_NAMES = [
    "%00",
    "images/x.jpg%00.html",
    "images/%00/x.jpg",
    "images/x.jpg%0A",
    "images/%ED%A0%80.jpg",  # a lone surrogate, in UTF-8
    "images/%FF.jpg",  # no UTF-8 at all
    "images/" + "a" * 300 + ".jpg",
    "/".join(["a" * 200] * 30),
    "images/%2e%2e/%2e%2e/etc/passwd",
    "images/x.jpg%20",
    "images/<script>.jpg",
    "images\\..\\..\\settings.py",
]


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("name", NOT_FILE_NAMES)
def test_a_name_no_file_can_have_is_not_found(client, name):
    assert client.get(f"/media/{name}").status_code == 404


def test_a_name_with_accents_is_served(client):
    image = Image.objects.create(
        file=SimpleUploadedFile("affiche d'été.png", image_bytes()), alt_text="Affiche"
    )
    assert client.get(image.file.url).status_code == 200
