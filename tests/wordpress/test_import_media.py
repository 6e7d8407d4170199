"""Attachments and the content's images go into the library once each, as uploads do."""

import io

import pytest
from PIL import Image as PillowImage

from articles.models import Article
from images.models import Image
from tests.factories import image_bytes
from wordpress.importer import import_wxr
from wordpress.models import ImportedItem

from .wxr_files import attachment, post, write

pytestmark = pytest.mark.django_db

UPLOADS = "https://cinerevue.example/wp-content/uploads"


@pytest.fixture
def media(tmp_path):
    """A copy of wp-content/uploads, as an administrator would give it."""
    folder = tmp_path / "uploads"
    (folder / "2023" / "07").mkdir(parents=True)
    return folder


def put(media, name, content):
    path = media / name
    path.write_bytes(content)
    return name


def photo(**fields):
    fields.setdefault("title", "Affiche")
    fields.setdefault("excerpt", "L’affiche du film")
    fields.setdefault(
        "postmeta",
        {
            "_wp_attached_file": "2023/07/affiche.jpg",
            "_wp_attachment_image_alt": "Une femme sur une plage",
            "_wp_attachment_metadata": (
                'a:1:{s:10:"image_meta";a:1:{s:6:"credit";s:9:"Studio XY";}}'
            ),
        },
    )
    return attachment(100, "2023/07/affiche.jpg", **fields)


def run(tmp_path, *items, media=None, **options):
    return import_wxr(write(tmp_path / "export.xml", *items), media_dir=media, **options)


def test_featured_image_with_its_description(tmp_path, media):
    put(media, "2023/07/affiche.jpg", image_bytes(320, 200, "JPEG"))
    report = run(tmp_path, photo(), post(1, postmeta={"_thumbnail_id": "100"}), media=media)
    image = Article.objects.get().featured_image
    assert image.alt_text == "Une femme sur une plage"
    assert image.caption == "L’affiche du film"
    assert image.credit == "Studio XY"
    assert image.title == "Affiche"
    assert (image.width, image.height) == (320, 200)
    # Cleaned and drawn as an upload is: renditions listed, a digest of the stored file.
    assert image.file_digest and image.renditions.get("shapes")
    assert report.counts["attachment"] == {"created": 1}


def test_content_images_are_imported_once_and_named_by_number(tmp_path, media):
    put(media, "2023/07/affiche.jpg", image_bytes(320, 200, "JPEG"))
    put(media, "2023/07/plateau.png", image_bytes(200, 100))
    content = (
        f'<p><img src="{UPLOADS}/2023/07/affiche-300x187.jpg" alt="Affiche"></p>'
        f'<p><img src="{UPLOADS}/2023/07/plateau.png" alt="Plateau"></p>'
    )
    run(
        tmp_path,
        post(1, content=content),
        post(2, content=content, postmeta={"_thumbnail_id": "100"}),
        photo(),
        media=media,
    )
    assert Image.objects.count() == 2
    poster = Image.objects.get(title="Affiche")
    set_photo = Image.objects.get(title="plateau.png")
    for article in Article.objects.all():
        assert f"image:{poster.pk}" in article.body
        assert f"image:{set_photo.pk}" in article.body
    assert ImportedItem.objects.filter(kind="image").count() == 1


def test_attachment_without_file_is_reported_not_fatal(tmp_path, media):
    report = run(tmp_path, photo(), post(1, postmeta={"_thumbnail_id": "100"}), media=media)
    article = Article.objects.get()
    assert article.featured_image is None
    assert not Image.objects.exists()
    assert report.counts["attachment"] == {"skipped": 1}
    [loss] = report.losses
    assert loss.address == f"{UPLOADS}/2023/07/affiche.jpg"
    assert "absent" in loss.message


def test_without_media_folder_every_file_is_reported_missing(tmp_path):
    report = run(tmp_path, photo())
    assert "aucun dossier de médias" in report.losses[0].message


def test_attachment_that_is_not_an_image_is_reported(tmp_path, media):
    put(media, "2023/07/dossier.pdf", b"%PDF-1.4")
    report = run(tmp_path, attachment(101, "2023/07/dossier.pdf"), media=media)
    assert not Image.objects.exists()
    assert "Pas une image" in report.losses[0].message


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param(b"<html><script>alert(1)</script></html>", id="html-named-jpeg"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\0" * 200, id="truncated-jpeg"),
    ],
)
def test_file_that_is_no_image_is_refused_and_reported(tmp_path, media, hostile):
    put(media, "2023/07/affiche.jpg", hostile)
    report = run(tmp_path, photo(), post(1, postmeta={"_thumbnail_id": "100"}), media=media)
    assert not Image.objects.exists()
    assert Article.objects.get().featured_image is None
    assert "Image refusée" in report.losses[0].message


def test_decompression_bomb_is_refused_without_being_decoded(tmp_path, media):
    bomb = io.BytesIO()
    # 64 million pixels in a few kilobytes: above IMAGE_MAX_PIXELS.
    PillowImage.new("1", (8_000, 8_000)).save(bomb, "PNG")
    put(media, "2023/07/affiche.jpg", bomb.getvalue())
    report = run(tmp_path, photo(), media=media)
    assert not Image.objects.exists()
    assert "pixels" in report.losses[0].message


def test_oversized_file_is_refused_before_it_is_read(tmp_path, media, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 1000
    put(media, "2023/07/affiche.jpg", image_bytes(320, 200, "JPEG") + b"\0" * 2000)
    report = run(tmp_path, photo(), media=media)
    assert not Image.objects.exists()
    assert "taille maximale" in report.losses[0].message


def test_a_path_out_of_the_media_folder_is_never_read(tmp_path, media):
    (tmp_path / "secret.png").write_bytes(image_bytes())
    hostile = photo(postmeta={"_wp_attached_file": "../secret.png"})
    report = run(tmp_path, hostile, media=media)
    assert not Image.objects.exists()
    assert "absent" in report.losses[0].message


@pytest.mark.parametrize(
    ("address", "refusal"),
    [
        ("http://127.0.0.1:8000/wp-content/uploads/x.png", "pas publique"),
        ("http://localhost/wp-content/uploads/x.png", "pas publique"),
        ("http://[::1]/x.png", "pas publique"),
        ("http://169.254.169.254/latest/x.png", "pas publique"),
        ("ftp://cinerevue.example/x.png", "http et https"),
    ],
)
def test_downloads_refuse_what_is_not_a_public_web_address(tmp_path, address, refusal):
    content = f'<p><img src="{address}" alt="Une image"></p>'
    report = run(tmp_path, post(1, content=content), fetch_urls=True)
    assert not Image.objects.exists()
    assert any(refusal in loss.message for loss in report.losses), report.losses


def test_missing_images_are_tried_again_once_the_folder_is_given(tmp_path, media):
    items = [photo(), post(1, postmeta={"_thumbnail_id": "100"})]
    run(tmp_path, *items)
    assert Article.objects.get().featured_image is None
    put(media, "2023/07/affiche.jpg", image_bytes(320, 200, "JPEG"))
    report = run(tmp_path, *items, media=media)
    assert Article.objects.get().featured_image.alt_text == "Une femme sur une plage"
    assert report.counts["post"] == {"updated": 1}
    assert Article.objects.count() == 1
