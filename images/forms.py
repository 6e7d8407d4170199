import logging
import secrets
from datetime import timedelta
from pathlib import PurePath

from django import forms
from django.core import signing
from django.core.exceptions import RequestAborted, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import processing

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


# An upload kept while the editor fixes another field: a day is more than any form
# stays open, and whatever is older is swept when the next upload is kept.
KEPT_FOLDER = "uploads/kept"
KEPT_FOR = timedelta(days=1)


class KeptUploadForm(ImageForm):
    """
    The library's form, keeping a valid upload when another field is wrong: the file
    is stored (cleaned, so no camera metadata lies in the media folder) and named in
    a hidden field by a token signed for the one account that sent it, so the editor
    fixes the alt text without choosing the file again. Keeping needs ``uploader``.
    """

    kept_upload = forms.CharField(required=False, widget=forms.HiddenInput)
    uploader = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = None
        if self.is_bound and not self.files.get("file"):
            self.kept = self._kept_upload(self.data.get("kept_upload", ""))
            if self.kept:
                with self.storage.open(self.kept["name"], "rb") as stored:
                    # Read whole: the file is the cleaned upload, bounded by the upload limit.
                    content = ContentFile(stored.read(), name=self.kept["original"])
                self.files = self.files.copy()
                self.files["file"] = content

    @property
    def storage(self):
        return self._meta.model._meta.get_field("file").storage

    def _post_clean(self):
        super()._post_clean()
        if self.errors and not self.kept and self.uploader and "file" not in self.errors:
            upload = self.cleaned_data.get("file")
            if isinstance(upload, UploadedFile):
                self._keep(upload)

    def _keep(self, upload):
        cleaned = processing.clean_original(upload, upload.name)
        self.sweep_kept_uploads()
        name = self.storage.save(
            f"{KEPT_FOLDER}/{secrets.token_hex(16)}{PurePath(cleaned.name).suffix}", cleaned
        )
        self.kept = {
            "name": name,
            "original": PurePath(upload.name).name,
            "width": cleaned.width,
            "height": cleaned.height,
        }
        self.data = self.data.copy()
        self.data["kept_upload"] = signing.dumps(self.kept, salt=self._salt())

    def _kept_upload(self, token):
        if not token or not self.uploader:
            return None
        try:
            kept = signing.loads(token, salt=self._salt(), max_age=KEPT_FOR)
        except signing.BadSignature:
            return None
        return kept if self.storage.exists(kept["name"]) else None

    def _salt(self):
        return f"images.kept-upload:{self.uploader.pk}"

    @property
    def kept_url(self):
        return self.storage.url(self.kept["name"]) if self.kept else None

    def forget_kept_upload(self):
        """Deletes the kept file once the image holds its own copy."""
        if self.kept:
            self.storage.delete(self.kept["name"])

    def sweep_kept_uploads(self):
        """Deletes the kept uploads older than KEPT_FOR: forms abandoned after an error."""
        try:
            _folders, files = self.storage.listdir(KEPT_FOLDER)
        except FileNotFoundError:
            return
        oldest = timezone.now() - KEPT_FOR
        for file in files:
            name = f"{KEPT_FOLDER}/{file}"
            try:
                if self.storage.get_modified_time(name) < oldest:
                    self.storage.delete(name)
            except (NotImplementedError, FileNotFoundError):
                continue


class DescribedLaterForm(ImageForm):
    """
    The library's form for files dropped by the dozen: the same file checks and
    cleaning, the licence and credit given once for all, and the alt text asked
    afterwards, image by image, where each is seen (the library lists those lacking it).
    """

    required_css_class = "required"

    def _update_errors(self, errors):
        # Image.clean() asks for the alt text, which this form does not have yet.
        if hasattr(errors, "error_dict"):
            errors.error_dict.pop("alt_text", None)
            if not errors.error_dict:
                return
        super()._update_errors(errors)
