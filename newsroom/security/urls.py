"""The two-step verification pages, under the admin's URL and behind its login."""

from django.contrib import admin
from django.urls import path

from newsroom.security import two_factor

app_name = "security"

urlpatterns = [
    path("", admin.site.admin_view(two_factor.two_factor_view), name="two_factor"),
    path("code/", admin.site.admin_view(two_factor.verify_view), name="verify"),
    path("retrait/", admin.site.admin_view(two_factor.remove_view), name="remove"),
    path(
        "codes-de-secours/",
        admin.site.admin_view(two_factor.recovery_codes_view),
        name="recovery_codes",
    ),
    path(
        "codes-de-secours/nouveaux/",
        admin.site.admin_view(two_factor.renew_recovery_codes_view),
        name="renew_recovery_codes",
    ),
    path("qr-code.svg", admin.site.admin_view(two_factor.qr_code_view), name="qr_code"),
]
