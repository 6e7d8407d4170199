"""
An upload the encoders cannot turn into renditions is refused with a message in the
form, never a server error, and leaves nothing behind: no row, no original, no rendition.
"""

import logging

import pytest

from tests.factories import image_bytes, logged_in
from tests.test_uploads import assert_refused_with_fields_kept, post_image, upload

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"


def files_under(media_root):
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def file_error(response):
    [message] = response.context["adminform"].form.errors["file"]
    return message


def test_a_sliver_of_an_image_is_refused_before_it_is_decoded(editor, own_renditions):
    content = image_bytes(1, 4_000_000, "PNG")
    response = post_image(logged_in(editor), upload("bande.png", content, "image/png"))

    assert_refused_with_fields_kept(response, "aspect_ratio")
    # French typography: no-break spaces in the number, around the sign, before the colon.
    assert file_error(response) == (
        f"Cette image mesure 1{NBSP}×{NBSP}4{NBSP}000{NBSP}000 pixels{NBSP}: un côté fait plus "
        "de 10 fois l’autre, une bande trop étroite pour une page. Recadrez-la et réessayez."
    )
    assert files_under(own_renditions.parent) == []


def test_a_failing_encoder_refuses_the_upload_and_leaves_no_file(
    editor, own_renditions, settings, caplog
):
    # Let a strip through: its full-size rendition is taller than WebP can encode
    # (16,383 pixels), while AVIF and JPEG draw theirs without complaint.
    settings.IMAGE_MAX_ASPECT_RATIO = 100_000
    content = image_bytes(1, 20_000, "PNG")

    with caplog.at_level(logging.ERROR, logger="images.forms"):
        response = post_image(logged_in(editor), upload("bande.png", content, "image/png"))

    assert_refused_with_fields_kept(response, "processing")
    assert file_error(response) == (
        "Cette image n’a pas pu être convertie aux tailles et formats que téléchargent "
        "les lecteurs. Exportez-la de nouveau (en JPEG ou en PNG) et réessayez."
    )
    assert files_under(own_renditions.parent) == []
    # Whoever runs the site sees why in the log.
    [record] = caplog.records
    assert "WebP" in str(record.exc_info[1])


def test_the_same_image_within_the_limits_is_accepted(editor, own_renditions):
    response = post_image(
        logged_in(editor), upload("bande.png", image_bytes(100, 1000, "PNG"), "image/png")
    )

    assert response.status_code == 302
    assert len(files_under(own_renditions.parent)) > 10
