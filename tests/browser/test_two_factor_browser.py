"""
Setting up two-step verification in a real browser, under the site's CSP: the
QR code loads as an image of our own origin, nothing is blocked, the recovery
codes are shown, and the next logins take the app's code or a recovery code.
"""

from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.test_newsroom_browser import watch
from tests.factories import EDITOR, make_member

pytestmark = pytest.mark.browser


@pytest.fixture
def newsroom(live_server, transactional_db, settings):
    settings.TWO_FACTOR_REQUIRED_GROUPS = [EDITOR]
    make_member(EDITOR, "ines")
    return live_server.url


def log_in(page, origin, code=""):
    page.goto(f"{origin}{reverse('admin:login')}")
    page.fill("#id_username", "ines")
    page.fill("#id_password", "pw")
    page.fill("#id_otp_token", code)
    page.click("#login-form input[type=submit]")


def test_editor_sets_up_the_app_then_logs_in_with_its_code_or_a_recovery_code(newsroom, chromium):
    origin = newsroom
    context = chromium.new_context(locale="fr-FR")
    page = context.new_page()
    errors, _requests = watch(page)

    log_in(page, origin)
    page.wait_for_url(f"{origin}{reverse('security:two_factor')}?next=*")
    qr_code = page.locator("img.two-factor-qr")
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("image => image.complete && image.naturalWidth") > 0
    key = b32decode("".join(page.locator("#two-factor-secret").inner_text().split()))
    page.fill("#id_otp_token", f"{TOTP(key).token():06d}")
    page.click("form.two-factor-setup input[type=submit]")

    page.wait_for_url(f"{origin}{reverse('security:recovery_codes')}?next=*")
    expect(page.locator(".messagelist .success")).to_contain_text("deux étapes est activée")
    expect(page.locator(".recovery-codes-list code")).to_have_count(10)
    recovery_code = page.locator(".recovery-codes-list code").first.inner_text()
    page.click(".recovery-codes a.button")
    page.wait_for_url(f"{origin}{reverse('admin:index')}")

    page.click("#logout-form button")
    log_in(page, origin, code=f"{TOTP(key, drift=1).token():06d}")
    page.wait_for_url(f"{origin}{reverse('admin:index')}")

    page.click("#logout-form button")
    log_in(page, origin, code=recovery_code)
    page.wait_for_url(f"{origin}{reverse('admin:index')}")
    assert errors == []
    context.close()
