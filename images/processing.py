"""
Pixel work, done with Pillow when an image is saved and never while a page is served.

Two jobs: cleaning an upload before it is stored (upright, no metadata, the right
extension), and drawing renditions from the stored original (cropped, resized, encoded).
"""

import io
import struct
from pathlib import PurePath

from django.core.files.base import ContentFile
from PIL import Image as PillowImage
from PIL import ImageCms, ImageOps, ImageSequence, JpegImagePlugin

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "AVIF": "avif"}

# Quality for the stored original, which replaces what the editor uploaded: high enough
# that renditions drawn from it lose nothing visible. A JPEG keeps its own quantisation
# tables instead (see _jpeg_options), so it comes out at its own quality and size.
_ORIGINAL_OPTIONS = {
    "JPEG": {},
    "WEBP": {"quality": 92},
    "AVIF": {"quality": 85},
    "PNG": {},
    "GIF": {},
}

# What readers download: tuned by eye on the demo illustrations. The fast encoder
# settings (AVIF speed 9, WebP method 2) cost 5 % in bytes and save two thirds of the
# time an editor waits after an upload.
ENCODINGS = {
    "avif": ("AVIF", {"quality": 55, "speed": 9}),
    "webp": ("WEBP", {"quality": 78, "method": 2}),
    "jpeg": ("JPEG", {"quality": 80, "optimize": True, "progressive": True}),
}
MEDIA_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}


class CleanedImage(ContentFile):
    """An upload, re-encoded: pixels upright, metadata gone, named after its real format."""

    def __init__(self, content, name, width, height):
        super().__init__(content, name=name)
        self.width = width
        self.height = height


def clean_original(file, name):
    """
    Re-encodes an upload without its metadata (EXIF, GPS, XMP, IPTC, comments, text
    chunks), in every frame, and with the camera's orientation applied to the pixels,
    so what is stored is what is served. The colour profile is kept, stripped of its
    text: without it, colours shift.

    Pillow's writers fall back on ``image.info`` for some metadata (the GIF writer
    even on the first frame's, for the whole animation): every frame is saved from
    a copy holding nothing but its pixels, and only the options below are passed on.
    """
    file.seek(0)
    with PillowImage.open(file) as source:
        image_format = source.format
        animated = getattr(source, "n_frames", 1) > 1
        if image_format == "MPO":
            # Many cameras write their JPEGs as MPO, with a large preview as a second
            # picture: the first is the photo, and browsers only show that one.
            image_format, animated = "JPEG", False
        options = dict(_ORIGINAL_OPTIONS[image_format])
        if image_format == "JPEG":
            options.update(_jpeg_options(source))
        if icc_profile := neutral_icc_profile(source.info.get("icc_profile")):
            options["icc_profile"] = icc_profile
        output = io.BytesIO()
        if animated:
            # An animation keeps its frames and timing; orientation tags are a camera's,
            # and a camera does not shoot GIFs. The WebP and AVIF writers give every
            # frame the first one's duration unless handed the list.
            frames, durations = [], []
            for frame in ImageSequence.Iterator(source):
                frames.append(_pixels_only(frame))
                durations.append(frame.info.get("duration", 0))
            first, *others = frames
            first.save(
                output,
                image_format,
                save_all=True,
                append_images=others,
                loop=source.info.get("loop", 0),
                duration=durations,
                **options,
            )
        else:
            first = _pixels_only(ImageOps.exif_transpose(source))
            if "transparency" in first.info:
                options["transparency"] = first.info["transparency"]
            first.save(output, image_format, **options)
    stem = PurePath(name).stem or "image"
    return CleanedImage(output.getvalue(), f"{stem}.{EXTENSIONS[image_format]}", *first.size)


def _pixels_only(frame):
    """A copy of ``frame`` whose ``info`` holds only its transparent colour, if any."""
    pixels = frame.copy()
    pixels.info = {key: value for key, value in frame.info.items() if key == "transparency"}
    return pixels


# What a colour profile needs to convert colours: matrices, curves, lookup tables and
# white and black points. Everything else (its name, copyright, device description,
# colourant names, private tags) is text or could be, and goes.
_ICC_COLOUR_TAGS = {
    b"A2B0", b"A2B1", b"A2B2", b"B2A0", b"B2A1", b"B2A2",
    b"D2B0", b"D2B1", b"D2B2", b"D2B3", b"B2D0", b"B2D1", b"B2D2", b"B2D3",
    b"rXYZ", b"gXYZ", b"bXYZ", b"rTRC", b"gTRC", b"bTRC", b"kTRC",
    b"wtpt", b"bkpt", b"chad", b"chrm", b"lumi", b"gamt", b"cicp",
}  # fmt: skip
# Header bytes that say who made the profile, for which device and when, then its
# MD5 (zero means « not computed ») and the reserved bytes: nothing colours depend on.
_ICC_HEADER_BLANKS = [(24, 36), (48, 56), (80, 128)]
_ICC_HEADER_SIZE = 128


def neutral_icc_profile(profile):
    """
    ``profile`` rebuilt from its colour tags alone, with a plain description: its
    colours, and nothing its author wrote. None when it cannot be read, as then no
    converter could use it either.
    """
    if not profile:
        return None
    try:
        header = bytearray(profile[:_ICC_HEADER_SIZE])
        (count,) = struct.unpack_from(">I", profile, _ICC_HEADER_SIZE)
        table = [
            struct.unpack_from(">4sII", profile, _ICC_HEADER_SIZE + 4 + 12 * index)
            for index in range(count)
        ]
    except struct.error:
        return None
    if len(header) < _ICC_HEADER_SIZE or header[36:40] != b"acsp":
        return None
    version_4 = header[8] >= 4
    tags = [(b"desc", _icc_description("ICC profile", version_4))]
    for signature, offset, size in table:
        if signature in _ICC_COLOUR_TAGS:
            data = profile[offset : offset + size]
            if offset < _ICC_HEADER_SIZE or len(data) != size:
                return None
            tags.append((signature, data))
    for start, end in _ICC_HEADER_BLANKS:
        header[start:end] = bytes(end - start)
    table_size = 4 + 12 * len(tags)
    position = _ICC_HEADER_SIZE + table_size
    entries, blocks, offsets = [], [], {}
    for signature, data in tags:
        # Tags may share their data (one curve for red, green and blue): kept shared.
        if data not in offsets:
            offsets[data] = position
            padded = data + bytes(-len(data) % 4)
            blocks.append(padded)
            position += len(padded)
        entries.append(struct.pack(">4sII", signature, offsets[data], len(data)))
    header[0:4] = struct.pack(">I", position)
    rebuilt = bytes(header) + struct.pack(">I", len(tags)) + b"".join(entries + blocks)
    try:
        ImageCms.ImageCmsProfile(io.BytesIO(rebuilt))
    except (ImageCms.PyCMSError, OSError):
        return None
    return rebuilt


def _icc_description(text, version_4):
    """A profile's description tag: multilingual from ICC version 4, ASCII before."""
    if version_4:
        utf16 = text.encode("utf-16-be")
        # One record, English (US), its text right after the 28 bytes of header.
        return b"mluc" + struct.pack(">III2s2sII", 0, 1, 12, b"en", b"US", len(utf16), 28) + utf16
    ascii_text = text.encode("ascii") + b"\0"
    # Unicode language and length, ScriptCode code and length, ScriptCode's 67 bytes.
    return b"desc" + struct.pack(">II", 0, len(ascii_text)) + ascii_text + bytes(8 + 3 + 67)


def _jpeg_options(source):
    """Re-encoding options that keep a JPEG at the quality its author exported it at."""
    options = {"optimize": True, "progressive": bool(source.info.get("progressive"))}
    tables = getattr(source, "quantization", None)
    if tables:
        options["qtables"] = tables
        sampling = JpegImagePlugin.get_sampling(source)
        if sampling != -1:
            options["subsampling"] = sampling
    else:
        options["quality"] = 92
    return options


def open_for_renditions(file):
    """The stored original as RGB or RGBA pixels: first frame, upright, CMYK converted."""
    file.seek(0)
    with PillowImage.open(file) as source:
        source.seek(0)
        image = ImageOps.exif_transpose(source)
        if image.mode in {"I", "I;16", "I;16B", "I;16L"}:
            # 16-bit greyscale (a scanned black-and-white still): convert() would clip
            # every value above 255 to white rather than scale it.
            image = image.convert("I").point(lambda value: value / 256, "L")
        # A palette, greyscale or RGB PNG may name one colour transparent (tRNS) rather
        # than carry an alpha channel.
        has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
        mode = "RGBA" if has_alpha else "RGB"
        image = _to_srgb(image, source.info.get("icc_profile"), mode) or image.convert(mode)
        image.load()
    # Renditions carry pixels only. No profile: browsers read untagged pixels as sRGB,
    # which they are. Nothing else either: Pillow's writers fall back on ``info`` for
    # some metadata (the JPEG writer for a GIF's comment).
    image.info.clear()
    return image


def _to_srgb(image, icc_profile, mode):
    """
    ``image`` converted from its embedded colour profile to sRGB, or None without a
    usable one. A Display P3 photo or a CMYK print file keeps its colours on screen
    this way; converting the numbers alone makes the first dull and the second garish.
    """
    if not icc_profile or image.mode not in {"RGB", "RGBA", "CMYK"}:
        return None
    try:
        embedded = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        output_mode = mode if image.mode != "CMYK" else "RGB"
        converted = ImageCms.profileToProfile(image, embedded, _SRGB, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A damaged or exotic profile: the plain conversion is better than no image.
        return None
    return converted.convert(mode) if converted.mode != mode else converted


def crop_box(width, height, ratio, focal_point=None):
    """
    The largest box of ``ratio`` (width, height) inside the image, centred on the focal
    point as nearly as the edges allow; the centre of the image without one.
    """
    ratio_width, ratio_height = ratio
    if width * ratio_height > height * ratio_width:
        box_width, box_height = round(height * ratio_width / ratio_height), height
    else:
        box_width, box_height = width, round(width * ratio_height / ratio_width)
    focal_x, focal_y = focal_point or (0.5, 0.5)
    left = min(max(round(focal_x * width - box_width / 2), 0), width - box_width)
    top = min(max(round(focal_y * height - box_height / 2), 0), height - box_height)
    return left, top, left + box_width, top + box_height


def encode(image, box, size, encoding):
    """``box`` of ``image`` resized to ``size`` and encoded: bytes with no metadata at all."""
    image_format, options = ENCODINGS[encoding]
    resized = image.resize(size, PillowImage.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    if image_format == "JPEG" and resized.mode == "RGBA":
        # JPEG has no transparency: what was see-through sits on white, as on the page.
        background = PillowImage.new("RGB", resized.size, "white")
        background.paste(resized, mask=resized.getchannel("A"))
        resized = background
    output = io.BytesIO()
    resized.save(output, image_format, **options)
    return output.getvalue()
