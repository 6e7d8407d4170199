from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitePagesConfig(AppConfig):
    name = "sitepages"
    verbose_name = _("The site’s pages")

    def ready(self):
        from . import signals  # noqa: F401
