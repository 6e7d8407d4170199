"""
The security headers every kind of page carries, readers' and the newsroom's,
and the HTTPS-only ones production adds.
"""

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import logged_in, make_article, make_author, make_image
from tests.pages import pages_showing
from tests.test_settings import PRODUCTION, run_python

pytestmark = [pytest.mark.django_db, pytest.mark.same_on_every_database]

DENIED_FEATURES = [
    "browsing-topics",
    "camera",
    "geolocation",
    "interest-cohort",
    "microphone",
    "payment",
    "usb",
]


@pytest.fixture
def pages(editor, settings):
    settings.AXES_FAILURE_LIMIT = 1
    author = make_author(avatar=make_image())
    article = make_article(authors=[author], tags=["festival"], featured_image=make_image())
    return {
        **pages_showing(article, search="Article"),
        "feed": reverse("articles:feed"),
        "sitemap": reverse("sitemap_index"),
        "robots": reverse("robots"),
        "404": "/cette-page-n-existe-pas/",
        "admin login": reverse("admin:login"),
        "admin page": reverse("admin:articles_article_changelist"),
        "two-step verification": reverse("security:two_factor"),
        "lockout": reverse("admin:login"),
    }


def fetch(client, editor, pages, page, **options):
    if page == "lockout":
        return client.post(pages[page], {"username": "ines", "password": "faux"}, **options)
    if page.startswith(("admin page", "two-step")):
        client = logged_in(editor)
    return client.get(pages[page], **options)


def csp_directives(header):
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def permissions(header):
    return dict(item.strip().split("=", 1) for item in header.split(","))


PAGES = [
    "home",
    "article",
    "section",
    "tag",
    "author",
    "search",
    "feed",
    "sitemap",
    "robots",
    "404",
    "admin login",
    "admin page",
    "two-step verification",
    "lockout",
]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_carries_the_security_headers(client, editor, pages, page):
    response = fetch(client, editor, pages, page)

    assert response.status_code in {200, 404, 429}
    policy = permissions(response["Permissions-Policy"])
    for feature in DENIED_FEATURES:
        assert policy[feature] == "()", feature
    # Fullscreen for our pages, and for the trailers' players (tests/test_trailers.py).
    assert policy["fullscreen"].startswith("(self ")
    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"][0] == "'self'"
    # The QR code is an image of our own, never a data: URI.
    assert "data:" not in csp["img-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    for directive, sources in csp.items():
        assert "'unsafe-inline'" not in sources, directive
        assert "'unsafe-eval'" not in sources, directive
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("page", ["admin login", "two-step verification", "lockout"])
def test_newsroom_security_pages_need_no_inline_script_or_style(client, editor, pages, page):
    """What the CSP would block: script and style written into the page."""
    html = BeautifulSoup(fetch(client, editor, pages, page).content, "html.parser")

    inline_scripts = [
        script
        for script in html.select("script:not([src])")
        if script.get("type") not in {"application/json", "application/ld+json"}
    ]
    assert inline_scripts == []
    assert html.select("style, [style]") == []
    handlers = [tag for tag in html.find_all(True) if any(a.startswith("on") for a in tag.attrs)]
    assert handlers == []


@pytest.mark.parametrize("page", ["home", "admin login"])
def test_https_pages_tell_browsers_to_stay_on_https(client, editor, pages, page, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    secure = fetch(client, editor, pages, page, secure=True)
    plain = fetch(client, editor, pages, page)

    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in plain


# Production's answers, in a fresh process with its settings: plain HTTP, a reader's page
# over HTTPS, then an editor logging in and opening the admin.
PRODUCTION_VISIT = """
import json

import django

django.setup()
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

call_command("migrate", verbosity=0)
editor = User.objects.create_user("ines", password="bobine-35-mm", is_staff=True)
editor.groups.add(Group.objects.get(name="Éditeur"))
client = Client(HTTP_HOST="screenmania.example")
plain = client.get("/robots.txt")
secure = client.get("/robots.txt", secure=True)
client.post("/admin/login/", {"username": "ines", "password": "bobine-35-mm"}, secure=True)
admin = client.get("/admin/", secure=True)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "hsts": secure.get("Strict-Transport-Security"),
    "cookies": {
        name: {flag: bool(cookie[flag]) for flag in ("secure", "httponly")}
        for name, cookie in client.cookies.items()
    },
    "admin": [admin.status_code, admin.get("Location", "").split("?")[0]],
    "two-step verification": reverse("security:two_factor"),
}))
"""


def test_production_keeps_cookies_and_pages_on_https():
    result = run_python(
        "-c",
        PRODUCTION_VISIT,
        DJANGO_SETTINGS_MODULE="screenmania.settings",
        DATABASE_URL="sqlite://:memory:",
        **PRODUCTION,
    )

    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["plain"] == [301, "https://screenmania.example/robots.txt"]
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["cookies"] == {
        "csrftoken": {"secure": True, "httponly": False},
        "sessionid": {"secure": True, "httponly": True},
    }
    # An editor without a second factor is sent to set one up before anything else.
    assert seen["admin"] == [302, seen["two-step verification"]]


def test_login_cookies_are_https_only_in_production(client, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True

    response = client.get(reverse("admin:login"), secure=True)

    assert response.cookies["csrftoken"]["secure"] is True


@pytest.mark.parametrize("page", ["home", "article", "feed", "robots"])
def test_a_page_from_the_cache_carries_the_headers_it_was_built_with(client, editor, pages, page):
    """The page cache answers before the CSP and Permissions-Policy middleware."""
    built = fetch(client, editor, pages, page)
    cached = fetch(client, editor, pages, page)

    assert cached.content == built.content
    for header in ["Content-Security-Policy", "Permissions-Policy", "X-Frame-Options"]:
        assert cached[header] == built[header], header
    assert cached["X-Content-Type-Options"] == "nosniff"


def test_a_cached_page_asked_over_plain_http_is_redirected_to_https(
    client, editor, pages, settings
):
    settings.SECURE_SSL_REDIRECT = True
    for _ in range(2):
        assert fetch(client, editor, pages, "article", secure=True).status_code == 200

    plain = fetch(client, editor, pages, "article")

    assert plain.status_code == 301
    assert plain["Location"] == f"https://testserver{pages['article']}"
