from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from newsroom.security.two_factor import AdminLoginForm
from reader import sitemaps
from reader.urls import (
    article_patterns,
    author_patterns,
    newsletter_patterns,
    site_page_patterns,
    work_patterns,
)

admin.site.site_header = _("Screenmania newsroom")
admin.site.site_title = _("Screenmania newsroom")
admin.site.index_title = _("Write, review and publish")
admin.site.login_form = AdminLoginForm

# A page not found is as public as any other (reader/views/errors.py).
handler404 = "reader.views.errors.page_not_found"

urlpatterns = [
    # Before the admin's own URLs, whose last pattern answers 404 for any other path.
    path(f"{settings.ADMIN_URL}verification/", include("newsroom.security.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    # For crawlers, once for the whole site: outside i18n_patterns, so not repeated under /en/.
    path(
        "robots.txt",
        TemplateView.as_view(
            template_name="robots.txt",
            content_type="text/plain; charset=utf-8",
            # A newsroom moved off the well-known address is not announced.
            extra_context={"list_admin": settings.ADMIN_URL == "admin/"},
        ),
        name="robots",
    ),
    path("sitemap.xml", sitemaps.index, name="sitemap_index"),
    path("sitemap-news.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap, name="sitemap"),
    # The mail provider's reports of bounces and complaints (newsletter/bounces.py),
    # refused unless signed or carrying ANYMAIL_WEBHOOK_SECRET.
    path("anymail/", include("anymail.urls")),
]

# French at the root, English under /en/: the language is in the URL, never in
# a cookie, so reader pages stay cacheable and need no consent banner.
urlpatterns += i18n_patterns(
    path("", include(article_patterns)),
    path("", include(author_patterns)),
    path("", include(work_patterns)),
    path("", include(newsletter_patterns)),
    path("", include("newsroom.urls")),
    path("", include(site_page_patterns)),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    from images.views import serve_media

    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", serve_media, name="media")
    ]
