"""
Old addresses that never break: redirects (301, 302) and 410 Gone, answered where no page is.
Follows the renames of articles, authors, works and tags; imports no reader view nor newsroom.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RedirectsConfig(AppConfig):
    name = "redirects"
    verbose_name = _("Redirects")

    def ready(self):
        from . import signals  # noqa: F401
