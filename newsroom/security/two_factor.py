"""
Two-step verification for the newsroom, with django-otp: after the password,
the code of an authenticator app (TOTP, RFC 6238) or, when the phone is out of
reach, one of the person's recovery codes (django-otp's static tokens).

Whoever has a confirmed app gives a code at every login. Members of the groups
in TWO_FACTOR_REQUIRED_GROUPS must have one: until then every admin page sends
them to the setup (middleware.TwoFactorRequiredMiddleware).

The secret being set up lives in the person's session until a code proves
their app holds it, so an abandoned setup leaves nothing in the database. Once
confirmed it is never shown again, to them or to anybody else. Recovery codes
are shown once, right after they are made, and each works once.
"""

import functools
import io
import math
import re
import secrets
from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
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
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom.security.throttling import is_locked_out, lockout_response, record_failure

# The group superusers belong to for this purpose, as the roles migration names it.
ADMINISTRATOR_GROUP = "Administrateur"
PENDING_KEY_SESSION_KEY = "security_pending_totp_key"
NEW_RECOVERY_CODES_SESSION_KEY = "security_new_recovery_codes"
RECOVERY_CODE_COUNT = 10
CODE_PATTERN = re.compile(r"[0-9]{6,8}")


def confirmed_device(user):
    """The app whose code ``user`` gives at login, or None."""
    # One per person: setting up a new one removes the old one first.
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


def must_use_two_factor(user):
    required = settings.TWO_FACTOR_REQUIRED_GROUPS
    if not required:
        return False
    if user.is_superuser and ADMINISTRATOR_GROUP in required:
        return True
    return user.groups.filter(name__in=required).exists()


@transaction.atomic
def make_recovery_codes(user):
    """New recovery codes for ``user``, which void the old ones: returned for showing once."""
    # The device is kept, only its codes replaced: a session verified by one
    # of the old codes stays verified.
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": str(_("Recovery codes"))}
    )
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    device.token_set.all().delete()
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def device_for_code(app, code):
    """The device ``code`` is for: the app's codes are its digits, a recovery code is not."""
    if code.isdigit() and len(code) == app.digits:
        return app
    return StaticDevice.objects.filter(user_id=app.user_id).first() or app


class WaitMessage:
    """
    django-otp's message for a device that makes the next check wait, which it
    fills in with ``%`` and the device's details: here, the seconds left.
    """

    def __mod__(self, details):
        wait = details["locked_until"] - timezone.now()
        seconds = max(math.ceil(wait.total_seconds()), 1)
        return ngettext(
            "Too many wrong codes in a row: wait %(seconds)d second, then "
            "type the code your app shows at that moment.",
            "Too many wrong codes in a row: wait %(seconds)d seconds, then "
            "type the code your app shows at that moment.",
            seconds,
        ) % {"seconds": seconds}


class CodeField(forms.CharField):
    """A code as people type it: "123 456" is 123456, and capitals do not matter."""

    # Not inputmode="numeric": on a phone, it would leave no way to type the
    # letters of a recovery code.
    widget = forms.TextInput(attrs={"autocomplete": "one-time-code"})

    def __init__(self, **kwargs):
        super().__init__(**{"label": _("Verification code"), "max_length": 16, **kwargs})

    def to_python(self, value):
        return "".join(super().to_python(value).split()).lower()


class VerificationCodeMixin(OTPAuthenticationFormMixin):
    """
    django-otp's check of a code, with the device chosen from the code itself
    (no menu of devices), messages that say what to do, and each wrong code
    counted by django-axes as a failed login: guessing codes costs the same
    lockout as guessing passwords.
    """

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _(
            "Two-step verification is on for this account: type the code "
            "your authenticator app shows."
        ),
        "invalid_token": _(
            "Wrong verification code. Type the code your app shows now: "
            "it changes every 30 seconds and each one works once."
        ),
        "n_failed_attempts": WaitMessage(),
    }

    def clean_otp(self, user):
        app = confirmed_device(user) if user is not None else None
        if app is None:
            # Without an app, the password is enough.
            return
        code = self.cleaned_data.get("otp_token") or ""
        self.cleaned_data["otp_device"] = device_for_code(app, code).persistent_id
        try:
            super().clean_otp(user)
        except ValidationError:
            record_failure(self.request, user.get_username())
            raise


class AdminLoginForm(VerificationCodeMixin, OTPAdminAuthenticationForm):
    """The admin's login form, with the code for those who turned verification on."""

    otp_token = CodeField(
        required=False,
        help_text=_(
            "Only if two-step verification is on for your account: the code "
            "your authenticator app shows, or one of your recovery codes."
        ),
    )

    def _update_form(self, user):
        super()._update_form(user)
        # django-otp writes the password back into the page after a wrong code, to
        # spare retyping it: a password never goes back into HTML, where the browser's
        # history, a screen share or a proxy could read it.
        self.fields["password"].widget.render_value = False


class CodeForm(VerificationCodeMixin, forms.Form):
    """A code from ``user``'s app or recovery codes, once the password is given."""

    otp_token = CodeField()

    def __init__(self, user, request, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean(self):
        super().clean()
        # An empty or overlong code is answered by the field and costs no try.
        if "otp_token" in self.cleaned_data:
            self.clean_otp(self.user)
        return self.cleaned_data


class SetupForm(forms.Form):
    otp_token = CodeField(
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"})
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


def device_page(request, device, form=None, renew_form=None):
    """The page of a person whose app is set up: removing it, and their recovery codes."""
    user = request.user
    if form is None:
        form = CodeForm(user, request)
    if renew_form is None:
        renew_form = CodeForm(user, request, auto_id="id_renew_%s")
    return page(
        request,
        "admin/security/two_factor_on.html",
        device=device,
        form=form,
        renew_form=renew_form,
        recovery_codes_left=StaticToken.objects.filter(device__user=user).count(),
    )


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
    if not CODE_PATTERN.fullmatch(code):
        return None
    totp = TOTP(bytes.fromhex(key))
    if totp.verify(int(code), tolerance=1):
        return totp.t()
    return None


def show_recovery_codes(request, codes):
    """Keeps ``codes`` for the next page, which shows them once, and sends there."""
    request.session[NEW_RECOVERY_CODES_SESSION_KEY] = codes
    return HttpResponseRedirect(with_next(reverse("security:recovery_codes"), request))


def two_factor_view(request):
    """
    The person's own two-step verification: set up with a QR code and a code,
    or, once on, what it is, how to remove it and how to renew recovery codes.
    """
    user = request.user
    device = confirmed_device(user)
    if device is not None:
        if not user.is_verified():
            return HttpResponseRedirect(with_next(reverse("security:verify"), request))
        return device_page(request, device)

    key = pending_key(request)
    form = SetupForm(request.POST if request.method == "POST" else None)
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
                codes = make_recovery_codes(user)
            del request.session[PENDING_KEY_SESSION_KEY]
            otp_login(request, device)
            messages.success(
                request,
                _("Two-step verification is on: every login will now ask for a code."),
            )
            return show_recovery_codes(request, codes)
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
    if confirmed_device(user) is None:
        return HttpResponseRedirect(with_next(reverse("security:two_factor"), request))
    if user.is_verified():
        return HttpResponseRedirect(safe_next(request))
    if is_locked_out(request, user.get_username()):
        return lockout_response(request)

    form = CodeForm(user, request, request.POST if request.method == "POST" else None)
    if form.is_valid():
        otp_login(request, user.otp_device)
        return HttpResponseRedirect(safe_next(request))
    return page(request, "admin/security/verify.html", form=form)


def guarded_by_a_code(view):
    """
    A change to the person's verification, which takes a code, POSTed from a
    session that gave one: a stolen session alone cannot make it.
    """

    @functools.wraps(view)
    def wrapper(request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        user = request.user
        device = confirmed_device(user)
        if device is None or not user.is_verified():
            return HttpResponseRedirect(with_next(reverse("security:two_factor"), request))
        if is_locked_out(request, user.get_username()):
            return lockout_response(request)
        return view(request, device)

    return wrapper


@guarded_by_a_code
def remove_view(request, device):
    """Removes the person's app and recovery codes."""
    form = CodeForm(request.user, request, request.POST)
    if not form.is_valid():
        return device_page(request, device, form=form)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=request.user).delete()
        StaticDevice.objects.filter(user=request.user).delete()
    messages.success(request, _("Device removed: logins no longer ask for a code from it."))
    return HttpResponseRedirect(reverse("security:two_factor"))


@guarded_by_a_code
def renew_recovery_codes_view(request, device):
    """New recovery codes, which void the old ones."""
    form = CodeForm(request.user, request, request.POST, auto_id="id_renew_%s")
    if not form.is_valid():
        return device_page(request, device, renew_form=form)
    return show_recovery_codes(request, make_recovery_codes(request.user))


def recovery_codes_view(request):
    """The recovery codes just made, once: the next visit finds them gone."""
    codes = request.session.pop(NEW_RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        return HttpResponseRedirect(reverse("security:two_factor"))
    # In groups of four, easier to copy; the field takes them with or without the space.
    readable = [f"{code[:4]} {code[4:]}" for code in codes]
    return page(request, "admin/security/recovery_codes.html", codes=readable)


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
