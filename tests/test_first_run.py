"""
A newcomer's first minutes with `make run`: the editor login it prints is the same
from one run to the next, restarting logs nobody out, and nothing but the project's
and Django's own lines is printed.
"""

import io
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import ensure_starting_data

pytestmark = pytest.mark.django_db


def ensure_editor(password_file):
    output = io.StringIO()
    call_command("ensure_editor", password_file=password_file, stdout=output)
    return re.search(r"Password: (\S+)", output.getvalue()).group(1)


@pytest.fixture(autouse=True)
def without_editor_variables(monkeypatch):
    ensure_starting_data()
    for name in ("SCREENMANIA_EDITOR_USERNAME", "SCREENMANIA_EDITOR_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def log_in(client, password):
    """Through the login page, as the editor would (the lockout backend wants a request)."""
    form = {"username": "redaction", "password": password}
    return client.post(reverse("admin:login"), form).status_code == 302


def test_the_printed_password_is_the_same_from_one_run_to_the_next(tmp_path):
    kept = tmp_path / ".editor_password"

    first = ensure_editor(kept)
    second = ensure_editor(kept)

    assert first == second
    assert kept.stat().st_mode & 0o777 == 0o600
    assert log_in(Client(), second)


def test_running_again_logs_nobody_out(tmp_path):
    kept = tmp_path / ".editor_password"
    client = Client()
    assert log_in(client, ensure_editor(kept))
    assert client.get(reverse("admin:index")).status_code == 200

    ensure_editor(kept)

    assert client.get(reverse("admin:index")).status_code == 200


def test_a_password_given_in_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENMANIA_EDITOR_PASSWORD", "mot-de-passe-choisi")

    call_command("ensure_editor", password_file=tmp_path / ".editor_password", verbosity=0)

    assert User.objects.get(username="redaction").check_password("mot-de-passe-choisi")
    assert not (tmp_path / ".editor_password").exists()


def test_renditions_up_to_date_say_nothing_when_asked_to_be_quiet():
    output = io.StringIO()

    call_command("renditions", verbosity=0, stdout=output)

    assert output.getvalue() == ""


def test_a_command_prints_no_library_banner():
    environment = {**os.environ, "DJANGO_DEBUG": "1"}

    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )

    assert done.stdout + done.stderr == "System check identified no issues (0 silenced).\n"
