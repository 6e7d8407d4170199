"""
WordPress imports: reading an export (WXR) and turning its posts, pages, authors, terms
and media into ours. Sits above the newsroom; nothing below it imports it.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WordPressConfig(AppConfig):
    name = "wordpress"
    verbose_name = _("WordPress import")
