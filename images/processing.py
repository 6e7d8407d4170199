"""
Pixel work, done with Pillow when an image is saved and never while a page is served.

Two jobs: cleaning an upload before it is stored (upright, no metadata, the right
extension), and drawing renditions from the stored original (cropped, resized, encoded).
"""

import io
from pathlib import PurePath

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


class CleanedImage:
    """An upload, re-encoded: pixels upright, metadata gone, named after its real format."""

    def __init__(self, content, name, width, height):
        self.content = content
        self.name = name
        self.width = width
        self.height = height


def clean_original(file, name):
    """
    Re-encodes an upload without its metadata (EXIF, GPS, XMP, comments) and with the
    camera's orientation applied to the pixels, so what is stored is what is served.
    The colour profile is kept: without it, colours shift.
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
        if icc_profile := source.info.get("icc_profile"):
            options["icc_profile"] = icc_profile
        output = io.BytesIO()
        if animated:
            # An animation keeps its frames and timing; orientation tags are a camera's,
            # and a camera does not shoot GIFs. The WebP and AVIF writers give every
            # frame the first one's duration unless handed the list.
            durations = []
            for frame in ImageSequence.Iterator(source):
                frame.load()
                durations.append(frame.info.get("duration", 0))
            source.seek(0)
            source.save(
                output,
                image_format,
                save_all=True,
                loop=source.info.get("loop", 0),
                duration=durations,
                **options,
            )
            size = source.size
        else:
            upright = ImageOps.exif_transpose(source)
            # Pillow's JPEG writer copies the source's comment unless told otherwise
            # (EXIF and XMP it leaves behind): an editing tool's note would be served.
            upright.info.pop("comment", None)
            if image_format == "GIF" and "transparency" in source.info:
                options["transparency"] = source.info["transparency"]
            upright.save(output, image_format, **options)
            size = upright.size
    stem = PurePath(name).stem or "image"
    return CleanedImage(output.getvalue(), f"{stem}.{EXTENSIONS[image_format]}", *size)


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
    # Renditions carry no profile: browsers read untagged pixels as sRGB, which they are.
    image.info.pop("icc_profile", None)
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
