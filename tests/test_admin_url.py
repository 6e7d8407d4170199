"""
The newsroom's address comes from DJANGO_ADMIN_URL; moved off /admin/, it is
nowhere else to be found, robots.txt included.
"""

from importlib import import_module, reload

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from tests.factories import logged_in
from tests.test_settings import run_python

pytestmark = pytest.mark.django_db

MOVED = "redaction-7f3a/"


def reload_urls():
    reload(import_module(settings.ROOT_URLCONF))
    clear_url_caches()


@pytest.fixture
def moved_admin():
    with override_settings(ADMIN_URL=MOVED):
        reload_urls()
        yield f"/{MOVED}"
    reload_urls()


def admin_url_from(**environ):
    script = "from django.conf import settings; print(settings.ADMIN_URL)"
    result = run_python(
        "-c", script, DJANGO_SETTINGS_MODULE="screenmania.settings", DJANGO_DEBUG="1", **environ
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_admin_url_comes_from_the_environment():
    assert admin_url_from() == "admin/"
    assert admin_url_from(DJANGO_ADMIN_URL="/redaction-7f3a") == "redaction-7f3a/"
    assert admin_url_from(DJANGO_ADMIN_URL="bureau/secret/") == "bureau/secret/"
    assert admin_url_from(DJANGO_ADMIN_URL="  ") == "admin/"


def test_moved_admin_answers_at_its_address_only(client, moved_admin, editor):
    assert reverse("admin:index") == moved_admin
    assert client.get(f"{moved_admin}login/").status_code == 200
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404

    response = client.post(
        reverse("admin:login"), {"username": "ines", "password": "pw", "next": moved_admin}
    )
    assert response["Location"] == moved_admin
    assert client.get(moved_admin).status_code == 200


def test_moved_admin_keeps_two_step_verification(moved_admin, editor, settings):
    settings.TWO_FACTOR_REQUIRED_GROUPS = ["Éditeur"]

    response = logged_in(editor).get(moved_admin)

    assert response["Location"].startswith(f"{moved_admin}verification/")


def test_robots_names_the_admin_only_at_its_well_known_address(client, moved_admin):
    robots = client.get("/robots.txt").content.decode()

    assert MOVED.strip("/") not in robots
    assert "admin" not in robots
    assert "Disallow: /apercu/" in robots.splitlines()


def test_robots_names_the_default_admin(client):
    assert "Disallow: /admin/" in client.get("/robots.txt").content.decode().splitlines()
