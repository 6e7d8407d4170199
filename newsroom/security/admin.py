from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice

admin.site.unregister(AccessAttempt)
# Recovery codes are their owner's alone, made and shown on the two-step page.
# They work only beside an authenticator app, so removing someone's app (the
# TOTP devices' admin) is all the help a lost phone needs.
admin.site.unregister(StaticDevice)


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
