"""
Two application servers, one truth: two gunicorn instances in the production
configuration share PostgreSQL and Redis, and an edit saved through one is seen
through the other within the second, cached pages included (each worker trusts its own
copy of a page for a second: pagecache/middleware.py).

Needs DATABASE_URL (PostgreSQL) and REDIS_URL, as CI's second run has them:
SQLite's test database lives in the test process's memory, and local-memory
caches are per process by design.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

from articles.models import Article
from tests.admin_forms import EMPTY_INLINES, article_fields
from tests.factories import EDITOR, make_article, make_author, make_member, make_section

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres")
        or not os.environ.get("REDIS_URL"),
        reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL, shared by both servers",
    ),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A gunicorn instance in the production configuration, on the test database."""

    def __init__(self, static_root, media_root):
        self.port = free_port()
        database = settings.DATABASES["default"]
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "two-servers-test-key-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_STATIC_ROOT": str(static_root),
            "MEDIA_ROOT": str(media_root),
            "SITE_URL": "https://screenmania.example",
            # The editor logs in with a password alone here: 2FA has its own tests.
            "DJANGO_2FA_REQUIRED_GROUPS": "",
            "DATABASE_URL": (
                f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
                f"{database['PORT']}/{database['NAME']}"
            ),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
        }
        self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn and config)
            [str(GUNICORN), "-c", "screenmania/gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def wait(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.1)
        pytest.fail("gunicorn did not start in 30 s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def request(self, method, path, body=None, cookies=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Host": "127.0.0.1"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(body, doseq=True)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode()
        connection.close()
        return response, content

    def get(self, path, cookies=None):
        return self.request("GET", path, cookies=cookies)


@pytest.fixture
def servers(tmp_path, collected_static):
    # In production configuration, static files are named from their manifest.
    started = [Server(collected_static, tmp_path / "media") for _ in range(2)]
    try:
        yield [server.wait() for server in started]
    finally:
        for server in started:
            server.stop()


def title_of(content):
    match = re.search(r"<h1[^>]*>(.*?)</h1>", content, re.S)
    return text_of(match.group(1)) if match else None


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def set_cookies(response):
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def form_token(response, content):
    """The CSRF cookie a form page set, and the token in its form."""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
    return {"csrftoken": set_cookies(response)["csrftoken"]}, token


def log_in(server):
    """An editor logs in through the admin's login form, and gets a session cookie."""
    make_member(EDITOR, "edith")
    cookies, token = form_token(*server.get("/admin/login/"))
    response, content = server.request(
        "POST",
        "/admin/login/",
        body={"username": "edith", "password": "pw", "csrfmiddlewaretoken": token},
        cookies=cookies,
    )
    assert response.status == 302, content[:2000]
    return {settings.SESSION_COOKIE_NAME: set_cookies(response)[settings.SESSION_COOKIE_NAME]}


def save_through_admin(server, cookies, article, **changes):
    """The change form, loaded and posted back with its CSRF token, as a browser does."""
    path = f"/admin/articles/article/{article.pk}/change/"
    response, content = server.get(path, cookies=cookies)
    assert response.status == 200, (response.headers.get("Location"), content[:500])
    csrf_cookie, token = form_token(response, content)
    cookies = {**cookies, **csrf_cookie}
    form = {**article_fields(article, **changes), **EMPTY_INLINES}
    form["authorships-TOTAL_FORMS"] = "0"
    response, content = server.request(
        "POST", path, body={**form, "csrfmiddlewaretoken": token, "_continue": "1"}, cookies=cookies
    )
    assert response.status == 302, content[:2000]


def within_the_second(check):
    """Whether ``check()`` holds within a second (and a little for the requests)."""
    deadline = time.monotonic() + 1.5
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_an_edit_through_one_server_is_seen_through_the_other_within_the_second(servers):
    first, second = servers
    section = make_section(name="Cinéma", slug="cinema")
    article = make_article(
        title="Avant la retouche", slug="retouche", section=section, authors=[make_author()]
    )
    url = article.get_absolute_url()

    # Both servers have built and stored the pages.
    for server in servers:
        for path in [url, "/"]:
            for _ in range(2):
                response, _ = server.get(path)
                assert response.status == 200
    # Stored indeed: a change that bypasses the application is not seen.
    Article.objects.filter(pk=article.pk).update(title="Changé en douce")
    for server in servers:
        assert title_of(server.get(url)[1]) == "Avant la retouche"

    cookies = log_in(first)
    article.refresh_from_db()
    save_through_admin(first, cookies, article, title="Après la retouche")

    # The second server answers with the edit within the second, page and list alike.
    assert within_the_second(lambda: title_of(second.get(url)[1]) == "Après la retouche")
    assert within_the_second(lambda: "Après la retouche" in text_of(second.get("/")[1]))
    assert within_the_second(lambda: title_of(first.get(url)[1]) == "Après la retouche")

    # Unpublished through the second: gone from the first within the second.
    article.refresh_from_db()
    save_through_admin(second, cookies, article, publishing="unpublish")
    assert within_the_second(lambda: first.get(url)[0].status == 404)
    assert within_the_second(lambda: "Après la retouche" not in text_of(first.get("/")[1]))
    assert connection.vendor == "postgresql"
