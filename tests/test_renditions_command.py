"""
``manage.py renditions``: after a change of sizes in settings, images get the new files
and articles point at them; files no image lists any more are swept once old enough.
"""

import io
import os
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image as PillowImage

from tests.factories import make_article, make_image
from tests.pages import soup

pytestmark = pytest.mark.django_db

TWO_HOURS = 2 * 60 * 60


@pytest.fixture
def image(own_renditions):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (800, 600), (120, 40, 40)).save(buffer, "JPEG")
    return make_image(
        file=SimpleUploadedFile("affiche.jpg", buffer.getvalue(), content_type="image/jpeg")
    )


@pytest.fixture
def new_widths(settings):
    settings.IMAGE_RENDITIONS = {
        **settings.IMAGE_RENDITIONS,
        "full": {"widths": [300, 600]},
    }


def run(*arguments):
    output = io.StringIO()
    call_command("renditions", *arguments, stdout=output)
    return output.getvalue()


def stored_files(directory):
    return {
        path.relative_to(directory.parent).as_posix()
        for path in directory.rglob("*")
        if path.is_file()
    }


def listed(image, shape="full", encoding="jpeg"):
    return [tuple(entry) for entry in image.renditions["shapes"][shape][encoding]]


def every_listed_name(image):
    return {
        name
        for by_encoding in image.renditions["shapes"].values()
        for files in by_encoding.values()
        for _width, _height, name in files
    }


def orphan(own_renditions, name="ab/abcdef012345/full-360x270-0123456789.jpg", age=0):
    path = own_renditions / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"left behind by an image deleted long ago")
    if age:
        then = time.time() - age
        os.utime(path, (then, then))
    return path


def test_changed_widths_are_drawn_and_listed(image, new_widths, own_renditions):
    output = run()

    image.refresh_from_db()
    for encoding in ["avif", "webp", "jpeg"]:
        assert [width for width, _h, _n in listed(image, encoding=encoding)] == [300, 600]
    for width, height, name in listed(image):
        assert height == width * 3 // 4
        with PillowImage.open(settings.MEDIA_ROOT / name) as drawn:
            assert drawn.size == (width, height)
    assert every_listed_name(image) <= stored_files(own_renditions)
    assert output.startswith("1 image(s) were brought up to date")


def test_files_of_the_old_widths_are_swept(image, new_widths, own_renditions):
    before = every_listed_name(image)

    output = run("--min-age", "0")

    image.refresh_from_db()
    assert stored_files(own_renditions) == every_listed_name(image)
    gone = before - every_listed_name(image)
    assert gone
    assert f"{len(gone)} orphaned rendition file(s) were deleted" in output


def test_orphans_are_deleted_once_older_than_min_age(image, own_renditions):
    old = orphan(own_renditions, "ab/abcdef012345/full-360x270-aaaaaaaaaa.jpg", age=TWO_HOURS)
    fresh = orphan(own_renditions, "ab/abcdef012345/full-360x270-bbbbbbbbbb.jpg")

    run()

    assert not old.exists()
    # Younger than the default hour: perhaps an upload being saved right now.
    assert fresh.exists()
    assert every_listed_name(image) <= stored_files(own_renditions)

    run("--min-age", "0")

    assert not fresh.exists()
    assert stored_files(own_renditions) == every_listed_name(image)


def test_keep_orphans_deletes_nothing(image, own_renditions):
    old = orphan(own_renditions, age=TWO_HOURS)

    run("--keep-orphans", "--min-age", "0")

    assert old.exists()


def test_dry_run_changes_nothing_and_announces_what_a_run_does(image, new_widths, own_renditions):
    old = orphan(own_renditions, age=TWO_HOURS)
    files_before = stored_files(own_renditions)
    listing_before = image.renditions

    announced = run("--dry-run", "--min-age", "0")

    image.refresh_from_db()
    assert image.renditions == listing_before
    assert stored_files(own_renditions) == files_before
    assert old.exists()

    done = run("--min-age", "0")

    image.refresh_from_db()
    # The orphan, and the files of the widths no longer configured.
    deleted = files_before - stored_files(own_renditions)
    assert old.relative_to(own_renditions.parent).as_posix() in deleted
    assert done == (
        f"1 image(s) were brought up to date, {len(deleted)} orphaned rendition file(s) "
        "were deleted.\n"
    )
    assert announced == done.replace("were", "would be")


def test_redraw_missing_restores_a_deleted_file(image, own_renditions):
    width, height, name = listed(image)[0]
    (settings.MEDIA_ROOT / name).unlink()

    run()
    assert not (settings.MEDIA_ROOT / name).exists(), "only --redraw-missing looks for gaps"

    run("--redraw-missing")

    image.refresh_from_db()
    assert listed(image)[0] == (width, height, name)
    with PillowImage.open(settings.MEDIA_ROOT / name) as drawn:
        assert drawn.size == (width, height)


def test_article_text_points_at_the_new_files_after_sweeping(
    client, image, new_widths, own_renditions
):
    article = make_article(body=f"Avant.\n\n![](image:{image.pk})\n\nAprès.")

    run("--min-age", "0")

    figure = soup(client.get(article.get_absolute_url())).select_one("figure.body-image")
    urls = [figure.select_one("img")["src"]]
    for element in figure.select("source, img"):
        urls += [candidate.split()[0] for candidate in element["srcset"].split(",")]
    assert {url.split()[-1] for url in figure.select_one("img")["srcset"].split(",")} == {
        "300w",
        "600w",
    }
    for url in urls:
        assert (settings.MEDIA_ROOT / url.removeprefix(settings.MEDIA_URL)).is_file(), url
