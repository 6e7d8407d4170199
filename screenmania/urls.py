from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Screenmania newsroom")
admin.site.site_title = _("Screenmania newsroom")
admin.site.index_title = _("Write, review and publish")

urlpatterns = [
    path("admin/", admin.site.urls),
]

# French at the root, English under /en/: the language is in the URL, never in
# a cookie, so reader pages stay cacheable and need no consent banner.
urlpatterns += i18n_patterns(
    path("", include("articles.urls")),
    path("auteurs/", include("authors.urls")),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    from images.views import serve_media

    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", serve_media, name="media")
    ]
