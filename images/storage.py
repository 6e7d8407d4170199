"""The media storage, unless DJANGO_MEDIA_STORAGE names another (S3-compatible, say)."""

from django.core.files.storage import FileSystemStorage
from django.utils.encoding import filepath_to_uri


class MediaStorage(FileSystemStorage):
    """
    Django's file system storage, with its URLs made by appending the name to MEDIA_URL.

    A list page prints some two hundred rendition URLs (a srcset per format per card), and
    ``urljoin()`` parsing the same base again for each one was a fifth of the time a
    gunicorn worker spent building the home page. For the names a storage gives (no
    scheme, no ``..``, quoted by ``filepath_to_uri``) both make the same URL.
    """

    def url(self, name):
        if self.base_url is None or name is None:
            return super().url(name)
        return self.base_url + filepath_to_uri(name).lstrip("/")
