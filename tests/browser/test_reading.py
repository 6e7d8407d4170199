"""
A reader in a real browser: Debian's Chromium, driven by playwright, on the demo content.

The site is served by pytest-django's live server, which does not serve media
files; this module is also the URLconf that adds them, as `make run` does.
"""

import os
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import re_path, reverse
from django.utils import timezone
from django.views.static import serve

from screenmania.urls import urlpatterns as site_urlpatterns
from tests.browser.axe import WCAG_22, serious_violations_at
from tests.browser.served_demo import served_demo
from tests.factories import image_bytes, make_article, make_image, make_work

# The demo is loaded once for the module (demo_site); each test then reads it inside a
# transaction of its own, which also tells pytest-django that the module needs a test
# database even when run alone.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # This machine has no network but the loopback: without these, Chromium's
    # own background connections fail by the dozen at every start.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def serve_media(request, path):
    # MEDIA_ROOT is read on each request: every test has a folder of its own.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    *site_urlpatterns,
    re_path(r"^media/(?P<path>.+)$", serve_media),
]


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory, shared_renditions):
    """
    The demo content and the module's film of the week on a live server, whose address is
    the public origin: loaded once, since the tests only read it.
    """
    media_root = tmp_path_factory.mktemp("reading") / "media"
    with served_demo(
        __name__, media_root, shared_renditions, django_db_blocker, prepare=add_film_of_the_week
    ) as origin:
        yield origin


@pytest.fixture(autouse=True)
def media_root(settings, demo_site):
    """The demo's files, which the server serves."""
    return settings.MEDIA_ROOT


@pytest.fixture
def browser(chromium):
    """The module's Chromium (tests/browser/conftest.py), started once the demo is loaded."""
    return chromium


def watch_requests(page, origin):
    """Every URL the page loads from another origin, and every console error (CSP reports)."""
    foreign, errors = [], []

    def on_request(request):
        if not request.url.startswith((origin + "/", "data:", "blob:")):
            foreign.append(request.url)

    def on_console(message):
        if message.type == "error":
            errors.append(message.text)

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return foreign, errors


def open_first_article(page, origin):
    page.goto(origin + "/")
    page.locator("main a[href*='/articles/']").first.click()
    page.wait_for_url("**/articles/**")
    page.wait_for_load_state("load")


def top_of(page, selector):
    locator = page.locator(selector).first
    assert locator.is_visible(), f"{selector} is not visible"
    return locator.bounding_box()["y"]


def read_clipboard(page, timeout=5.0):
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = page.evaluate("navigator.clipboard.readText()")
        if text:
            break
        time.sleep(0.1)
    return text


def screenshot_dir(tmp_path):
    """SCREENMANIA_SCREENSHOTS keeps the pictures somewhere to look at them; else a temp dir."""
    directory = Path(os.environ.get("SCREENMANIA_SCREENSHOTS") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def keep_screenshot(shot, name, **options):
    """
    ``shot`` (a page or a locator) as a picture named ``name`` in SCREENMANIA_SCREENSHOTS,
    for someone to look at. Without that folder nobody would, and none is taken: a whole
    page takes Chromium a second or more of processor time to draw and encode, and the
    browser tests took some sixty of them.
    """
    directory = os.environ.get("SCREENMANIA_SCREENSHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        shot.screenshot(path=Path(directory) / name, **options)


def test_article_page_reads_top_to_bottom_and_copies_its_link(
    chromium_path, demo_site, browser, tmp_path
):
    context = browser.new_context(viewport=LAPTOP, locale="fr-FR")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo_site)
    page = context.new_page()
    foreign_requests, console_errors = watch_requests(page, demo_site)

    open_first_article(page, demo_site)

    anatomy = [
        "main h1",
        ".article-meta",
        ".standfirst",
        "figure.featured-image",
        ".article-body",
        ".article-tags",
        ".author-box",
        ".share",
    ]
    tops = [top_of(page, selector) for selector in anatomy]
    assert tops == sorted(tops), dict(zip(anatomy, tops, strict=True))

    meta = page.locator(".article-meta").first.inner_text()
    assert "Temps de lecture" in meta
    assert "Publié le" in meta
    assert page.locator("figure.featured-image img").first.is_visible()
    assert page.locator("figure.featured-image figcaption").first.inner_text().strip()
    assert page.locator("figure.featured-image img").first.evaluate("img => img.naturalWidth") > 0
    assert page.locator(".article-body h2").first.is_visible()
    assert page.locator(".article-tags a").count() >= 1
    assert page.locator(".share a").count() == 6

    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    assert canonical == demo_site + urlsplit(page.url).path
    copy_button = page.locator(".share button[data-copy-url]")
    assert copy_button.is_visible(), "the copy-link button stays hidden: did the script run?"
    copy_button.click()
    assert read_clipboard(page) == canonical

    directory = screenshot_dir(tmp_path)
    for name, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
        page.set_viewport_size(viewport)
        path = directory / f"article-{name}-{viewport['width']}x{viewport['height']}.png"
        page.screenshot(path=path, full_page=True)
        assert path.read_bytes().startswith(PNG_SIGNATURE)
        assert path.stat().st_size > 10_000
        # Nothing may stick out sideways: a phone reader would have to scroll to read.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page is {overflow}px wider than a {name} screen"

    assert foreign_requests == []
    assert console_errors == []
    context.close()


def add_film_of_the_week():
    """
    A film out this week with a portrait poster and a review, and a series arriving on a
    platform: the film's page and the release week. The review is a month old, so that the
    demo's latest article still leads the front page.
    """
    poster = make_image(
        file=SimpleUploadedFile("affiche.png", image_bytes(400, 600), content_type="image/png"),
        alt_text="L'affiche du Phare",
    )
    today = timezone.localdate()
    film = make_work(
        title="Le Phare",
        original_title="The Beacon Keeper",
        slug="le-phare",
        directors="Odile Ferrand, Lucien Marsac, Nadia Berthier",
        release_date=today,
        poster=poster,
    )
    make_article(
        reviewed_work=film,
        rating=Decimal("4.5"),
        title="Une lumière dans la nuit",
        published_at=timezone.now() - timedelta(days=30),
    )
    make_work(
        title="Une série au titre particulièrement long pour un petit écran",
        slug="serie-longue",
        kind="series",
        seasons=2,
        platform="Paravent",
        platform_date=today + timedelta(days=1),
        poster=poster,
    )


@pytest.fixture
def film_of_the_week(demo_site):
    """The film's page and the release week, made with the demo (add_film_of_the_week())."""
    return [
        reverse("works:detail", kwargs={"slug": "le-phare"}),
        reverse("works:current_release_week"),
    ]


# The demo's pages, one of each kind; the review has the author box with a portrait.
READER_PAGES = {
    "home": "/",
    "article": "/articles/critique-maree-basse/",
    "author": "/auteurs/ines-marchand/",
    "section": "/rubriques/cinema/",
    "tag": "/tags/plateformes/",
    "search": "/recherche/?q=cin%C3%A9ma",
    "work": "/oeuvres/maree-basse/",
    "team": "/auteurs/",
    "works index": "/oeuvres/",
    "series": "/oeuvres/?type=serie",
    "tag index": "/tags/",
    "legal notice": "/mentions-legales/",
    "team (English)": "/en/auteurs/",
}


def test_reader_pages_have_no_serious_accessibility_violation(
    chromium_path, axe_js, demo_site, film_of_the_week, browser
):
    # axe is injected as an inline script, which our own CSP rightly forbids.
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    axe_source = axe_js.read_text()
    problems = []
    for path in (*READER_PAGES.values(), *film_of_the_week):
        page.goto(demo_site + path)
        problems += serious_violations_at(page, axe_source, path, (PHONE, LAPTOP), rules=WCAG_22)
    context.close()
    assert not problems, "\n".join(problems)


def test_work_page_and_release_week_fit_phones_and_laptops(demo_site, film_of_the_week, browser):
    context = browser.new_context(viewport=LAPTOP, locale="fr-FR")
    page = context.new_page()
    foreign_requests, console_errors = watch_requests(page, demo_site)
    work_url, week_url = film_of_the_week

    for name, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
        page.set_viewport_size(viewport)
        for label, url in (("week", week_url), ("work", work_url)):
            page.goto(demo_site + url, wait_until="load")
            keep_screenshot(page, f"{label}-{name}.png", full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{url} is {overflow}px wider than a {name} screen"

        # The work's page is the last one open.
        assert page.locator(".work__poster img").evaluate("img => img.naturalWidth") > 0
        poster = page.locator(".work__poster").bounding_box()
        title = page.locator(".work__title").bounding_box()
        if name == "phone":
            # One column: the poster, then the title under it.
            assert poster["y"] + poster["height"] <= title["y"]
        else:
            # The details beside the poster.
            assert poster["x"] + poster["width"] <= title["x"]
            assert title["y"] < poster["y"] + poster["height"]

    assert foreign_requests == []
    assert console_errors == []
    context.close()


def test_the_home_page_shows_the_next_stories_on_a_phone_s_first_screen(demo_site, browser):
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.goto(demo_site + "/", wait_until="load")
    keep_screenshot(page, "home-phone.png")
    titles = page.locator("main .card__title a")
    # The lead's title whole within the first screen, and at least the first line of the
    # next two stories' titles: not one huge card.
    lead = titles.nth(0).bounding_box()
    assert lead["y"] + lead["height"] <= PHONE["height"]
    for n in (1, 2):
        first_line = titles.nth(n).bounding_box()["y"] + 24
        assert first_line <= PHONE["height"], f"story {n + 1} below the fold"

    page.set_viewport_size({"width": 1366, "height": 900})
    keep_screenshot(page, "home-laptop.png")
    lead = page.locator(".front-leads .headline").bounding_box()
    others = page.locator(".front-leads__others").bounding_box()
    # A magazine's first screen: the next stories beside the lead, not under it.
    assert lead["x"] + lead["width"] <= others["x"]
    assert others["y"] < lead["y"] + lead["height"]
    context.close()


# Each image's box and its file's own ratio, once every lazy one has loaded.
DRAWN_IMAGES = """async () => {
    const images = [...document.querySelectorAll("img")];
    images.forEach(image => { image.loading = "eager"; });
    await Promise.all(images.map(image => image.decode().catch(() => null)));
    return images.map(image => {
        const box = image.getBoundingClientRect();
        return {
            src: image.currentSrc, classes: image.className,
            width: box.width, height: box.height,
            natural: image.naturalWidth / image.naturalHeight,
            fit: getComputedStyle(image).objectFit,
        };
    });
}"""


def squeezed(images):
    """The images drawn at another ratio than their own, unless cropped to it on purpose."""
    return [
        image
        for image in images
        if image["width"]
        and image["height"]
        and image["fit"] != "cover"
        and abs(image["width"] / image["height"] - image["natural"]) > 0.02 * image["natural"]
    ]


def test_every_image_keeps_its_proportions_and_no_page_scrolls_sideways(demo_site, browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    problems = []
    for screen, viewport in (("phone", PHONE), ("laptop", {"width": 1366, "height": 768})):
        page.set_viewport_size(viewport)
        for name, path in READER_PAGES.items():
            response = page.goto(demo_site + path, wait_until="load")
            assert response.status == 200, path
            images = page.evaluate(DRAWN_IMAGES)
            assert all(image["natural"] for image in images), f"{path}: an image did not load"
            problems += [f"{path} ({screen}): {image}" for image in squeezed(images)]
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append(f"{path} is {overflow}px wider than a {screen} screen")
            keep_screenshot(page, f"{name}-{screen}.png", full_page=True)
        page.goto(demo_site + READER_PAGES["article"], wait_until="load")
        portrait = page.locator(".author-box__avatar").bounding_box()
        # 4.5rem square: the author box once squeezed it to a 9 px sliver on a phone.
        assert portrait["width"] == portrait["height"] == 72, screen
    context.close()
    assert not problems, "\n".join(problems)
