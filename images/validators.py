"""
Upload checks. The file name and the browser's content type are the uploader's
word; only decoding the pixels with Pillow says what the file is.
"""

from contextlib import contextmanager

from django import forms
from django.conf import settings
from django.core.exceptions import RequestAborted, ValidationError
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image as PillowImage

# MPO is how many cameras write a JPEG (the photo, then a preview): stored as a JPEG.
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "GIF", "WEBP", "AVIF"}

UNREADABLE_MESSAGE = gettext_lazy(
    "This file could not be read as an image: it is damaged, incomplete or not an "
    "image at all (whatever its name says)."
)


def validate_image_file(file):
    """Size, dimensions, format, then every pixel decoded: what a reader's browser will do."""
    if isinstance(file, FieldFile) and file._committed:
        # Already in storage, so already checked: editing a caption must not
        # download and decode the image again (or fail when storage is remote).
        return
    with _opened(file) as image:
        try:
            image.load()
        except RequestAborted:
            # The request's time limit ran out while decoding: the image may be fine.
            raise
        except Exception as exc:
            raise ValidationError(UNREADABLE_MESSAGE, code="unreadable") from exc


def check_image_header(file):
    """Size, dimensions and format, read from the header alone: cheap, and safe on a bomb."""
    with _opened(file):
        pass


@contextmanager
def _opened(file):
    _check_size(file)
    file.seek(0)
    try:
        # open() reads only the header: the size is known before any pixel is
        # decoded, so a decompression bomb is refused without being expanded.
        image = PillowImage.open(file)
    except (PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning) as exc:
        # Pillow's own ceiling is far above ours: a forged header or an absurd
        # export, whose dimensions are not worth quoting.
        file.seek(0)
        raise ValidationError(_too_many_pixels_message(), code="too_many_pixels") from exc
    except RequestAborted:
        file.seek(0)
        raise
    except Exception as exc:
        file.seek(0)
        raise ValidationError(UNREADABLE_MESSAGE, code="unreadable") from exc
    try:
        # As a context manager, unlike close(), the image leaves the caller's
        # file open: the upload still has to be saved.
        with image:
            _check_pixels(image)
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    _(
                        "This file is not an image in an accepted format "
                        "(JPEG, PNG, GIF, WebP, AVIF)."
                    ),
                    code="format",
                )
            yield image
    finally:
        file.seek(0)


def _check_size(file):
    if file.size > settings.IMAGE_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("This file weighs %(size)s; the limit is %(limit)s. Export it smaller and try again.")
            % {
                "size": filesizeformat(file.size),
                "limit": filesizeformat(settings.IMAGE_MAX_UPLOAD_BYTES),
            },
            code="too_large",
        )


def over_the_limit_message():
    """What an upload refused on its weight alone hears, before the file is read."""
    return _(
        "This file weighs more than %(limit)s, the limit. Export it smaller and try again."
    ) % {"limit": filesizeformat(settings.IMAGE_MAX_UPLOAD_BYTES)}


def _check_pixels(image):
    width, height = image.size
    # As the editor's language writes numbers: « 6 000 × 4 000 », "6,000 × 4,000".
    dimensions = {
        "width": number_format(width, force_grouping=True),
        "height": number_format(height, force_grouping=True),
    }
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise ValidationError(
            _(
                "This image measures %(width)s × %(height)s pixels; the limit is "
                "%(limit)s million pixels. Reduce its dimensions and try again."
            )
            % {**dimensions, "limit": _million_pixels()},
            code="too_many_pixels",
        )
    if max(width, height) > settings.IMAGE_MAX_ASPECT_RATIO * min(width, height):
        raise ValidationError(
            _(
                "This image measures %(width)s × %(height)s pixels: one side is more than "
                "%(ratio)s times the other, too narrow a strip for any page. Crop it and "
                "try again."
            )
            % {**dimensions, "ratio": settings.IMAGE_MAX_ASPECT_RATIO},
            code="aspect_ratio",
        )


def _too_many_pixels_message():
    return _(
        "This image has far too many pixels to be processed safely; the limit is "
        "%(limit)s million pixels. Reduce its dimensions and try again."
    ) % {"limit": _million_pixels()}


def _million_pixels():
    return f"{settings.IMAGE_MAX_PIXELS / 1_000_000:g}"


class ImageFileField(forms.ImageField):
    """
    Django's own ImageField opens the upload with Pillow before the model's
    validators run: it answers a pixel bomb with its one generic message, and
    reads an oversized file whole before ours can refuse it. Running the
    header checks first gives the editor the precise reason at little cost;
    the full decode stays with the model validator.
    """

    default_error_messages = {"invalid_image": UNREADABLE_MESSAGE}

    def to_python(self, data):
        # FileField's own checks first (no file, empty file, name too long),
        # so an empty upload keeps Django's clearer message.
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        check_image_header(upload)
        try:
            return super().to_python(data)
        except ValidationError as refusal:
            # Django's field turns any exception into « not an image », the
            # request's time limit included: that one is no verdict on the file.
            if isinstance(refusal.__cause__, RequestAborted):
                raise refusal.__cause__ from None
            raise
