"""
What a reader's browser downloads for the demo article: a rendition sized for the screen,
never the original, and nothing below the fold until the reader scrolls there.

`make bench` (bench/page_weight.py) measures the same page and reports the bytes.
"""

import urllib.request
from io import BytesIO
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.urls import re_path
from PIL import Image as PILImage

from articles.models import Article
from screenmania.urls import urlpatterns as site_urlpatterns
from tests.browser.served_demo import served_demo
from tests.browser.test_reading import serve_media

# The demo is loaded once for the module (demo_site); each test then reads it inside a
# transaction of its own, which also tells pytest-django that the module needs a test
# database even when run alone.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ARTICLE_SLUG = "retour-de-la-pellicule-35-mm"
PHONE = {"width": 400, "height": 860}
LAPTOP = {"width": 1280, "height": 800}
MODERN_TYPES = {"image/avif", "image/webp"}
RENDITIONS_URL = settings.MEDIA_URL + "renditions/"

urlpatterns = [
    *site_urlpatterns,
    re_path(r"^media/(?P<path>.+)$", serve_media),
]

# Every <img> on the page with what it could load: its src and the URLs and widths
# of its own srcset and of its <picture>'s sources, with each source's type.
IMAGES_JS = """() => [...document.images].map(img => {
    const sources = [...(img.closest("picture")?.querySelectorAll("source") ?? [])];
    const candidates = [...sources, img].flatMap(element =>
        (element.getAttribute("srcset") || "").split(",").filter(c => c.trim()).map(c => {
            const [url, descriptor] = c.trim().split(/\\s+/);
            return {
                url: new URL(url, document.baseURI).href,
                width: parseInt(descriptor, 10),
                type: element.getAttribute("type") || "image/jpeg",
            };
        })
    );
    return {
        currentSrc: img.currentSrc,
        src: img.src,
        loading: img.getAttribute("loading"),
        top: img.getBoundingClientRect().top + scrollY,
        complete: img.complete && img.naturalWidth > 0,
        candidates,
    };
})"""


@pytest.fixture(scope="module")
def demo_article(django_db_setup, django_db_blocker, tmp_path_factory, shared_renditions):
    """The demo article's URL, the demo loaded once for the module, and its image's size."""
    media_root = tmp_path_factory.mktemp("page-weight") / "media"
    with served_demo(__name__, media_root, shared_renditions, django_db_blocker) as origin:
        article = Article.objects.select_related("featured_image").get(slug=ARTICLE_SLUG)
        yield origin + article.get_absolute_url(), article.featured_image.file.size


@pytest.fixture(autouse=True)
def media_root(settings, demo_article):
    """The demo's files, which the server serves and pixel_width() reads."""
    return settings.MEDIA_ROOT


@pytest.fixture
def browser(chromium):
    """The module's Chromium (tests/browser/conftest.py), started once the demo is loaded."""
    return chromium


class Reading:
    """One reader on one screen: the page as first shown, then scrolled to the bottom."""

    def __init__(self, browser, url, viewport, scale):
        self.context = browser.new_context(
            viewport=viewport, device_scale_factor=scale, is_mobile=viewport == PHONE
        )
        self.page = self.context.new_page()
        self.requests, self.requested = [], []
        # Playwright wraps each handler in place, which a builtin like list.append refuses.
        self.page.on("request", lambda request: self.requested.append(request.url))
        self.page.on("requestfinished", lambda request: self.requests.append(request))
        self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        self.viewport_height = viewport["height"]
        self.images_before_scrolling = self.page.evaluate(IMAGES_JS)
        self.requested_before_scrolling = set(self.requested)

    def scroll_to_bottom(self):
        page = self.page
        while page.evaluate("scrollY + innerHeight < document.documentElement.scrollHeight"):
            page.mouse.wheel(0, self.viewport_height)
            page.wait_for_timeout(100)
        page.wait_for_load_state("networkidle")
        page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth)")
        return page.evaluate(IMAGES_JS)

    def featured(self):
        return self.page.locator("figure.featured-image img").evaluate(
            "img => ({currentSrc: img.currentSrc, width: img.getBoundingClientRect().width})"
        )

    def request_for(self, url):
        return next(request for request in self.requests if request.url == url)


def pixel_width(url):
    """Width of a media file read from the file on disk, not from what the markup claims."""
    relative = PurePosixPath(urlsplit(url).path).relative_to(settings.MEDIA_URL)
    with PILImage.open(Path(settings.MEDIA_ROOT, relative)) as image:
        return image.width


def test_phone_downloads_a_small_modern_rendition_of_the_featured_image(demo_article, browser):
    url, original_bytes = demo_article
    reading = Reading(browser, url, PHONE, scale=2)
    featured = reading.featured()
    path = urlsplit(featured["currentSrc"]).path

    assert path.startswith(RENDITIONS_URL), f"the phone downloaded {path}, not a rendition"
    request = reading.request_for(featured["currentSrc"])
    assert request.response().header_value("content-type") in MODERN_TYPES
    # Wide enough for 400 CSS pixels at 2x (less the page's margins), and no wider than
    # the next size up.
    assert PHONE["width"] * 2 * 0.9 <= pixel_width(path) <= 960
    downloaded = request.sizes()["responseBodySize"]
    assert downloaded < original_bytes / 3, (downloaded, original_bytes)
    reading.context.close()


def test_a_phone_downloads_thumbnails_for_the_related_articles(demo_article, browser):
    """Three pictures the width of the screen were most of the page's weight (issue 21's
    budget of 120 KB, measured by bench/page_weight.py): a phone shows thumbnails."""
    url, _original_bytes = demo_article
    reading = Reading(browser, url, PHONE, scale=2)
    reading.scroll_to_bottom()
    related = reading.page.locator(".related .card__image img").evaluate_all(
        "images => images.map(img => ({src: img.currentSrc, width: img.clientWidth}))"
    )
    reading.context.close()

    assert len(related) == 3
    for image in related:
        assert image["width"] <= 130, "a related card's picture is not a thumbnail"
        # Enough pixels for the thumbnail at 2x, and none of the full-width sizes.
        assert image["width"] * 2 <= pixel_width(image["src"]) <= 480, image["src"]


def test_images_below_the_fold_wait_for_the_reader_to_scroll(demo_article, browser):
    url, _original_bytes = demo_article
    reading = Reading(browser, url, PHONE, scale=2)
    below_the_fold = [
        image for image in reading.images_before_scrolling if image["top"] > PHONE["height"]
    ]
    assert below_the_fold, "the page has no image below the fold to check"

    for image in below_the_fold:
        label = image["src"].rsplit("/", 1)[-1]
        assert image["loading"] == "lazy", f"{label} is below the fold but not lazy"
        # Chromium fetches lazy images within a margin below the viewport (about
        # 1250 px): an image that close to the fold would be fetched all the same.
        urls = {candidate["url"] for candidate in image["candidates"]} | {image["src"]}
        assert not urls & reading.requested_before_scrolling, (
            f"{label}, {image['top'] - PHONE['height']:.0f} px below the fold, was fetched "
            "before the reader scrolled"
        )

    after_scrolling = reading.scroll_to_bottom()
    assert all(image["complete"] for image in after_scrolling)
    reading.context.close()


def test_every_srcset_candidate_is_served_at_its_declared_width_and_type(demo_article, browser):
    url, _original_bytes = demo_article
    reading = Reading(browser, url, PHONE, scale=2)
    candidates = {
        candidate["url"]: candidate
        for image in reading.images_before_scrolling
        for candidate in image["candidates"]
    }
    reading.context.close()
    assert len(candidates) > 20

    for candidate in candidates.values():
        assert candidate["url"].startswith(urljoin(url, RENDITIONS_URL)), candidate["url"]
        # The live server is on the loopback, at an address the test built itself.
        with urllib.request.urlopen(candidate["url"]) as response:  # noqa: S310
            assert response.status == 200, candidate["url"]
            assert response.headers["Content-Type"] == candidate["type"], candidate["url"]
            body = response.read()
        with PILImage.open(BytesIO(body)) as image:
            assert image.width == candidate["width"], candidate["url"]


def test_laptop_picks_a_wider_featured_rendition_than_a_phone(demo_article, browser):
    url, _original_bytes = demo_article
    # At the same pixel density, so the difference comes from the layout alone: a phone at
    # 2x needs more pixels for its 368-pixel column than a laptop at 1x for its 672.
    phone = Reading(browser, url, PHONE, scale=1)
    phone_width = pixel_width(phone.featured()["currentSrc"])
    phone.context.close()
    laptop = Reading(browser, url, LAPTOP, scale=1)
    featured = laptop.featured()
    laptop_width = pixel_width(featured["currentSrc"])
    laptop.context.close()

    assert laptop_width > phone_width
    assert laptop_width >= featured["width"], "the laptop's featured image is upscaled"
