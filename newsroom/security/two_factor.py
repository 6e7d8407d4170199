"""
Two-step verification for the newsroom: the code of an authenticator app
(TOTP, RFC 6238) on top of the password, with django-otp.

Whoever has a confirmed device gives its code at every login. Members of the
groups in TWO_FACTOR_REQUIRED_GROUPS must have one: until then every admin page
sends them to the setup (middleware.TwoFactorRequiredMiddleware).

The secret being set up lives in the person's session until a code proves
their app holds it, so an abandoned setup leaves nothing in the database. Once
confirmed it is never shown again, to them or to anybody else.
"""

import io
import math
import re
import secrets
from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom.security.throttling import is_locked_out, lockout_response, record_failure

# The group superusers belong to for this purpose, as the roles migration names it.
ADMINISTRATOR_GROUP = "Administrateur"
PENDING_KEY_SESSION_KEY = "security_pending_totp_key"
CODE_PATTERN = re.compile(r"[0-9]{6,8}")


def confirmed_device(user):
    """The device whose code ``user`` gives at login, or None."""
    # One per person: setting up a new one removes the old one first.
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


def must_use_two_factor(user):
    required = settings.TWO_FACTOR_REQUIRED_GROUPS
    if not required:
        return False
    if user.is_superuser and ADMINISTRATOR_GROUP in required:
        return True
    return user.groups.filter(name__in=required).exists()


def normalise_code(value):
    """The digits of a code as people type it, "123 456" included."""
    return "".join((value or "").split())


def check_code(device, code):
    """
    ``device``, if ``code`` is its current code; otherwise a ValidationError that
    says why. Consecutive wrong codes make the device wait before it checks
    another (django-otp doubles the wait each time), so guessing is slow.
    """
    code = normalise_code(code)
    if not code:
        raise ValidationError(
            _(
                "Two-step verification is on for this account: type the code "
                "your authenticator app shows."
            ),
            code="code_required",
        )
    with transaction.atomic():
        # Locked, so that two requests cannot both use one code.
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        verified = allowed and CODE_PATTERN.fullmatch(code) and device.verify_token(code)
    if verified:
        return device
    if not allowed:
        wait = details.get("locked_until", timezone.now()) - timezone.now()
        seconds = max(math.ceil(wait.total_seconds()), 1)
        raise ValidationError(
            ngettext(
                "Too many wrong codes in a row: wait %(seconds)d second, then "
                "type the code your app shows at that moment.",
                "Too many wrong codes in a row: wait %(seconds)d seconds, then "
                "type the code your app shows at that moment.",
                seconds,
            )
            % {"seconds": seconds},
            code="throttled",
        )
    raise ValidationError(
        _(
            "Wrong verification code. Type the code your app shows now: "
            "it changes every 30 seconds and each one works once."
        ),
        code="invalid_code",
    )


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, with the code for those who turned verification on."""

    otp_token = forms.CharField(
        label=_("Verification code"),
        required=False,
        max_length=16,
        help_text=_(
            "Only if two-step verification is on for your account: the code "
            "your authenticator app shows."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        super().clean()
        device = confirmed_device(self.user_cache) if self.user_cache is not None else None
        if device is not None:
            try:
                # Read by django-otp when the view logs the user in: the
                # session then counts as verified.
                self.user_cache.otp_device = check_code(device, self.cleaned_data.get("otp_token"))
            except ValidationError:
                record_failure(self.request, self.cleaned_data.get("username"))
                raise
        return self.cleaned_data


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Verification code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def safe_next(request):
    """Where to go once done: the ``next`` asked for if it is on this site, else the admin."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def with_next(url, request):
    return f"{url}?{urlencode({'next': safe_next(request)})}"


def page(request, template, **context):
    context = {
        **admin.site.each_context(request),
        "title": _("Two-step verification"),
        "next": safe_next(request),
        "required": must_use_two_factor(request.user),
        **context,
    }
    return TemplateResponse(request, template, context)


def pending_key(request):
    """The secret being set up in this session, made on the first visit."""
    key = request.session.get(PENDING_KEY_SESSION_KEY)
    if key is None:
        key = secrets.token_hex(20)
        request.session[PENDING_KEY_SESSION_KEY] = key
    return key


def readable_secret(key):
    """The secret as authenticator apps ask for it by hand: base32, in groups of four."""
    text = b32encode(bytes.fromhex(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def code_for_pending_key(key, code):
    """The time step at which ``code`` is the pending secret's code, or None."""
    code = normalise_code(code)
    if not CODE_PATTERN.fullmatch(code):
        return None
    totp = TOTP(bytes.fromhex(key))
    if totp.verify(int(code), tolerance=1):
        return totp.t()
    return None


def two_factor_view(request):
    """
    The person's own two-step verification: set up with a QR code and a code,
    or, once on, what it is and how to remove it.
    """
    user = request.user
    device = confirmed_device(user)
    if device is not None:
        if not user.is_verified():
            return HttpResponseRedirect(with_next(reverse("security:verify"), request))
        return page(request, "admin/security/two_factor_on.html", device=device, form=CodeForm())

    key = pending_key(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        time_step = code_for_pending_key(key, form.cleaned_data["otp_token"])
        if time_step is None:
            form.add_error(
                "otp_token",
                _(
                    "This is not the code of the secret above. Check that the app "
                    "added the account from this page, then type the code it shows now."
                ),
            )
        else:
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).delete()
                device = TOTPDevice.objects.create(
                    user=user,
                    name=str(_("Authenticator app")),
                    key=key,
                    confirmed=True,
                    # The code just typed may not log anybody in again.
                    last_t=time_step,
                    last_used_at=timezone.now(),
                )
            del request.session[PENDING_KEY_SESSION_KEY]
            otp_login(request, device)
            messages.success(
                request,
                _("Two-step verification is on: every login will now ask for a code."),
            )
            return HttpResponseRedirect(safe_next(request))
    return page(
        request,
        "admin/security/two_factor_setup.html",
        form=form,
        secret=readable_secret(key),
        qr_code_url=reverse("security:qr_code"),
    )


def verify_view(request):
    """The code, for a session that has not given it yet."""
    user = request.user
    device = confirmed_device(user)
    if device is None:
        return HttpResponseRedirect(with_next(reverse("security:two_factor"), request))
    if user.is_verified():
        return HttpResponseRedirect(safe_next(request))
    if is_locked_out(request, user.get_username()):
        return lockout_response(request)

    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            otp_login(request, check_code(device, form.cleaned_data["otp_token"]))
        except ValidationError as error:
            form.add_error("otp_token", error)
            record_failure(request, user.get_username())
        else:
            return HttpResponseRedirect(safe_next(request))
    return page(request, "admin/security/verify.html", form=form)


def remove_view(request):
    """Removes the person's device, on a code from it: a stolen session alone cannot."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = request.user
    device = confirmed_device(user)
    if device is None:
        return HttpResponseRedirect(reverse("security:two_factor"))
    if not user.is_verified():
        return HttpResponseRedirect(with_next(reverse("security:two_factor"), request))
    if is_locked_out(request, user.get_username()):
        return lockout_response(request)

    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            check_code(device, form.cleaned_data["otp_token"])
        except ValidationError as error:
            form.add_error("otp_token", error)
            record_failure(request, user.get_username())
        else:
            TOTPDevice.objects.filter(user=user).delete()
            messages.success(
                request,
                _("Device removed: logins no longer ask for a code from it."),
            )
            return HttpResponseRedirect(reverse("security:two_factor"))
    return page(request, "admin/security/two_factor_on.html", device=device, form=form)


def qr_code_view(request):
    """The QR code of the secret being set up, as SVG: an image of our origin, never cached."""
    key = request.session.get(PENDING_KEY_SESSION_KEY)
    if key is None or confirmed_device(request.user) is not None:
        raise Http404
    device = TOTPDevice(user=request.user, key=key)
    svg = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        svg, kind="svg", scale=5, border=4, light="#fff", xmldecl=False
    )
    response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response
