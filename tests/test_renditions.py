"""
Renditions: every configured size and none larger than the original, crops around the
focal point, names that only change with the pixels, and pages that point at them.
"""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PillowImage

from images.models import Image
from tests.factories import make_article, make_author, make_image
from tests.pages import soup

pytestmark = pytest.mark.django_db

GREY, GREEN, RED = (128, 128, 128), (0, 160, 0), (255, 0, 0)


def jpeg(width, height, colour=GREY):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), colour).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def gradient_jpeg(width, height):
    """A large photo that still compresses: two crossed gradients."""
    ramp = PillowImage.linear_gradient("L").resize((width, height))
    flat = PillowImage.new("L", (width, height), 90)
    picture = PillowImage.merge("RGB", (ramp, ramp.rotate(180), flat))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def strips_jpeg(width, height, strip):
    """Grey, with a green strip along the left edge and a red one along the right."""
    picture = PillowImage.new("RGB", (width, height), GREY)
    picture.paste(GREEN, (0, 0, strip, height))
    picture.paste(RED, (width - strip, 0, width, height))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def files(image, shape, encoding="jpeg"):
    """[(width, height, name)] of one shape, smallest first."""
    return [tuple(entry) for entry in image.renditions["shapes"][shape][encoding]]


def every_file(image):
    return [
        (shape, width, height, name)
        for shape, by_encoding in image.renditions["shapes"].items()
        for listed in by_encoding.values()
        for width, height, name in listed
    ]


def opened(name):
    with default_storage.open(name, "rb") as file:
        picture = PillowImage.open(io.BytesIO(file.read()))
        picture.load()
    return picture


def close(actual, expected, tolerance=32):
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=False))


def configured_widths(shape):
    return sorted(settings.IMAGE_RENDITIONS[shape]["widths"])


def file_times(directory):
    return {path: path.stat().st_mtime_ns for path in directory.rglob("*") if path.is_file()}


# --------------------------------------------------------------------------- sizes


def test_huge_photo_is_accepted_and_drawn_at_every_configured_width(admin_client):
    assert settings.IMAGE_MAX_PIXELS >= 6000 * 4000
    response = admin_client.post(
        reverse("admin:images_image_add"),
        {
            "file": upload("plateau-8k.jpg", gradient_jpeg(6000, 4000)),
            "alt_text": "Le plateau vu d'en haut",
            "licence": "Dossier de presse",
        },
    )

    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (6000, 4000)
    for shape in settings.IMAGE_RENDITIONS:
        for encoding in ["avif", "webp", "jpeg"]:
            widths = [width for width, _height, _name in files(image, shape, encoding)]
            assert widths == configured_widths(shape), (shape, encoding)
    assert [(w, h) for w, h, _name in files(image, "full")] == [
        (width, round(width * 4000 / 6000)) for width in configured_widths("full")
    ]
    assert [(w, h) for w, h, _name in files(image, "square")] == [
        (width, width) for width in configured_widths("square")
    ]
    assert [(w, h) for w, h, _name in files(image, "social")] == [(1200, 630)]
    for _shape, width, height, name in every_file(image):
        with default_storage.open(name, "rb") as file, PillowImage.open(file) as drawn:
            assert drawn.size == (width, height), name


def test_small_image_is_never_enlarged():
    image = make_image(file=upload("vignette.jpg", jpeg(500, 300)))

    for shape, own_width in [("full", 500), ("wide", 500), ("square", 300)]:
        for encoding in ["avif", "webp", "jpeg"]:
            widths = [width for width, _height, _name in files(image, shape, encoding)]
            smaller = [width for width in configured_widths(shape) if width < own_width]
            assert widths == [*smaller, own_width], (shape, encoding)
    for _shape, width, height, name in every_file(image):
        assert width <= 500
        assert height <= 300
        assert opened(name).size == (width, height)
    [(width, height, _name)] = files(image, "social")
    assert width == 500
    assert abs(height - 500 * 630 / 1200) <= 1


# --------------------------------------------------------------------------- crops


def edges(picture):
    """The colours a column in from each side, halfway down."""
    width, height = picture.size
    return picture.getpixel((3, height // 2)), picture.getpixel((width - 4, height // 2))


@pytest.fixture
def panorama():
    """Wider than 16:9 and than a social card: every crop has to choose what to drop."""
    return make_image(file=upload("panorama.jpg", strips_jpeg(1500, 640, strip=100)))


def test_crops_follow_a_focal_point_near_the_right_edge(panorama):
    panorama.focal_x, panorama.focal_y = 0.95, 0.5
    panorama.save()

    wide = files(panorama, "wide")
    social = files(panorama, "social")
    assert [width for width, _height, _name in wide] == [
        width for width in configured_widths("wide") if width < 1138
    ] + [1138]
    for width, height, _name in wide:
        assert abs(height - width * 9 / 16) <= 1, (width, height)
    assert [(width, height) for width, height, _name in social] == [(1200, 630)]
    for _width, _height, name in wide + social:
        left, right = edges(opened(name))
        assert close(right, RED), name
        assert close(left, GREY), name


def test_crops_are_centred_without_a_focal_point(panorama):
    for _width, _height, name in files(panorama, "wide") + files(panorama, "social"):
        left, right = edges(opened(name))
        assert close(left, GREY), name
        assert close(right, GREY), name
    # The full shape keeps everything.
    left, right = edges(opened(files(panorama, "full")[-1][2]))
    assert close(left, GREEN)
    assert close(right, RED)


def test_social_card_of_a_small_image_keeps_the_card_ratio():
    image = make_image(file=upload("photo.jpg", jpeg(900, 600)))

    [(width, height, name)] = files(image, "social")
    assert width < 1200
    assert abs(height - width * 630 / 1200) <= 1
    assert opened(name).size == (width, height)
    assert image.social_card.width == width
    assert image.social_card.height == height


def test_moving_the_focal_point_renames_crops_but_not_the_full_image(panorama):
    before = panorama.renditions

    panorama.focal_x, panorama.focal_y = 0.95, 0.5
    panorama.save()

    after = panorama.renditions
    assert after["shapes"]["full"] == before["shapes"]["full"]
    for shape in ["wide", "social"]:
        old_names = {name for listed in before["shapes"][shape].values() for *_, name in listed}
        new_names = {name for listed in after["shapes"][shape].values() for *_, name in listed}
        assert old_names.isdisjoint(new_names), shape


# --------------------------------------------------------------------------- names


def test_saving_an_image_again_writes_no_file(own_renditions):
    image = make_image(file=upload("affiche.jpg", jpeg(400, 300)))
    written = file_times(own_renditions)
    listing = image.renditions
    assert written

    image = Image.objects.get(pk=image.pk)
    image.caption = "Une autre légende"
    image.save()
    image.refresh_renditions(force=True)

    assert file_times(own_renditions) == written
    image.refresh_from_db()
    assert image.renditions == listing


def test_images_with_the_same_bytes_share_their_files(own_renditions):
    content = jpeg(400, 300, colour=(20, 40, 200))
    first = make_image(file=upload("affiche.jpg", content))
    written = file_times(own_renditions)

    second = make_image(file=upload("affiche-doublon.jpg", content))

    assert second.file.name != first.file.name
    assert second.renditions == first.renditions
    assert file_times(own_renditions) == written


def test_a_16_9_still_draws_its_page_and_card_sizes_once(own_renditions):
    image = make_image(file=upload("photogramme.jpg", jpeg(1600, 900)))

    # Its own proportions are the cards': each size is one file, listed by both shapes.
    for encoding in ["avif", "webp", "jpeg"]:
        assert files(image, "wide", encoding) == files(image, "full", encoding)
    stored = {
        path.relative_to(own_renditions.parent).as_posix() for path in file_times(own_renditions)
    }
    listed = {name for _shape, _width, _height, name in every_file(image)}
    assert stored == listed
    assert len(stored) == len(every_file(image)) - 3 * len(configured_widths("wide"))


def test_changed_settings_give_new_names_only_to_changed_pixels(settings):
    image = make_image(file=upload("affiche.jpg", jpeg(400, 300)))
    full_360 = files(image, "full")[0]
    old_wide = {name for _w, _h, name in files(image, "wide")}
    settings.IMAGE_RENDITIONS = {
        **settings.IMAGE_RENDITIONS,
        "full": {"widths": [200, 360]},
        "wide": {"widths": [360, 480], "ratio": (2, 1)},
    }

    image.save()

    full = files(image, "full")
    assert [width for width, _height, _name in full] == [200, 360]
    # Same box, same size, same encoder: the same file, already on every CDN.
    assert full[1] == full_360
    wide = files(image, "wide")
    assert [(width, height) for width, height, _name in wide] == [(360, 180), (400, 200)]
    assert old_wide.isdisjoint(name for _w, _h, name in wide)
    for _shape, width, height, name in every_file(image):
        assert opened(name).size == (width, height)


# --------------------------------------------------------------------------- pages


def media_path(url):
    assert url.startswith(settings.MEDIA_URL), url
    return Path(settings.MEDIA_ROOT) / url.removeprefix(settings.MEDIA_URL)


def candidates(element):
    """(url, width descriptor or None) for every address in src and srcset."""
    found = []
    if element.get("src"):
        found.append((element["src"], None))
    for candidate in element.get("srcset", "").split(","):
        if candidate.strip():
            url, descriptor = candidate.split()
            found.append((url, int(descriptor.removesuffix("w"))))
    return found


def assert_pictures_point_at_real_files(page):
    pictures = page.select("picture")
    assert pictures
    for picture in pictures:
        children = [child for child in picture.children if child.name]
        assert [child.name for child in children] == ["source", "source", "img"]
        assert [child["type"] for child in children[:2]] == ["image/avif", "image/webp"]
        for element in children:
            for url, descriptor in candidates(element):
                path = media_path(url)
                assert path.is_file(), url
                if descriptor is not None:
                    with PillowImage.open(path) as drawn:
                        assert drawn.width == descriptor, url
        img = children[-1]
        assert int(img["width"]) > 0
        assert int(img["height"]) > 0
    for img in page.select("img"):
        assert img.parent.name == "picture", img


@pytest.fixture
def illustrated_article():
    author = make_author(avatar=make_image(file=upload("portrait.jpg", jpeg(400, 400))))
    embedded = make_image(file=upload("tournage.jpg", jpeg(800, 450, colour=(30, 90, 160))))
    make_article(
        title="Un autre article",
        featured_image=make_image(file=upload("salle.jpg", jpeg(720, 480, colour=(90, 20, 20)))),
    )
    return make_article(
        body=f"Premier paragraphe.\n\n![](image:{embedded.pk})\n\nDernier paragraphe.",
        featured_image=make_image(file=upload("affiche.jpg", jpeg(1000, 600))),
        authors=[author],
    )


def test_article_page_pictures_point_at_drawn_files(client, illustrated_article):
    page = soup(client.get(illustrated_article.get_absolute_url()))

    assert_pictures_point_at_real_files(page)
    featured = page.select_one("figure.featured-image img")
    assert featured["fetchpriority"] == "high"
    assert featured.get("loading") is None
    others = [img for img in page.select("img") if img is not featured]
    assert page.select_one(".article-body figure.body-image picture img") in others
    assert page.select_one(".author-box picture img") in others
    assert page.select_one(".card picture img") in others
    for img in others:
        assert img["loading"] == "lazy", img
        assert img.get("fetchpriority") is None, img


def test_home_and_author_pages_pictures_point_at_drawn_files(client, illustrated_article):
    assert_pictures_point_at_real_files(soup(client.get(reverse("articles:home"))))
    author = illustrated_article.authors.get()
    assert_pictures_point_at_real_files(soup(client.get(author.get_absolute_url())))


def test_reader_pages_never_open_an_image_nor_list_the_storage(
    client, illustrated_article, monkeypatch
):
    def fail(*args, **kwargs):
        raise AssertionError("image work during a request")

    monkeypatch.setattr("PIL.Image.open", fail)
    # What Django's ImageField reads dimensions with.
    monkeypatch.setattr("PIL.ImageFile.Parser.feed", fail)
    for method in ["exists", "listdir", "_open"]:
        monkeypatch.setattr(FileSystemStorage, method, fail)
    author = illustrated_article.authors.get()

    for url in [
        illustrated_article.get_absolute_url(),
        reverse("articles:home"),
        author.get_absolute_url(),
    ]:
        page = soup(client.get(url))
        assert page.select("picture source"), url
