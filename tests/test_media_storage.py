"""
Media go through the configured storage only: with a backend that has no path on disk,
as an S3-compatible bucket has none, an upload is cleaned and stored, its renditions
drawn, pages point at storage.url(), the ``renditions`` command redraws and sweeps,
deleting removes the files, and nothing lands in MEDIA_ROOT.
"""

import io
import os
import posixpath
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, InMemoryStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PillowImage

from images import renditions
from images.models import Image
from images.storage import MediaStorage
from tests.factories import logged_in, make_article
from tests.pages import soup

pytestmark = pytest.mark.django_db

BUCKET_URL = "https://medias.screenmania.example/"
ORIENTATION = 0x0112
IMAGE_DESCRIPTION = 0x010E
# Rotated a quarter turn clockwise for display: what a phone held upright writes.
ROTATE_90_CLOCKWISE = 6


class BucketStorage(InMemoryStorage):
    """
    Django's in-memory storage, made to behave like an S3 bucket where a bucket
    differs from a disk: no path (Django's answers one, under MEDIA_ROOT), and a
    folder is only a prefix of names, which does not exist by itself and lists as
    empty when nothing is under it.
    """

    def path(self, name):
        raise NotImplementedError("A bucket has no absolute paths.")

    def _relative_path(self, name):
        # InMemoryStorage finds its entries through path(): its own, not the one above.
        return os.path.relpath(super().path(name), self.location)

    def exists(self, name):
        directory, file = posixpath.split(name)
        return file in self.listdir(directory)[1]

    def listdir(self, path):
        try:
            return super().listdir(path)
        except FileNotFoundError:
            return [], []


class UndatedBucketStorage(BucketStorage):
    """A backend that cannot tell when a file was written, as Storage by default."""

    def get_modified_time(self, name):
        raise NotImplementedError("This backend does not support modified times.")


def use_storage(settings, backend, **options):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.{backend.__name__}", "OPTIONS": options},
    }
    # The field was bound when the model was imported: it follows the setting all the same.
    assert isinstance(Image._meta.get_field("file").storage, backend)
    return storages["default"]


@pytest.fixture
def bucket(settings, own_renditions, media_root):
    storage = use_storage(settings, BucketStorage, base_url=BUCKET_URL)
    yield storage
    on_disk = [path for path in media_root.rglob("*") if path.is_file()]
    assert not on_disk, "media written to MEDIA_ROOT rather than through the storage"


def photo_from_a_phone():
    """A 600×400 JPEG that its EXIF says to show upright (400×600), with a description."""
    exif = PillowImage.Exif()
    exif[ORIENTATION] = ROTATE_90_CLOCKWISE
    exif[IMAGE_DESCRIPTION] = "Cannes, montée des marches"
    buffer = io.BytesIO()
    PillowImage.new("RGB", (600, 400), (90, 60, 140)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def editor_client(editor):
    return logged_in(editor)


@pytest.fixture
def uploaded(editor_client, bucket):
    """An image as an editor adds it to the library through the admin."""
    response = editor_client.post(
        reverse("admin:images_image_add"),
        {
            "file": SimpleUploadedFile(
                "marches.jpg", photo_from_a_phone(), content_type="image/jpeg"
            ),
            "title": "Les marches",
            "alt_text": "Une actrice sur les marches du Palais",
            "credit": "AFP",
            "licence": "Dossier de presse, libre pour la critique",
        },
    )
    assert response.status_code == 302
    return Image.objects.get()


def opened(storage, name):
    with storage.open(name, "rb") as file:
        picture = PillowImage.open(io.BytesIO(file.read()))
    picture.load()
    return picture


def listed(image):
    """(width, height, name) of every rendition the image lists."""
    return [
        tuple(entry)
        for by_encoding in image.renditions["shapes"].values()
        for files in by_encoding.values()
        for entry in files
    ]


def candidates(element):
    """(url, width) of every candidate of a srcset attribute."""
    pairs = (candidate.split() for candidate in element["srcset"].split(","))
    return [(url, int(descriptor.removesuffix("w"))) for url, descriptor in pairs]


def run(*arguments):
    output, errors = io.StringIO(), io.StringIO()
    call_command("renditions", *arguments, stdout=output, stderr=errors)
    return output.getvalue(), errors.getvalue()


def stored(storage, directory=renditions.PREFIX):
    subdirectories, files = storage.listdir(directory)
    names = {f"{directory}/{file}" for file in files}
    for subdirectory in subdirectories:
        names |= stored(storage, f"{directory}/{subdirectory}")
    return names


def test_an_upload_is_stored_cleaned_with_its_renditions(uploaded, bucket):
    assert bucket.exists(uploaded.file.name)
    original = opened(bucket, uploaded.file.name)
    # Turned upright, and the camera's metadata gone.
    assert original.size == (uploaded.width, uploaded.height) == (400, 600)
    assert not original.getexif()
    assert uploaded.file.url == BUCKET_URL + uploaded.file.name
    assert listed(uploaded)
    for width, height, name in listed(uploaded):
        assert opened(bucket, name).size == (width, height), name


def test_article_pictures_are_files_of_the_storage_at_their_declared_width(
    client, uploaded, bucket
):
    article = make_article(
        featured_image=uploaded, body=f"Avant.\n\n![](image:{uploaded.pk})\n\nAprès."
    )

    page = soup(client.get(article.get_absolute_url()))

    featured = page.select_one(".featured-image picture")
    body_image = page.select_one(".article-body figure.body-image picture")
    for picture in [featured, body_image]:
        img = picture.select_one("img")
        assert img["src"].startswith(BUCKET_URL)
        assert bucket.exists(img["src"].removeprefix(BUCKET_URL))
        elements = [*picture.select("source"), img]
        assert [element.get("type") for element in elements] == [
            *(f"image/{encoding}" for encoding in renditions.encodings() if encoding != "jpeg"),
            None,
        ]
        for element in elements:
            for url, width in candidates(element):
                assert url.startswith(BUCKET_URL), url
                assert opened(bucket, url.removeprefix(BUCKET_URL)).width == width, url
    social_card = page.select_one('meta[property="og:image"]')["content"]
    assert opened(bucket, social_card.removeprefix(BUCKET_URL)).size == (400, 210)


def test_command_redraws_a_file_missing_from_the_storage(uploaded, bucket):
    width, height, name = listed(uploaded)[0]
    bucket.delete(name)

    run()
    assert not bucket.exists(name), "only --redraw-missing looks for gaps"
    announced, _warnings = run("--redraw-missing", "--dry-run")
    assert not bucket.exists(name)
    done, _warnings = run("--redraw-missing")

    assert announced == done.replace("were", "would be")
    assert done.startswith("1 image(s) were brought up to date")
    assert opened(bucket, name).size == (width, height)


def test_command_draws_new_widths_and_sweeps_the_old_ones(uploaded, bucket, settings):
    settings.IMAGE_RENDITIONS = {**settings.IMAGE_RENDITIONS, "full": {"widths": [300]}}
    before = stored(bucket)

    announced, _warnings = run("--dry-run", "--min-age", "0")

    assert stored(bucket) == before
    done, _warnings = run("--min-age", "0")
    uploaded.refresh_from_db()
    assert [width for width, _height, _name in uploaded.renditions["shapes"]["full"]["jpeg"]] == [
        300
    ]
    assert stored(bucket) == {name for _width, _height, name in listed(uploaded)}
    assert announced == done.replace("were", "would be")
    swept = len(before - stored(bucket))
    assert swept and f"{swept} orphaned rendition file(s) were deleted" in done


def test_command_sweeps_orphans_once_older_than_min_age(uploaded, bucket, monkeypatch):
    orphan = bucket.save(
        "renditions/ab/abcdef012345/full-360x270-0123456789.jpg", ContentFile(b"x")
    )

    run()
    assert bucket.exists(orphan), "younger than an hour: perhaps an upload being saved"
    in_two_hours = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: in_two_hours)
    run("--keep-orphans")
    assert bucket.exists(orphan)
    run()

    assert not bucket.exists(orphan)
    assert stored(bucket) == {name for _width, _height, name in listed(uploaded)}


def test_a_storage_without_dates_keeps_orphans_unless_min_age_is_zero(settings):
    storage = use_storage(settings, UndatedBucketStorage)
    orphan = storage.save(
        "renditions/ab/abcdef012345/full-360x270-0123456789.jpg", ContentFile(b"x")
    )

    output, warnings = run()

    assert storage.exists(orphan)
    assert output.endswith("0 orphaned rendition file(s) were deleted.\n")
    assert "1 unlisted rendition file(s) kept" in warnings
    assert "--min-age 0" in warnings
    output, warnings = run("--min-age", "0")
    assert not storage.exists(orphan)
    assert output.endswith("1 orphaned rendition file(s) were deleted.\n")
    assert not warnings


def test_deleting_an_image_removes_its_original_then_the_command_its_renditions(
    editor_client, uploaded, bucket, django_capture_on_commit_callbacks
):
    delete_url = reverse("admin:images_image_delete", args=[uploaded.pk])

    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(delete_url, {"post": "yes"}).status_code == 302

    assert not Image.objects.exists()
    assert not bucket.exists(uploaded.file.name)
    run("--min-age", "0")
    assert stored(bucket) == set()


def test_original_shared_by_another_image_is_kept(bucket, django_capture_on_commit_callbacks):
    first = Image.objects.create(
        file=SimpleUploadedFile("affiche.jpg", photo_from_a_phone()), alt_text="Affiche"
    )
    # What a storage that overwrites on save (S3's default) gives a second upload.
    second = Image.objects.create(file=first.file.name, alt_text="Affiche, encore")

    with django_capture_on_commit_callbacks(execute=True):
        first.delete()

    assert bucket.exists(second.file.name)


def test_media_view_serves_from_the_storage(client, settings, own_renditions, media_root):
    storage = use_storage(settings, BucketStorage)
    image = Image.objects.create(
        file=SimpleUploadedFile("affiche.jpg", photo_from_a_phone()), alt_text="Affiche"
    )
    rendition = image.picture().src
    assert rendition.startswith(f"{settings.MEDIA_URL}renditions/")
    # Read first: every open() of an in-memory file shares one stream.
    with storage.open(rendition.removeprefix(settings.MEDIA_URL), "rb") as file:
        stored_bytes = file.read()

    response = client.get(rendition)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(response.streaming_content) == stored_bytes
    unchanged = client.get(rendition, headers={"if-modified-since": response["Last-Modified"]})
    assert unchanged.status_code == 304
    assert unchanged["Cache-Control"] == response["Cache-Control"]
    assert client.get(image.file.url)["Cache-Control"] == "public, max-age=86400"
    for missing in ["renditions/no/such-file.jpg", "renditions", "../../etc/passwd"]:
        assert client.get(f"{settings.MEDIA_URL}{missing}").status_code == 404, missing
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_media_view_serves_a_disk_storage_outside_media_root(client, settings, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": elsewhere},
        },
    }
    image = Image.objects.create(
        file=SimpleUploadedFile("affiche.jpg", photo_from_a_phone()), alt_text="Affiche"
    )

    response = client.get(image.file.url)

    assert response.status_code == 200
    assert (elsewhere / image.file.name).is_file()
    assert not (settings.MEDIA_ROOT / image.file.name).exists()


@pytest.mark.parametrize("media_url", ["/media/", "https://medias.screenmania.example/m/"])
def test_the_default_storage_gives_the_urls_django_gives(settings, media_url):
    """images/storage.py appends names to MEDIA_URL instead of urljoin(): same URLs."""
    settings.MEDIA_URL = media_url
    names = [
        "renditions/2f/2f9a-480.avif",
        "images/2026/12/affiche d’été #2?.jpg",
        "/images/a-leading-slash.jpg",
        "images/a:colon.jpg",
        "images/100%.png",
    ]
    ours, djangos = MediaStorage(), FileSystemStorage()

    assert [ours.url(name) for name in names] == [djangos.url(name) for name in names]
    assert isinstance(storages["default"], MediaStorage)
