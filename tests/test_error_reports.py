"""
A server error in production reaches someone: an e-mail to DJANGO_ADMINS, and the
traceback in the log. A refusal is one line of the log. Run in a fresh Python with the
production settings, as served.
"""

from django.core.exceptions import PermissionDenied
from django.urls import path

from screenmania.urls import urlpatterns as site_urlpatterns
from tests.servers import copy_database
from tests.test_settings import PRODUCTION, run_python


def broken_view(request):
    raise RuntimeError("the projector caught fire")


def refusing_view(request):
    raise PermissionDenied


urlpatterns = [path("boom/", broken_view), path("refused/", refusing_view), *site_urlpatterns]

# The site's own settings, this module's URLs, and two requests: one that fails, one
# from a Host the site refuses.
REQUESTS = """
import django
django.setup()
from django.test import Client
from django.test.utils import override_settings
with override_settings(ROOT_URLCONF="tests.test_error_reports"):
    client = Client(raise_request_exception=False)
    print("STATUS", client.get("/boom/", secure=True).status_code)
    print("STATUS", client.get("/boom/", secure=True, headers={"host": "evil.example"}).status_code)
"""
# Then a third, for a page its visitor may not open.
REFUSALS = (
    REQUESTS
    + """
    print("STATUS", client.get("/refused/", secure=True).status_code)
"""
)


def serve(static_root, requests=REQUESTS, **environ):
    environ = {
        **PRODUCTION,
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_SETTINGS_MODULE": "screenmania.settings",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        # Messages printed on the standard output, not sent.
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        **environ,
    }
    result = run_python("-c", requests, **environ)
    assert result.returncode == 0, result.stderr
    return result


def test_a_server_error_is_mailed_to_the_admins_and_logged_with_its_traceback(collected_static):
    result = serve(
        collected_static,
        DJANGO_ADMINS="Inès Marchand <ines@screenmania.example>, ops@screenmania.example",
        SERVER_EMAIL="erreurs@screenmania.example",
    )
    assert result.stdout.count("STATUS 500") == 1
    assert result.stdout.count("STATUS 400") == 1
    # One message, for the 500 alone.
    assert result.stdout.count("Subject: ") == 1
    assert "Subject: [Django] ERROR" in result.stdout
    assert "Internal Server Error: /boom/" in result.stdout
    assert "From: erreurs@screenmania.example" in result.stdout
    assert "To: ines@screenmania.example, ops@screenmania.example" in result.stdout
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: the projector caught fire" in result.stderr
    assert "Invalid HTTP_HOST header: 'evil.example'" in result.stderr


def test_a_refused_request_is_one_line_of_the_log(collected_static, migrated_database, tmp_path):
    # The page that says « refused » shows the site's sections: a database to read them.
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    copy_database(migrated_database, database)
    result = serve(collected_static, REFUSALS, **database)
    assert "STATUS 400" in result.stdout
    assert "STATUS 403" in result.stdout
    assert "Invalid HTTP_HOST header: 'evil.example'" in result.stderr
    assert "Forbidden (Permission denied): /refused/" in result.stderr
    # The 500's traceback, and no other: neither refusal brings Django's own.
    assert result.stderr.count("Traceback (most recent call last)") == 1
    assert "PermissionDenied" not in result.stderr
    assert "DisallowedHost" not in result.stderr


def test_without_admins_the_error_is_logged_all_the_same(collected_static):
    result = serve(collected_static)
    assert "STATUS 500" in result.stdout
    assert "Subject: " not in result.stdout
    assert "RuntimeError: the projector caught fire" in result.stderr


def test_admins_must_be_addresses():
    result = run_python(
        "manage.py", "check", **PRODUCTION, DJANGO_ADMINS="Inès Marchand, ops@screenmania.example"
    )
    assert result.returncode != 0
    assert "DJANGO_ADMINS" in result.stderr
