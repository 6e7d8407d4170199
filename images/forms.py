import logging

from django import forms
from django.core.exceptions import RequestAborted, ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

PROCESSING_FAILED_MESSAGE = _(
    "This image could not be converted into the sizes and formats readers download. "
    "Export it again (as a JPEG or a PNG) and try again."
)


class ImageForm(forms.ModelForm):
    """
    The library's form. Once everything else is valid, it cleans the upload and draws
    its renditions (Image.process_file()): what an encoder refuses, or any failure
    on the pixels, becomes an error on the file field rather than a server error,
    and since every rendition is encoded before any is stored, nothing is left behind.
    """

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            self.instance.process_file()
        except RequestAborted:
            # The server's time limit (screenmania/watchdog.py), not the image's fault:
            # a « bad image » message would send the editor to export it again for nothing.
            raise
        except Exception:
            logger.exception("Image %r could not be processed", self.instance.file.name)
            self.add_error("file", ValidationError(PROCESSING_FAILED_MESSAGE, code="processing"))
