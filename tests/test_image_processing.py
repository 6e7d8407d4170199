"""
What is stored and served of an upload: every accepted format drawn, pixels upright and
in the right colours, transparency and animation handled, no camera metadata left.
"""

import io
from pathlib import PurePath

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, ImageCms, PngImagePlugin
from PIL import Image as PillowImage

from tests.factories import make_image

pytestmark = pytest.mark.django_db

RED, BLUE, GREEN, WHITE = (255, 0, 0), (0, 0, 255), (0, 160, 0), (255, 255, 255)
FORMATS = {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG"}
CAMERA = "ScreenmaniaCam 5000"
COMMENT = "Retouche: ciel remplacé"
XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="Photographe"/>'
    '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def encoded(picture, image_format, **options):
    buffer = io.BytesIO()
    picture.save(buffer, image_format, **options)
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def two_halves(width=400, height=300, left=RED, right=BLUE):
    picture = PillowImage.new("RGB", (width, height), left)
    picture.paste(right, (width // 2, 0, width, height))
    return picture


def opened(name):
    with default_storage.open(name, "rb") as file:
        picture = PillowImage.open(io.BytesIO(file.read()))
        picture.load()
    return picture


def stored_bytes(name):
    with default_storage.open(name, "rb") as file:
        return file.read()


def rendition_files(image):
    """(shape, encoding, width, height, name) for every file the image lists."""
    return [
        (shape, encoding, width, height, name)
        for shape, by_encoding in image.renditions["shapes"].items()
        for encoding, files in by_encoding.items()
        for width, height, name in files
    ]


def colour_at(picture, x, y):
    return picture.convert("RGBA").getpixel((x, y))


def assert_near(actual, expected, tolerance=24):
    assert len(actual) >= len(expected)
    assert all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=False)), (
        f"{actual} is not close to {expected}"
    )


@pytest.mark.parametrize(
    ("image_format", "extension"),
    [("JPEG", "jpg"), ("PNG", "png"), ("GIF", "gif"), ("WEBP", "webp"), ("AVIF", "avif")],
)
def test_every_accepted_format_is_drawn_in_every_shape_and_encoding(image_format, extension):
    image = make_image(file=upload(f"affiche.{extension}", encoded(two_halves(), image_format)))

    assert PurePath(image.file.name).suffix == f".{extension}"
    assert set(image.renditions["shapes"]) == {"full", "wide", "square", "social"}
    for shape in ["full", "wide", "square"]:
        assert list(image.renditions["shapes"][shape]) == ["avif", "webp", "jpeg"]
    assert list(image.renditions["shapes"]["social"]) == ["jpeg"]
    for _shape, encoding, width, height, name in rendition_files(image):
        drawn = opened(name)
        assert drawn.format == FORMATS[encoding], name
        assert drawn.size == (width, height), name
        # Every crop is centred on this landscape picture: red on its left, blue on its right.
        assert_near(colour_at(drawn, width // 4, height // 2), RED)
        assert_near(colour_at(drawn, width * 3 // 4, height // 2), BLUE)


def test_png_named_jpg_is_stored_as_png():
    image = make_image(file=upload("photo.jpg", encoded(two_halves(), "PNG")))

    assert PurePath(image.file.name).name == "photo.png"
    assert opened(image.file.name).format == "PNG"


def test_cmyk_jpeg_renditions_are_rgb_in_the_printed_colours():
    # Cyan on the left, red (magenta + yellow) on the right: inverted CMYK, a classic
    # mistake with Photoshop's JPEGs, would turn the cyan black.
    picture = PillowImage.new("CMYK", (400, 300), (255, 0, 0, 0))
    picture.paste((0, 255, 255, 0), (200, 0, 400, 300))
    image = make_image(file=upload("affiche-imprimeur.jpg", encoded(picture, "JPEG")))

    for _shape, _encoding, width, height, name in rendition_files(image):
        drawn = opened(name)
        assert drawn.mode in {"RGB", "RGBA"}, name
        assert_near(colour_at(drawn, width // 4, height // 2), (0, 255, 255))
        assert_near(colour_at(drawn, width * 3 // 4, height // 2), RED)


def palette_png():
    picture = PillowImage.new("P", (400, 300), 0)
    # Index 0, the see-through one, is green underneath: it must not show.
    picture.putpalette([*GREEN, *RED])
    picture.paste(1, (200, 0, 400, 300))
    return encoded(picture, "PNG", transparency=0)


def colour_key_png():
    picture = two_halves(left=GREEN, right=RED)
    return encoded(picture, "PNG", transparency=GREEN)


@pytest.mark.parametrize("content", [palette_png(), colour_key_png()], ids=["palette", "key"])
def test_transparent_png_sits_on_white_in_jpeg_and_stays_transparent_elsewhere(content):
    image = make_image(file=upload("logo.png", content))

    for _shape, encoding, width, height, name in rendition_files(image):
        drawn = opened(name)
        left = colour_at(drawn, width // 4, height // 2)
        right = colour_at(drawn, width * 3 // 4, height // 2)
        if encoding == "jpeg":
            assert_near(left, (*WHITE, 255))
        else:
            assert drawn.mode == "RGBA", name
            assert left[3] == 0, name
        assert_near(right, (*RED, 255))


@pytest.mark.parametrize(("image_format", "extension"), [("GIF", "gif"), ("WEBP", "webp")])
def test_animation_is_stored_whole_and_drawn_from_its_first_frame(image_format, extension):
    frames = [PillowImage.new("RGB", (240, 160), colour) for colour in [RED, GREEN, BLUE]]
    content = encoded(
        frames[0],
        image_format,
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
    )
    image = make_image(file=upload(f"bande-annonce.{extension}", content))

    original = PillowImage.open(io.BytesIO(stored_bytes(image.file.name)))
    assert original.format == image_format
    assert original.n_frames == 3
    durations = []
    for frame in range(original.n_frames):
        original.seek(frame)
        original.load()
        durations.append(original.info["duration"])
    assert durations == [100, 200, 300]
    for _shape, _encoding, width, height, name in rendition_files(image):
        drawn = opened(name)
        assert getattr(drawn, "n_frames", 1) == 1, name
        assert_near(colour_at(drawn, width // 2, height // 2), RED)


def test_animated_avif_keeps_its_timing():
    frames = [PillowImage.new("RGB", (120, 80), colour) for colour in [RED, GREEN, BLUE]]
    content = encoded(
        frames[0], "AVIF", save_all=True, append_images=frames[1:], duration=[100, 200, 300]
    )
    image = make_image(file=upload("boucle.avif", content))

    original = PillowImage.open(io.BytesIO(stored_bytes(image.file.name)))
    durations = []
    for frame in range(original.n_frames):
        original.seek(frame)
        original.load()
        durations.append(original.info["duration"])
    assert durations == [100, 200, 300]


def camera_exif(orientation):
    exif = PillowImage.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = CAMERA
    exif[ExifTags.Base.Model] = CAMERA
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 3.0)
    return exif


def upright_photo():
    """Portrait, as the reader must see it: red left half, blue right, a green top-left corner."""
    photo = two_halves(300, 400)
    photo.paste(GREEN, (0, 0, 60, 60))
    return photo


def as_the_camera_wrote_it(orientation):
    """The sensor's pixels, which the reader's viewer turns by ``orientation``."""
    # 6: the viewer turns the pixels a quarter clockwise; 8: a quarter anticlockwise.
    # PIL's rotate() turns anticlockwise for positive angles.
    angle = {6: 90, 8: -90}[orientation]
    return upright_photo().rotate(angle, expand=True)


def camera_file(image_format, orientation):
    sensor = as_the_camera_wrote_it(orientation)
    exif = camera_exif(orientation)
    if image_format == "JPEG":
        return encoded(sensor, "JPEG", exif=exif, xmp=XMP.encode(), comment=COMMENT.encode())
    if image_format == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", COMMENT)
        text.add_itxt("XML:com.adobe.xmp", XMP)
        return encoded(sensor, "PNG", exif=exif, pnginfo=text)
    return encoded(sensor, image_format, exif=exif, xmp=XMP.encode())


def assert_no_camera_metadata(name):
    content = stored_bytes(name)
    picture = PillowImage.open(io.BytesIO(content))
    exif = picture.getexif()
    assert ExifTags.Base.Orientation not in exif, name
    assert ExifTags.Base.Make not in exif, name
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo), name
    assert "xmp" not in picture.info, name
    assert "XML:com.adobe.xmp" not in picture.info, name
    for trace in [CAMERA.encode(), b"xmpmeta", COMMENT.encode(), b"Retouche"]:
        assert trace not in content, (name, trace)


@pytest.mark.parametrize("orientation", [6, 8])
@pytest.mark.parametrize(
    ("image_format", "extension"),
    [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("AVIF", "avif")],
)
def test_rotated_photo_is_stored_and_drawn_upright_without_metadata(
    image_format, extension, orientation
):
    content = camera_file(image_format, orientation)
    assert PillowImage.open(io.BytesIO(content)).size == (400, 300)
    image = make_image(file=upload(f"tournage.{extension}", content))

    assert (image.width, image.height) == (300, 400)
    original = opened(image.file.name)
    assert original.size == (300, 400)
    assert_near(colour_at(original, 10, 10), GREEN)
    assert_near(colour_at(original, 75, 300), RED)
    assert_near(colour_at(original, 225, 300), BLUE)
    assert_no_camera_metadata(image.file.name)

    for shape, _encoding, width, height, name in rendition_files(image):
        drawn = opened(name)
        assert drawn.size == (width, height)
        if shape == "full":
            assert (width, height) == (300, 400)
            assert_near(colour_at(drawn, 5, 5), GREEN)
        # Every crop of an upright portrait keeps its full width: red left, blue right.
        assert_near(colour_at(drawn, width // 4, height * 3 // 4), RED)
        assert_near(colour_at(drawn, width * 3 // 4, height * 3 // 4), BLUE)
        assert_no_camera_metadata(name)


def test_sixteen_bit_greyscale_scan_keeps_its_greys():
    scan = PillowImage.new("I;16", (400, 300), 16384)
    scan.paste(PillowImage.new("I;16", (200, 300), 49152), (200, 0))
    assert scan.getpixel((300, 150)) == 49152
    image = make_image(file=upload("photo-de-plateau-1954.png", encoded(scan, "PNG")))

    for _shape, _encoding, width, height, name in rendition_files(image):
        drawn = opened(name)
        # A quarter and three quarters of the way to white, not both clipped to white.
        assert_near(colour_at(drawn, width // 4, height // 2), (64, 64, 64))
        assert_near(colour_at(drawn, width * 3 // 4, height // 2), (192, 192, 192))


def test_camera_jpeg_with_a_preview_picture_is_stored_as_a_plain_jpeg():
    """Many cameras write MPO: the photo, then a large preview Pillow reads as a second frame."""
    photo, preview = two_halves(), PillowImage.new("RGB", (160, 120), GREEN)
    content = encoded(photo, "MPO", save_all=True, append_images=[preview])
    image = make_image(file=upload("DSC_0042.JPG", content))

    original = PillowImage.open(io.BytesIO(stored_bytes(image.file.name)))
    assert PurePath(image.file.name).name == "DSC_0042.jpg"
    assert (original.format, getattr(original, "n_frames", 1)) == ("JPEG", 1)
    assert original.size == (400, 300)
    for _shape, _encoding, width, height, name in rendition_files(image):
        drawn = opened(name)
        assert_near(colour_at(drawn, width // 4, height // 2), RED)
        assert_near(colour_at(drawn, width * 3 // 4, height // 2), BLUE)


def test_profiled_photo_is_drawn_in_srgb_and_served_without_its_profile():
    # An sRGB profile is the only one Pillow can build: converting through it must leave
    # the colours as they are, and no rendition may carry a profile browsers would
    # then apply a second time.

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    content = encoded(two_halves(), "JPEG", quality=95, icc_profile=profile)
    image = make_image(file=upload("profil.jpg", content))

    # The original keeps the profile's colours (its text is another test's business).
    stored_profile = opened(image.file.name).info["icc_profile"]
    assert ImageCms.getProfileName(ImageCms.ImageCmsProfile(io.BytesIO(stored_profile)))
    for _shape, _encoding, width, height, name in rendition_files(image):
        drawn = opened(name)
        assert not drawn.info.get("icc_profile"), name
        assert_near(colour_at(drawn, width // 4, height // 2), RED)
        assert_near(colour_at(drawn, width * 3 // 4, height // 2), BLUE)
