"""
The newsletter: the letters readers subscribe to (with their recorded consent), the
editions the desk composes, and their delivery, one record per edition and reader.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        # The provider's reports of bounces and complaints (anymail's tracking signal),
        # and the pages whose form lists the letters.
        from . import bounces, signals  # noqa: F401
