"""
Upload checks. The file name and the browser's content type are the uploader's
word; only decoding the pixels with Pillow says what the file is.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image as PillowImage

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "AVIF"}


def validate_image_file(file):
    if file.size > settings.IMAGE_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("This file weighs %(size)s; the limit is %(limit)s. Export it smaller and try again.")
            % {
                "size": filesizeformat(file.size),
                "limit": filesizeformat(settings.IMAGE_MAX_UPLOAD_BYTES),
            },
            code="too_large",
        )
    file.seek(0)
    try:
        # open() reads only the header: the size is known before any pixel is
        # decoded, so a decompression bomb is refused without being expanded.
        with PillowImage.open(file) as image:
            width, height = image.size
            image_format = image.format
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _(
                        "This image measures %(width)s × %(height)s pixels; the limit is "
                        "%(limit)s million pixels. Reduce its dimensions and try again."
                    )
                    % {
                        "width": width,
                        "height": height,
                        "limit": settings.IMAGE_MAX_PIXELS // 1_000_000,
                    },
                    code="too_many_pixels",
                )
            if image_format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    _("This file is not an image in an accepted format (JPEG, PNG, GIF, WebP, AVIF)."),
                    code="format",
                )
            image.load()
    except ValidationError:
        raise
    except (PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning):
        raise ValidationError(
            _("This image has too many pixels to be processed safely."), code="too_many_pixels"
        )
    except Exception:
        raise ValidationError(
            _(
                "This file could not be read as an image: it is damaged, incomplete or not an "
                "image at all (whatever its name says)."
            ),
            code="invalid",
        )
    finally:
        file.seek(0)
