"""The media storage, unless DJANGO_MEDIA_STORAGE names another (S3-compatible, say)."""

import re

from django.core.files.storage import FileSystemStorage
from django.utils.encoding import filepath_to_uri

# Characters filepath_to_uri() leaves as they are.
_NOTHING_TO_QUOTE = re.compile(r"[A-Za-z0-9/._~-]*").fullmatch


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
        # Renditions' names (and most uploads') hold nothing to quote: quoting them anyway
        # was half of what building a srcset costs, and an article page prints some eighty.
        if not _NOTHING_TO_QUOTE(name):
            name = filepath_to_uri(name)
        return self.base_url + name.lstrip("/")
