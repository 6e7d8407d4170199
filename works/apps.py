from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorksConfig(AppConfig):
    name = "works"
    verbose_name = _("Films and series")

    def ready(self):
        from . import signals  # noqa: F401
