import mimetypes
import posixpath
import re

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.http import http_date
from django.views.static import was_modified_since

from . import renditions
from .models import Image

# A rendition's name changes whenever its bytes would (images/renditions.py), so a
# browser or CDN may keep it for a year without asking again. An original may be
# replaced under the same name by an editor: a day.
RENDITION_CACHE = "public, max-age=31536000, immutable"
ORIGINAL_CACHE = "public, max-age=86400"
# What a storage leaves of a file's name (Storage.get_valid_name()), no longer than file
# systems and buckets allow: any other name is no file of ours. Refused before the storage
# sees it, where a NUL byte or a name too long is an error, not a missing file.
MEDIA_NAME_PART = re.compile(r"[-\w.]+")
MAX_NAME_PART_BYTES = 255
MAX_NAME_BYTES = 1024


def is_media_name(name):
    return len(name.encode(errors="replace")) <= MAX_NAME_BYTES and all(
        MEDIA_NAME_PART.fullmatch(part) and len(part.encode()) <= MAX_NAME_PART_BYTES
        for part in name.split("/")
    )


def serve_media(request, path):
    """
    Media for a site without a web server or object storage in front (a laptop, a
    single small machine), read through the storage like everything else: a
    FileSystemStorage whose location is not MEDIA_ROOT still works. With S3-compatible
    storage, pages point at the bucket (storage.url()) and files never come here.
    """
    storage = Image._meta.get_field("file").storage
    name = posixpath.normpath(path).lstrip("/")
    if name == ".." or name.startswith("../") or not is_media_name(name):
        raise Http404
    try:
        # Opened, not read: on a local disk, FileResponse hands the file to the server's
        # sendfile.
        file = storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
        raise Http404 from error
    try:
        modified = storage.get_modified_time(name).timestamp()
    except NotImplementedError:
        modified = None
    if modified is not None and not was_modified_since(
        request.META.get("HTTP_IF_MODIFIED_SINCE"), modified
    ):
        file.close()
        response = HttpResponseNotModified()
    else:
        content_type, encoding = mimetypes.guess_type(name)
        response = FileResponse(file, content_type=content_type or "application/octet-stream")
        if encoding:
            response["Content-Encoding"] = encoding
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    is_rendition = name.startswith(f"{renditions.PREFIX}/")
    response["Cache-Control"] = RENDITION_CACHE if is_rendition else ORIGINAL_CACHE
    # A file's, not a page's: the page's CSP would let a file opened as a document run our
    # scripts.
    for header, value in settings.FILE_SECURITY_HEADERS.items():
        response[header] = value
    return response
