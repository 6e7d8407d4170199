from django.conf import settings
from django.views.static import serve

from . import renditions

# A rendition's name changes whenever its bytes would (images/renditions.py), so a
# browser or CDN may keep it for a year without asking again. An original may be
# replaced under the same name by an editor: a day.
RENDITION_CACHE = "public, max-age=31536000, immutable"
ORIGINAL_CACHE = "public, max-age=86400"


def serve_media(request, path):
    """
    Media from MEDIA_ROOT, for a site without a web server or object storage in front
    (a laptop, a single small machine); with S3-compatible storage, files never come here.
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.status_code == 200:
        is_rendition = path.startswith(f"{renditions.PREFIX}/")
        response["Cache-Control"] = RENDITION_CACHE if is_rendition else ORIGINAL_CACHE
    return response
