from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom.admin.wording import WordingMixin, titled

admin.site.unregister(AccessAttempt)
# Recovery codes are their owner's alone, made and shown on the two-step page.
# They work only beside an authenticator app, so removing someone's app (the
# TOTP devices' admin) is all the help a lost phone needs.
admin.site.unregister(StaticDevice)
admin.site.unregister(TOTPDevice)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    """django-axes' lockouts, whose clean-up action deletes them: it takes the right to."""

    # Newest first, and a fixed order for the pages of its autocomplete.
    ordering = ["-attempt_time"]

    @admin.action(
        description=AccessAttemptAdmin.cleanup_expired_attempts.short_description,
        permissions=["delete"],
    )
    def cleanup_expired_attempts(self, request, queryset):
        return super().cleanup_expired_attempts(request, queryset)


@admin.register(TOTPDevice)
class AuthenticatorAppAdmin(WordingMixin, TOTPDeviceAdmin):
    """django-otp's devices, whose filters its untranslated field names would head."""

    # Administrators remove a lost phone's app here; each writer adds their own on the
    # two-step page.
    add_title = _("New authenticator app")
    change_title = _("Edit the authenticator app")

    list_filter = [
        ("created_at", titled(admin.DateFieldListFilter, _("date added"))),
        ("last_used_at", titled(admin.DateFieldListFilter, _("last used"))),
        ("confirmed", titled(admin.BooleanFieldListFilter, _("set up on the phone"))),
    ]
