"""
Where mail goes, from the environment: the console on a laptop with no mail server,
the SMTP server named by Django's own settings, or a provider's API through anymail.
"""

import json

from tests.test_settings import PRODUCTION, run_python

READ = (
    "import json; from django.conf import settings; print(json.dumps({"
    "'backend': settings.EMAIL_BACKEND, 'host': settings.EMAIL_HOST, "
    "'port': settings.EMAIL_PORT, 'tls': settings.EMAIL_USE_TLS, "
    "'from': settings.DEFAULT_FROM_EMAIL, 'anymail': settings.ANYMAIL}))"
)
UNSET = {"EMAIL_BACKEND": "", "EMAIL_HOST": "", "ANYMAIL_WEBHOOK_SECRET": ""}


def mail_settings(**environ):
    result = run_python(
        "-c", READ, DJANGO_SETTINGS_MODULE="screenmania.settings", **{**UNSET, **environ}
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_laptop_without_a_mail_server_prints_its_mail():
    configured = mail_settings(DJANGO_DEBUG="1")
    assert configured["backend"] == "django.core.mail.backends.console.EmailBackend"


def test_production_sends_through_the_smtp_server_or_the_provider_it_names():
    smtp = mail_settings(
        **PRODUCTION,
        EMAIL_HOST="smtp.example.net",
        EMAIL_PORT="587",
        EMAIL_USE_TLS="1",
        DEFAULT_FROM_EMAIL="Screenmania <lettre@screenmania.example>",
    )
    assert (smtp["backend"], smtp["host"], smtp["port"], smtp["tls"]) == (
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.net",
        587,
        True,
    )
    assert smtp["from"] == "Screenmania <lettre@screenmania.example>"
    # No secret given: the webhooks take one nobody knows.
    assert smtp["anymail"]["WEBHOOK_SECRET"].startswith("refused:")

    provider = mail_settings(
        **PRODUCTION,
        EMAIL_BACKEND="anymail.backends.mailgun.EmailBackend",
        ANYMAIL_MAILGUN_API_KEY="key-123",
        ANYMAIL_WEBHOOK_SECRET="mailgun:s3cret",
    )
    assert provider["backend"] == "anymail.backends.mailgun.EmailBackend"
    assert provider["anymail"] == {"MAILGUN_API_KEY": "key-123", "WEBHOOK_SECRET": "mailgun:s3cret"}
