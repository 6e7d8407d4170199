"""
Login throttling with django-axes: the settings say how many failures and how
long a lockout lasts and which address a login comes from (AXES_* in
settings.py); this module says what a locked-out person sees, and lets a wrong
verification code count as a failed login.
"""

import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_credentials
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets, in the admin's look, with a 429 status."""
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Too many login attempts"),
        # Each new try starts the wait again, so the whole of it is still ahead.
        "minutes": math.ceil(cool_off.total_seconds() / 60),
        "login_url": reverse("admin:login"),
    }
    response = render(
        request, "admin/security/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def is_locked_out(request, username):
    if not settings.AXES_ENABLED:
        return False
    return not AxesProxyHandler.is_allowed(request, get_credentials(username))


def record_failure(request, username):
    """
    Counts a wrong verification code as a failed login for ``username``: guessing
    codes costs the same lockout as guessing passwords. Once the limit is
    reached, django-axes's middleware answers with the lockout page.
    """
    user_login_failed.send(sender=__name__, credentials=get_credentials(username), request=request)
