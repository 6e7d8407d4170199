"""Static and media files carry headers that keep them from running or being framed."""

import pytest
from django.test import Client

from tests.factories import make_image

pytestmark = pytest.mark.django_db


def assert_inert(response):
    assert response.status_code == 200
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "default-src 'none'" in policy
    assert "sandbox" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/static/img/favicon.svg", "/static/css/screenmania.css", "/static/js/screenmania.js"]
)
def test_static_files(settings, path):
    # WhiteNoise as in development, finding the files where they are written: it adds
    # headers to each file as it finds it, collected or not.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    assert_inert(Client().get(path))


def test_media_files():
    image = make_image()
    client = Client()
    assert_inert(client.get(image.file.url))
    assert_inert(client.get(image.picture().src))
