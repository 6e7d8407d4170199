"""
Nothing an upload's author wrote into the file survives in what is stored or served: not
in the original, not in any rendition, not in any frame. Each upload carries every kind
of metadata its format can hold, each with a marker; the test then reads back every file
the upload wrote, with Pillow and as raw bytes.
"""

import io
import struct

import pytest
from PIL import ExifTags, ImageCms, PngImagePlugin
from PIL import Image as PillowImage

from images.models import Image
from tests.factories import logged_in
from tests.test_uploads import post_image, upload

pytestmark = pytest.mark.django_db

MARKER = "SCRMARK7"
SPELLINGS = [MARKER.encode(encoding) for encoding in ("ascii", "utf-16-be", "utf-16-le")]
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    f'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="{MARKER}"/>'
    "</rdf:RDF></x:xmpmeta>"
).encode()
RED, GREEN, BLUE = (220, 30, 30), (30, 160, 30), (30, 30, 220)


def exif_with_gps():
    exif = PillowImage.Exif()
    exif[ExifTags.Base.Make] = MARKER
    exif[ExifTags.Base.Artist] = MARKER
    exif[ExifTags.Base.ImageDescription] = MARKER
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 3.0)
    return exif.tobytes()


def icc_profile_with_marked_text():
    """Pillow's sRGB profile, its description and copyright rewritten to carry the marker."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    (count,) = struct.unpack_from(">I", profile, 128)
    for index in range(count):
        signature, offset, size = struct.unpack_from(">4sII", profile, 132 + 12 * index)
        if signature in {b"desc", b"cprt"}:
            # Both are « mluc »: one record, its UTF-16 text from byte 28 to the end.
            text = (MARKER * size).encode("utf-16-be")[: size - 28]
            profile[offset + 28 : offset + size] = text
    return bytes(profile)


ICC = icc_profile_with_marked_text()


def iptc_segment():
    """A JPEG APP13 segment: Photoshop's IPTC block, with the marker as the caption."""
    record = b"\x1c\x02\x78" + struct.pack(">H", len(MARKER)) + MARKER.encode()
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def with_iptc(jpeg):
    return jpeg[:2] + iptc_segment() + jpeg[2:]


def picture(size=(320, 200)):
    drawn = PillowImage.new("RGB", size, RED)
    drawn.paste(BLUE, (size[0] // 2, 0, *size))
    return drawn


def frames():
    return [PillowImage.new("RGB", (240, 160), colour) for colour in (RED, GREEN, BLUE)]


def encoded(image, image_format, **options):
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def png_with_text_chunks(**options):
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", MARKER)
    text.add_text("Raw profile type iptc", MARKER, zip=True)
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    text.add_itxt("Description", MARKER, lang="fr", tkey=MARKER, zip=True)
    return encoded(picture(), "PNG", pnginfo=text, exif=exif_with_gps(), **options)


def gif_with_xmp(content):
    """``content`` with an XMP application extension right after its global palette."""
    # The XMP packet is raw bytes, then a « magic trailer » that walks any reader
    # skipping sub-blocks down to the terminator.
    block = b"!\xff\x0bXMP DataXMP" + XMP + bytes([1, *range(255, -1, -1)]) + b"\x00"
    flags = content[10]
    palette = 3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0
    return content[: 13 + palette] + block + content[13 + palette :]


UPLOADS = {
    "jpeg": lambda: with_iptc(
        encoded(
            picture(),
            "JPEG",
            exif=exif_with_gps(),
            xmp=XMP,
            comment=MARKER.encode(),
            icc_profile=ICC,
        )
    ),
    "png": lambda: png_with_text_chunks(icc_profile=ICC),
    "gif": lambda: gif_with_xmp(encoded(picture().convert("P"), "GIF", comment=MARKER)),
    "animated-gif": lambda: encoded(
        frames()[0],
        "GIF",
        save_all=True,
        append_images=frames()[1:],
        duration=[100, 200, 300],
        loop=0,
        comment=MARKER,
    ),
    "webp": lambda: encoded(picture(), "WEBP", exif=exif_with_gps(), xmp=XMP, icc_profile=ICC),
    "animated-webp": lambda: encoded(
        frames()[0],
        "WEBP",
        save_all=True,
        append_images=frames()[1:],
        duration=[100, 200, 300],
        exif=exif_with_gps(),
        xmp=XMP,
        icc_profile=ICC,
    ),
    "avif": lambda: encoded(picture(), "AVIF", exif=exif_with_gps(), xmp=XMP, icc_profile=ICC),
}


def files_written(media_root):
    """Every file under MEDIA_ROOT, renditions included (a link to the shared folder)."""
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def assert_carries_no_metadata(path):
    content = path.read_bytes()
    for spelling in SPELLINGS:
        assert spelling not in content, (path.name, spelling)
    assert b"xmpmeta" not in content, path.name
    assert b"Photoshop 3.0" not in content, path.name
    with PillowImage.open(path) as stored:
        for frame in range(getattr(stored, "n_frames", 1)):
            stored.seek(frame)
            stored.load()
            assert not stored.getexif(), (path.name, frame)
            # What Pillow read besides pixels and their timing is metadata.
            assert not set(stored.info) & {"exif", "xmp", "comment", "XML:com.adobe.xmp"}, (
                path.name,
                frame,
                stored.info.keys(),
            )
            assert not getattr(stored, "text", {}), (path.name, frame)
        if profile := stored.info.get("icc_profile"):
            # The colours may stay, the words may not.
            description = ImageCms.getProfileDescription(
                ImageCms.ImageCmsProfile(io.BytesIO(profile))
            )
            assert MARKER not in description, path.name


@pytest.mark.parametrize("kind", UPLOADS)
def test_no_metadata_survives_in_the_original_or_any_rendition(kind, editor, own_renditions):
    content = UPLOADS[kind]()
    extension = kind.removeprefix("animated-").replace("jpeg", "jpg")
    assert any(spelling in content for spelling in SPELLINGS)

    response = post_image(logged_in(editor), upload(f"photo.{extension}", content))

    assert response.status_code == 302
    image = Image.objects.get()
    written = files_written(own_renditions.parent)
    assert len(written) > 10
    assert own_renditions.parent / image.file.name in written
    for path in written:
        assert_carries_no_metadata(path)


def test_an_animation_keeps_every_frame_without_its_comment(editor, own_renditions):
    response = post_image(logged_in(editor), upload("boucle.gif", UPLOADS["animated-gif"]()))

    assert response.status_code == 302
    with PillowImage.open(Image.objects.get().file.path) as stored:
        colours = []
        for frame in range(stored.n_frames):
            stored.seek(frame)
            colours.append(stored.convert("RGB").getpixel((120, 80)))
            assert "comment" not in stored.info
    assert colours == [RED, GREEN, BLUE]


def test_a_profile_keeps_its_colours_once_its_text_is_gone(editor, own_renditions):
    content = encoded(picture(), "JPEG", quality=95, icc_profile=ICC)

    post_image(logged_in(editor), upload("profil.jpg", content))

    with PillowImage.open(Image.objects.get().file.path) as stored:
        kept = ImageCms.ImageCmsProfile(io.BytesIO(stored.info["icc_profile"]))
    uploaded = ImageCms.ImageCmsProfile(io.BytesIO(ICC))
    probe = PillowImage.new("RGB", (1, 1), (200, 120, 40))
    to_lab = [
        ImageCms.profileToProfile(probe, profile, ImageCms.createProfile("LAB"), outputMode="LAB")
        for profile in (uploaded, kept)
    ]
    assert to_lab[0].getpixel((0, 0)) == to_lab[1].getpixel((0, 0))
