from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    # An app for its migration: it gives administrators the permissions of the
    # lockout and device models, which arrived after the roles migration.
    name = "newsroom.security"
    label = "security"
    verbose_name = _("Security")
