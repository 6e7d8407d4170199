"""
Two-step verification in the admin: a code from an authenticator app after the
password, compulsory for the groups the settings name, set up by each person
with a QR code whose secret nobody else sees.
"""

from base64 import b32decode

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from lxml import etree

from tests.factories import logged_in

pytestmark = pytest.mark.django_db

PASSWORD = "pw"  # the fixtures' (tests/factories.py)
ADMIN = "/admin/"


def code(key, steps_ahead=0):
    """The code an app holding ``key`` (hex) shows, ``steps_ahead`` × 30 seconds from now."""
    return f"{TOTP(bytes.fromhex(key), drift=steps_ahead).token():06d}"


def wrong(right_code):
    return f"{(int(right_code) + 1) % 1_000_000:06d}"


def give_device(user):
    return TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)


def log_in(client, username, otp_token=None, password=PASSWORD):
    data = {"username": username, "password": password, "next": ADMIN}
    if otp_token is not None:
        data["otp_token"] = otp_token
    return client.post(reverse("admin:login"), data)


def parse(response):
    return BeautifulSoup(response.content, "html.parser")


def errors(response):
    page = parse(response)
    text = " ".join(
        error.get_text(" ", strip=True) for error in page.select(".errornote, .errorlist")
    )
    return text.replace("\u00a0", " ")


def turn_on(client):
    """Sets up two-step verification from the setup page: the key, and the recovery codes shown."""
    key = secret_on_page(client)
    response = client.post(reverse("security:two_factor"), {"otp_token": code(key)})
    return key, recovery_codes_on_page(client.get(response["Location"]))


def recovery_codes_on_page(response):
    return [item.get_text() for item in parse(response).select(".recovery-codes-list code")]


def secret_on_page(client):
    """The key the setup page shows for typing by hand, as the hex django-otp stores."""
    page = parse(client.get(reverse("security:two_factor")))
    text = page.select_one("#two-factor-secret").get_text()
    return b32decode("".join(text.split())).hex()


def opens_the_admin(client):
    return client.get(ADMIN).status_code == 200


@pytest.fixture
def required(settings):
    """Two-step verification compulsory for the groups production requires it of."""
    settings.TWO_FACTOR_REQUIRED_GROUPS = ["Éditeur", "Administrateur"]


def test_login_form_offers_the_code_field(client):
    page = parse(client.get(reverse("admin:login")))

    field = page.select_one("form#login-form input[name=otp_token]")
    assert field["autocomplete"] == "one-time-code"
    # No numeric keypad on a phone: a recovery code has letters.
    assert not field.has_attr("inputmode")
    assert not field.has_attr("required")
    assert (
        page.select_one(f"label[for={field['id']}]")
        .get_text(strip=True)
        .startswith("Code de vérification")
    )
    assert field["aria-describedby"] == f"{field['id']}_helptext"
    assert page.select_one(f"#{field['aria-describedby']}").get_text(strip=True)


def test_without_a_device_the_password_is_enough(client, contributor):
    assert log_in(client, "camille").status_code == 302
    assert opens_the_admin(client)


def test_with_a_device_the_current_code_logs_in(client, editor, required):
    device = give_device(editor)

    response = log_in(client, "ines", otp_token=code(device.key))

    assert response.status_code == 302
    assert response["Location"] == ADMIN
    # The session counts as verified: the compulsory check lets it through.
    assert opens_the_admin(client)


def test_code_may_be_typed_with_a_space(client, editor):
    device = give_device(editor)
    typed = code(device.key)

    assert log_in(client, "ines", otp_token=f"{typed[:3]} {typed[3:]}").status_code == 302


def test_with_a_device_a_missing_code_is_refused_in_french(client, editor):
    give_device(editor)

    response = log_in(client, "ines")

    assert response.status_code == 200
    assert "saisissez le code qu’affiche votre application" in errors(response)
    assert not opens_the_admin(client)


def test_with_a_device_a_wrong_code_is_refused_in_french(client, editor):
    device = give_device(editor)

    response = log_in(client, "ines", otp_token=wrong(code(device.key)))

    assert response.status_code == 200
    assert "Code de vérification erroné" in errors(response)
    assert not opens_the_admin(client)


def test_a_wrong_code_never_writes_the_password_back_into_the_page(client, editor):
    device = give_device(editor)

    response = log_in(client, "ines", otp_token=wrong(code(device.key)))

    page = parse(response)
    password_field = page.select_one("input[name=password]")
    assert password_field is not None
    assert not password_field.get("value")
    # In no field at all, hidden ones included. Not searched in the raw page: the
    # fixtures' two-letter password turns up in a random CSRF token now and then.
    assert PASSWORD not in [field.get("value") for field in page.select("input")]
    assert PASSWORD not in page.get_text()


def test_a_code_works_once(client, editor):
    device = give_device(editor)
    used = code(device.key)
    assert log_in(client, "ines", otp_token=used).status_code == 302
    client.post(reverse("admin:logout"))

    replayed = log_in(client, "ines", otp_token=used)

    assert replayed.status_code == 200
    assert "Code de vérification erroné" in errors(replayed)


def test_wrong_codes_in_a_row_make_the_next_check_wait(client, editor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = give_device(editor)
    log_in(client, "ines", otp_token=wrong(code(device.key)))

    response = log_in(client, "ines", otp_token=code(device.key))

    message = errors(response)
    assert "Trop de codes erronés d’affilée : attendez 60 secondes" in message
    assert not opens_the_admin(client)


def test_wrong_codes_count_as_failed_logins(client, editor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = give_device(editor)

    for _attempt in range(4):
        assert log_in(client, "ines", otp_token=wrong(code(device.key))).status_code == 200
    assert log_in(client, "ines", otp_token=wrong(code(device.key))).status_code == 429

    assert log_in(client, "ines", otp_token=code(device.key)).status_code == 429
    assert AccessAttempt.objects.get().username == "ines"


def test_required_group_is_sent_to_the_setup_from_every_admin_page(editor, required):
    client = logged_in(editor)

    for path in (
        ADMIN,
        reverse("admin:articles_article_changelist"),
        reverse("admin:password_change"),
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert (
            response["Location"]
            == f"{reverse('security:two_factor')}?next={path.replace('/', '%2F')}"
        )

    setup = client.get(reverse("security:two_factor"))
    assert setup.status_code == 200
    assert "Votre rôle dans la rédaction impose la vérification en deux étapes" in errors(setup)


def test_unverified_session_may_still_log_out(editor, required):
    client = logged_in(editor)

    assert client.post(reverse("admin:logout")).status_code == 200
    assert client.get(ADMIN)["Location"].startswith(reverse("admin:login"))


def test_setting_up_end_to_end(client, editor, required):
    assert log_in(client, "ines").status_code == 302
    redirect = client.get(ADMIN)
    assert redirect["Location"].startswith(reverse("security:two_factor"))

    page = parse(client.get(redirect["Location"]))
    assert page.select_one("img.two-factor-qr")["src"] == reverse("security:qr_code")
    assert page.select_one("input[name=next]")["value"] == ADMIN
    key = secret_on_page(client)
    response = client.post(reverse("security:two_factor"), {"otp_token": code(key), "next": ADMIN})

    assert response.status_code == 302
    # The recovery codes first, then on to where the login was going.
    assert response["Location"] == f"{reverse('security:recovery_codes')}?next=%2Fadmin%2F"
    codes_page = parse(client.get(response["Location"]))
    assert codes_page.select_one(".recovery-codes a.button")["href"] == ADMIN
    assert opens_the_admin(client)
    device = TOTPDevice.objects.get(user=editor)
    assert device.confirmed and device.key == key
    # The next login asks for the code.
    client.post(reverse("admin:logout"))
    assert log_in(client, "ines").status_code == 200
    assert log_in(client, "ines", otp_token=code(key, steps_ahead=1)).status_code == 302


def test_setting_up_refuses_a_code_of_another_secret(editor, contributor):
    client = logged_in(editor)
    secret_on_page(client)
    other_key = secret_on_page(logged_in(contributor))

    response = client.post(reverse("security:two_factor"), {"otp_token": code(other_key)})

    assert response.status_code == 200
    assert "Ce code ne correspond pas à la clé ci-dessus" in errors(response)
    assert not TOTPDevice.objects.exists()


def test_secret_stays_the_same_until_confirmed(editor):
    client = logged_in(editor)

    assert secret_on_page(client) == secret_on_page(client)


def test_any_staff_member_may_turn_it_on_and_then_needs_the_code(contributor, required):
    client = logged_in(contributor)
    assert opens_the_admin(client)
    key = secret_on_page(client)
    client.post(reverse("security:two_factor"), {"otp_token": code(key)})

    elsewhere = Client()
    assert log_in(elsewhere, "camille").status_code == 200
    assert log_in(elsewhere, "camille", otp_token=code(key, steps_ahead=1)).status_code == 302


def test_session_without_the_code_is_asked_for_it(editor, required, settings):
    """A session opened by a password alone, before the device was set up, say."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = give_device(editor)
    client = logged_in(editor)

    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain == [
        (f"{reverse('security:two_factor')}?next=%2Fadmin%2F", 302),
        (f"{reverse('security:verify')}?next=%2Fadmin%2F", 302),
    ]
    assert parse(response).select_one("form input[name=otp_token]")

    refused = client.post(
        reverse("security:verify"), {"otp_token": wrong(code(device.key)), "next": ADMIN}
    )
    assert "Code de vérification erroné" in errors(refused)
    verified = client.post(
        reverse("security:verify"), {"otp_token": code(device.key), "next": ADMIN}
    )
    assert verified["Location"] == ADMIN
    assert opens_the_admin(client)


def test_verification_refuses_to_send_elsewhere(editor):
    device = give_device(editor)
    client = logged_in(editor)

    response = client.post(
        reverse("security:verify"),
        {"otp_token": code(device.key), "next": "https://ailleurs.example/"},
    )

    assert response["Location"] == ADMIN


def test_wrong_codes_on_the_code_page_count_as_failed_logins(editor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = give_device(editor)
    client = logged_in(editor)

    for _attempt in range(4):
        client.post(reverse("security:verify"), {"otp_token": wrong(code(device.key))})
    locked = client.post(reverse("security:verify"), {"otp_token": wrong(code(device.key))})

    assert locked.status_code == 429
    assert (
        client.post(reverse("security:verify"), {"otp_token": code(device.key)}).status_code == 429
    )
    assert client.get(reverse("security:verify")).status_code == 429


def test_contributors_are_not_required_to_by_default(contributor, required):
    assert opens_the_admin(logged_in(contributor))


def test_superusers_count_as_administrators(settings):
    superuser = User.objects.create_superuser("sacha", password=PASSWORD)
    settings.TWO_FACTOR_REQUIRED_GROUPS = ["Administrateur"]
    assert logged_in(superuser).get(ADMIN).status_code == 302

    settings.TWO_FACTOR_REQUIRED_GROUPS = ["Éditeur"]
    assert opens_the_admin(logged_in(superuser))


def test_nobody_is_required_to_when_the_setting_is_empty(editor, administrator, settings):
    settings.TWO_FACTOR_REQUIRED_GROUPS = []

    assert opens_the_admin(logged_in(editor))
    assert opens_the_admin(logged_in(administrator))


def test_qr_code_is_an_svg_never_stored(editor):
    client = logged_in(editor)
    secret_on_page(client)

    response = client.get(reverse("security:qr_code"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    svg = etree.fromstring(response.content)
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert not svg.findall(".//{http://www.w3.org/2000/svg}script")


def test_each_person_sees_only_their_own_secret(editor, contributor):
    ines, camille = logged_in(editor), logged_in(contributor)
    ines_key, camille_key = secret_on_page(ines), secret_on_page(camille)

    assert ines_key != camille_key
    assert (
        ines.get(reverse("security:qr_code")).content
        != camille.get(reverse("security:qr_code")).content
    )
    assert camille_key not in ines.get(reverse("security:two_factor")).content.decode()


def test_secret_is_not_shown_again_once_confirmed(editor):
    client = logged_in(editor)
    key = secret_on_page(client)
    client.post(reverse("security:two_factor"), {"otp_token": code(key)})

    page = parse(client.get(reverse("security:two_factor")))

    assert not page.select("#two-factor-secret, img.two-factor-qr")
    assert page.select_one("form[action$='retrait/'] input[name=otp_token]")
    assert client.get(reverse("security:qr_code")).status_code == 404


def test_administrators_do_not_see_a_secret_in_the_device_admin(editor, administrator):
    device = give_device(editor)
    client = logged_in(administrator)

    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    listing = client.get(reverse("admin:otp_totp_totpdevice_changelist"))

    assert change.status_code == 200
    for response in (change, listing):
        assert device.key not in response.content.decode()
    config = client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))
    assert config.status_code == 403


def test_pages_are_for_staff_only(editor):
    reader = User.objects.create_user("lecteur", password=PASSWORD)
    for client in (Client(), logged_in(reader)):
        for name in ("two_factor", "verify", "qr_code"):
            response = client.get(reverse(f"security:{name}"))
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("admin:login"))


def test_device_is_removed_with_a_valid_code_only(editor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = logged_in(editor)
    key = secret_on_page(client)
    client.post(reverse("security:two_factor"), {"otp_token": code(key)})

    refused = client.post(reverse("security:remove"), {"otp_token": wrong(code(key, 1))})
    assert refused.status_code == 200
    assert "Code de vérification erroné" in errors(refused)
    assert TOTPDevice.objects.filter(user=editor).exists()

    removed = client.post(reverse("security:remove"), {"otp_token": code(key, 1)})
    assert removed["Location"] == reverse("security:two_factor")
    assert not TOTPDevice.objects.filter(user=editor).exists()
    # A new secret is offered straight away.
    assert secret_on_page(client) != key


def test_removing_takes_a_session_that_gave_its_code(editor):
    """A session stolen before the device was set up cannot take it off."""
    device = give_device(editor)
    client = logged_in(editor)

    response = client.post(reverse("security:remove"), {"otp_token": code(device.key)})

    assert response["Location"].startswith(reverse("security:two_factor"))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_user_tools_link_to_the_page(editor):
    page = parse(logged_in(editor).get(ADMIN))

    link = page.select_one(f"#user-tools a[href='{reverse('security:two_factor')}']")
    assert link.get_text(strip=True) == "Vérification en deux étapes"


def test_setting_up_gives_recovery_codes_shown_once(editor):
    client = logged_in(editor)

    _key, codes = turn_on(client)

    assert len(codes) == 10
    assert len(set(codes)) == 10
    page = parse(client.get(reverse("security:two_factor")))
    assert "10 codes de secours inutilisés" in page.get_text()
    again = client.get(reverse("security:recovery_codes"))
    assert again["Location"] == reverse("security:two_factor")
    assert not any(code in page.get_text() for code in codes)


def test_recovery_codes_page_explains_them_in_french(editor):
    client = logged_in(editor)
    secret = secret_on_page(client)
    response = client.post(reverse("security:two_factor"), {"otp_token": code(secret)}, follow=True)

    text = parse(response).select_one(".recovery-codes").get_text(" ", strip=True)
    assert "Chaque code ne sert qu’une fois" in text
    assert "Conservez-les en lieu sûr" in text
    assert "affichés cette seule fois" in text
    assert "no-store" in response["Cache-Control"]


def test_a_recovery_code_logs_in_once(client, editor, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    _key, codes = turn_on(logged_in(editor))

    assert log_in(client, "ines", otp_token=codes[0]).status_code == 302
    assert opens_the_admin(client)
    client.post(reverse("admin:logout"))

    replayed = log_in(client, "ines", otp_token=codes[0])
    assert replayed.status_code == 200
    assert "Code de vérification erroné" in errors(replayed)
    # Typed without its space, in capitals: the next one works all the same.
    assert log_in(client, "ines", otp_token=codes[1].replace(" ", "").upper()).status_code == 302


def test_a_recovery_code_verifies_a_session_and_removes_a_lost_phone(editor, required):
    _key, codes = turn_on(logged_in(editor))
    client = logged_in(editor)

    client.post(reverse("security:verify"), {"otp_token": codes[0], "next": ADMIN})
    assert opens_the_admin(client)
    removed = client.post(reverse("security:remove"), {"otp_token": codes[1]})

    assert removed["Location"] == reverse("security:two_factor")
    assert not TOTPDevice.objects.filter(user=editor).exists()
    # Nothing is left to log in with but the password, and a new phone to set up.
    assert log_in(Client(), "ines", otp_token=codes[2]).status_code == 302
    assert client.get(ADMIN)["Location"].startswith(reverse("security:two_factor"))


def test_new_recovery_codes_void_the_old_ones(client, editor, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    ines = logged_in(editor)
    key, old_codes = turn_on(ines)

    refused = ines.post(reverse("security:renew_recovery_codes"), {"otp_token": "pas-un-code"})
    assert "Code de vérification erroné" in errors(refused)
    renewed = ines.post(
        reverse("security:renew_recovery_codes"), {"otp_token": code(key, steps_ahead=1)}
    )
    new_codes = recovery_codes_on_page(ines.get(renewed["Location"]))

    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    assert log_in(client, "ines", otp_token=old_codes[0]).status_code == 200
    assert log_in(client, "ines", otp_token=new_codes[0]).status_code == 302
    # The session that made them is still verified.
    assert opens_the_admin(ines)


def test_making_new_recovery_codes_takes_a_session_that_gave_its_code(editor):
    device = give_device(editor)
    client = logged_in(editor)

    response = client.post(
        reverse("security:renew_recovery_codes"), {"otp_token": code(device.key)}
    )

    assert response["Location"].startswith(reverse("security:two_factor"))
    assert client.get(reverse("security:recovery_codes"))["Location"] == reverse(
        "security:two_factor"
    )


def test_wrong_recovery_codes_count_as_failed_logins(client, editor, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    _key, codes = turn_on(logged_in(editor))

    for _attempt in range(5):
        response = log_in(client, "ines", otp_token="aaaa bbbb")

    assert response.status_code == 429
    assert log_in(client, "ines", otp_token=codes[0]).status_code == 429
