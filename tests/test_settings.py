"""
Configuration from the environment, and the headers every reader page carries.

The settings tests start a fresh Python so that each reads its own environment,
as a deployment would.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_article, make_author, make_image

# Variables the settings read: removed from the child's environment so that the
# developer's shell or the CI run (DATABASE_URL…) cannot change what is tested.
SETTINGS_VARIABLE_PREFIXES = (
    "DJANGO_",
    "DATABASE_",
    "REDIS_",
    "SITE_URL",
    "MEDIA_ROOT",
    "IMAGE_",
    "TASKS_",
)

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "test-only-" + "k3y-w1th-3nough-3ntropy-for-the-deploy-check-" * 2,
    "DJANGO_ALLOWED_HOSTS": "screenmania.example",
    "SITE_URL": "https://screenmania.example",
}


def run_python(*args, **environ):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(SETTINGS_VARIABLE_PREFIXES)
    }
    env.update(environ)
    return subprocess.run(  # noqa: S603 (this venv's Python, no shell)
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def read_settings(**environ):
    """The settings a fresh process builds from ``environ``, as JSON-friendly values."""
    script = (
        "import json; from django.conf import settings; "
        "db = settings.DATABASES['default']; cache = settings.CACHES['default']; "
        "print(json.dumps({'db': {k: db.get(k) for k in "
        "('ENGINE', 'NAME', 'USER', 'PASSWORD', 'HOST', 'PORT', 'CONN_MAX_AGE')}, "
        "'cache': cache, 'debug': settings.DEBUG, "
        "'proxy_header': getattr(settings, 'SECURE_PROXY_SSL_HEADER', None), "
        "'tasks': settings.TASKS, 'rq': getattr(settings, 'RQ_QUEUES', None), "
        "'rq_app': 'django_rq' in settings.INSTALLED_APPS}))"
    )
    result = run_python("-c", script, DJANGO_SETTINGS_MODULE="screenmania.settings", **environ)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python("manage.py", "check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_served_site_defaults_to_production_and_refuses_the_public_key():
    """Nothing set: the WSGI application is production, so the built-in key is refused."""
    result = run_python("-c", "import screenmania.wsgi")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_management_commands_default_to_the_laptop_settings():
    result = run_python("manage.py", "check")
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_sqlite_and_local_memory_cache_by_default():
    configured = read_settings(DJANGO_DEBUG="1")
    assert configured["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert configured["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_database_url_selects_postgresql():
    configured = read_settings(
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://editor:s3cret@db.internal:6543/magazine",
        DATABASE_CONN_MAX_AGE="120",
    )
    assert configured["db"] == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "magazine",
        "USER": "editor",
        "PASSWORD": "s3cret",
        "HOST": "db.internal",
        "PORT": 6543,
        "CONN_MAX_AGE": 120,
    }


def test_redis_url_selects_the_redis_cache():
    configured = read_settings(DJANGO_DEBUG="1", REDIS_URL="redis://cache.internal:6379/2")
    assert configured["cache"]["BACKEND"] == "screenmania.cache.RedisCache"
    assert configured["cache"]["LOCATION"] == "redis://cache.internal:6379/2"


def test_background_tasks_queue_in_the_database_unless_redis_url_is_set():
    laptop = read_settings(DJANGO_DEBUG="1")
    assert {name: laptop[name] for name in ("tasks", "rq", "rq_app")} == {
        "tasks": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}},
        "rq": None,
        "rq_app": False,
    }

    shared = read_settings(DJANGO_DEBUG="1", REDIS_URL="redis://queue.internal:6379/3")
    assert shared["tasks"] == {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    }
    assert shared["rq"] == {
        "default": {"URL": "redis://queue.internal:6379/3", "DEFAULT_TIMEOUT": -1}
    }
    assert shared["rq_app"] is True


def test_media_on_object_storage_is_configuration():
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps({'storage': settings.STORAGES['default'], 'url': settings.MEDIA_URL, "
        "'img_src': settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']}))"
    )
    result = run_python(
        "-c",
        script,
        DJANGO_SETTINGS_MODULE="screenmania.settings",
        DJANGO_DEBUG="1",
        DJANGO_MEDIA_STORAGE="storages.backends.s3.S3Storage",
        DJANGO_MEDIA_STORAGE_OPTIONS='{"bucket_name": "medias", "file_overwrite": false}',
        DJANGO_MEDIA_URL="https://medias.screenmania.example/",
    )
    assert result.returncode == 0, result.stderr
    configured = json.loads(result.stdout)
    assert configured["storage"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "medias", "file_overwrite": False},
    }
    assert configured["url"] == "https://medias.screenmania.example/"
    # Pages may show images from there, and from nowhere else.
    assert configured["img_src"] == ["'self'", "https://medias.screenmania.example"]


def test_forwarded_proto_is_trusted_only_behind_a_declared_tls_proxy():
    assert read_settings(**PRODUCTION)["proxy_header"] is None
    behind_proxy = read_settings(DJANGO_BEHIND_TLS_PROXY="1", **PRODUCTION)
    assert behind_proxy["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.fixture
def reader_urls(db):
    author = make_author(avatar=make_image())
    article = make_article(authors=[author], tags=["festival"], featured_image=make_image())
    return {
        "home": reverse("articles:home"),
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": "festival"}),
        "author": author.get_absolute_url(),
        "search": reverse("articles:search") + "?q=Article",
    }


def csp_directives(header):
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("page", ["home", "article", "section", "tag", "author", "search"])
def test_reader_pages_carry_the_security_headers(client, reader_urls, page):
    response = client.get(reader_urls[page])
    assert response.status_code == 200
    csp = csp_directives(response["Content-Security-Policy"])
    assert "'self'" in csp["script-src"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("page", ["home", "article", "section", "tag", "author", "search"])
def test_reader_pages_are_cacheable_by_anyone(client, reader_urls, page):
    """No cookie, no CSRF token and no Vary: Cookie: a CDN may serve one copy to every reader."""
    response = client.get(reader_urls[page])
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.get("Vary", "")
    assert "csrfmiddlewaretoken" not in response.content.decode()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_reader_pages_do_not_vary_by_the_browser_language(client, reader_urls, prefix):
    """One cached copy per URL: the language is in the path, never in Accept-Language."""
    response = client.get(prefix + reader_urls["article"], headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "accept-language" not in response.get("Vary", "").lower()


def test_language_comes_from_the_url_not_the_browser(client, reader_urls):
    response = client.get("/en" + reader_urls["home"])
    assert '<html lang="en"' in response.content.decode()
    response = client.get(
        reader_urls["home"], headers={"Accept-Language": "en"}, HTTP_COOKIE="django_language=en"
    )
    assert '<html lang="fr"' in response.content.decode()
