"""The demo, loaded once for a module whose browser tests only read it."""

from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer


@contextmanager
def served_demo(urlconf, media_root, renditions, django_db_blocker, prepare=None):
    """
    The demo's origin: loaded and committed once, then ``prepare()`` called for what the
    module adds to it, and served by a live server of the module's own. pytest-django's
    live_server empties the database after each test, which would have every test load
    the demo again. At the end the database is emptied as a transactional test's is,
    post-migrate signal included, so that the next module starts from an empty site.
    """
    media_root.mkdir(parents=True)
    (media_root / "renditions").symlink_to(renditions, target_is_directory=True)
    with (
        django_db_blocker.unblock(),
        override_settings(ROOT_URLCONF=urlconf, MEDIA_ROOT=media_root),
    ):
        call_command("loaddemo", verbosity=0)
        if prepare is not None:
            prepare()
        try:
            with live_server() as url:
                yield url
        finally:
            call_command("flush", interactive=False, verbosity=0)


@contextmanager
def live_server():
    """A live server of the caller's own, which the site's address and hosts name."""
    server = LiveServer("localhost")
    try:
        with override_settings(
            SITE_URL=server.url, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "localhost"]
        ):
            yield server.url
    finally:
        server.stop()
