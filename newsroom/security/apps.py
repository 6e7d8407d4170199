from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticDefaultConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDefaultConfig


class SecurityConfig(AppConfig):
    # An app for its migration: it gives administrators the permissions of the
    # lockout and device models, which arrived after the roles migration.
    name = "newsroom.security"
    label = "security"
    verbose_name = _("Security")


# The libraries below name their apps after their module (« AXES », « OTP_TOTP » in
# the admin's capitals) and django-otp its devices in untranslated English. Each
# config is named in INSTALLED_APPS in place of the library's own.


class LoginSecurityConfig(AxesAppConfig):
    default = False
    verbose_name = _("Login security")


def rename(model, verbose_name, verbose_name_plural):
    # Meta's names as the admin reads them; the migrations read Meta's own
    # (original_attrs), so the library's tables and migrations stay as they are.
    model._meta.verbose_name = verbose_name
    model._meta.verbose_name_plural = verbose_name_plural


class AuthenticatorAppsConfig(TOTPDefaultConfig):
    default = False
    verbose_name = _("Two-step verification")

    def ready(self):
        super().ready()
        rename(self.get_model("TOTPDevice"), _("authenticator app"), _("authenticator apps"))


class RecoveryCodesConfig(StaticDefaultConfig):
    default = False
    verbose_name = _("Recovery codes")

    def ready(self):
        super().ready()
        rename(
            self.get_model("StaticDevice"), _("set of recovery codes"), _("sets of recovery codes")
        )
