"""
Page weight: the bytes a browser downloads for the demo article page, on phones and a laptop.

Run by ``make bench``. Everything happens in a temporary directory (SQLite database,
MEDIA_ROOT and STATIC_ROOT), so the developer's ``db.sqlite3`` and ``media/`` are never read
or written: migrate, load the demo, serve the site in its production configuration (gunicorn,
DEBUG off, static files hashed and compressed by WhiteNoise) on a free loopback port, then
open the article in headless Chromium at each screen size, scroll to the bottom so that lazy
images load, and count every response as Chromium received it (cache disabled).

"Before" is what the page served until renditions existed: each image's original file,
whatever the screen. The report goes to bench/page-weight.md and to stdout; the exit
status is 1 if a 400-pixel-wide phone still downloads the original featured image.
"""

import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
REPORT = Path(__file__).resolve().parent / "page-weight.md"
ARTICLE_SLUG = "retour-de-la-pellicule-35-mm"
ARTICLE_PATH = f"/articles/{ARTICLE_SLUG}/"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # Chromium's own background connections would fail on a machine with no network,
    # and be counted with the page's on one that has it.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@dataclass(frozen=True)
class Screen:
    name: str
    width: int
    height: int
    scale: int
    mobile: bool

    def __str__(self):
        return f"{self.name} {self.width}×{self.height} @{self.scale}x"


SCREENS = [
    Screen("Phone", 400, 860, 2, mobile=True),
    Screen("Phone", 400, 860, 1, mobile=True),
    Screen("Laptop", 1280, 800, 1, mobile=False),
]
PHONE_WIDTH = 400
# The budget of issue 21 for the whole article page on a phone, fonts and images included.
PHONE_BUDGET = 120_000
GUNICORN = Path(sys.executable).parent / "gunicorn"


@dataclass
class Response:
    url: str
    mime_type: str
    status: int
    headers_bytes: int = 0
    transferred: int = 0

    @property
    def path(self):
        return urlsplit(self.url).path

    @property
    def body_bytes(self):
        return self.transferred - self.headers_bytes


@dataclass
class Visit:
    screen: Screen
    responses: list = field(default_factory=list)
    # currentSrc, path, rendered_width (CSS pixels), intrinsic_width (the file's pixels).
    featured: dict = field(default_factory=dict)

    @property
    def total(self):
        return sum(response.transferred for response in self.responses)

    @property
    def images(self):
        return [response for response in self.responses if response.mime_type.startswith("image/")]

    @property
    def featured_response(self):
        return next(r for r in self.responses if r.url == self.featured["currentSrc"])

    def total_before(self, originals):
        """The same visit had every rendition been its original, as the templates printed."""
        total = self.total
        for response in self.responses:
            original = originals.get(digest_of(response.path))
            if original:
                total += original["bytes"] - response.body_bytes
        return total


def main():
    if not Path(CHROMIUM).is_file():
        print(
            f"Chromium not found at {CHROMIUM}: run `bash scripts/services.sh chromium` "
            "or set CHROMIUM to its path.",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="screenmania-bench-") as workdir:
        configure_django(Path(workdir))
        originals, featured_digest = load_demo()
        with serving(Path(workdir)) as origin:
            visits, chromium_version = visit_all(origin + ARTICLE_PATH)
        for visit in visits:
            visit.featured["intrinsic_width"] = pixel_width(visit.featured["path"])
    report = render_report(originals, originals[featured_digest], visits, chromium_version)
    REPORT.write_text(report, encoding="utf-8")
    print(report)
    failures = [
        visit
        for visit in visits
        if visit.screen.width == PHONE_WIDTH and digest_of(visit.featured["path"]) is None
    ]
    for visit in failures:
        print(
            f"FAIL: the {visit.screen} downloaded {visit.featured['path']}, not a rendition.",
            file=sys.stderr,
        )
    over = [v for v in visits if v.screen.mobile and v.total > PHONE_BUDGET]
    for visit in over:
        print(f"FAIL: the {visit.screen} downloaded {visit.total:,} B.", file=sys.stderr)
    return 1 if failures or over else 0


def configure_django(workdir):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="screenmania.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    # A developer's Redis would otherwise receive this run's cache entries.
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def load_demo():
    """
    Migrates and loads the demo. Returns every original image as stored, by the digest
    prefix its renditions' folder is named after, and the featured image's prefix.
    """
    from django.core.management import call_command

    from articles.models import Article
    from images.models import Image

    call_command("migrate", verbosity=0, interactive=False)
    call_command("loaddemo", verbosity=0)
    originals = {
        image.file_digest[:12]: {
            "url": image.file.url,
            "bytes": image.file.size,
            "width": image.width,
            "height": image.height,
            "format": Path(image.file.name).suffix.lstrip(".").upper(),
        }
        for image in Image.objects.exclude(file_digest="")
    }
    article = Article.objects.select_related("featured_image").get(slug=ARTICLE_SLUG)
    return originals, article.featured_image.file_digest[:12]


def digest_of(path):
    """The original's digest prefix in a rendition's path (…/renditions/ab/<prefix>/…), or None."""
    parts = PurePosixPath(path).parts
    return parts[4] if len(parts) == 6 and parts[2] == "renditions" else None


def pixel_width(path):
    """The width of a served media file, read from the file rather than from the markup."""
    from django.conf import settings
    from PIL import Image

    relative = PurePosixPath(path).relative_to(settings.MEDIA_URL)
    with Image.open(Path(settings.MEDIA_ROOT, relative)) as image:
        return image.width


@contextmanager
def serving(workdir):
    """
    The site as `make serve` runs it, on the demo loaded here and a free loopback port:
    gunicorn, DEBUG off, static files collected, hashed and compressed (HTML is sent as
    Django makes it: compressing it is a CDN's job). Yields its origin.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    origin = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "SITE_URL": origin,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    manage = [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"]
    subprocess.run(manage, cwd=REPO, env=env, check=True)  # noqa: S603 (our manage.py)
    config = REPO / "screenmania" / "gunicorn.conf.py"
    server = subprocess.Popen([GUNICORN, "-c", config], cwd=REPO, env=env)  # noqa: S603
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.1)
        yield origin
    finally:
        server.terminate()
        server.wait(timeout=30)


def visit_all(url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return [visit(browser, url, screen) for screen in SCREENS], browser.version
        finally:
            browser.close()


def visit(browser, url, screen):
    """Opens ``url`` in a fresh context, so with an empty cache, and records every response."""
    context = browser.new_context(
        viewport={"width": screen.width, "height": screen.height},
        device_scale_factor=screen.scale,
        is_mobile=screen.mobile,
        has_touch=screen.mobile,
        locale="fr-FR",
    )
    page = context.new_page()
    result = Visit(screen)
    received = {}
    cdp = context.new_cdp_session(page)

    def on_response(event):
        response = event["response"]
        received[event["requestId"]] = Response(
            url=response["url"],
            mime_type=response.get("mimeType", ""),
            status=response["status"],
            # Counted when the headers arrive and before the body: the headers' size.
            headers_bytes=int(response.get("encodedDataLength", 0)),
        )

    def on_finished(event):
        response = received.get(event["requestId"])
        if response is not None:
            response.transferred = int(event["encodedDataLength"])
            result.responses.append(response)

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    scroll_to_bottom(page)
    result.featured = page.locator("figure.featured-image img").evaluate(
        "img => ({currentSrc: img.currentSrc, rendered_width: img.getBoundingClientRect().width})"
    )
    result.featured["path"] = urlsplit(result.featured["currentSrc"]).path
    result.responses.sort(key=lambda response: response.url)
    context.close()
    return result


def scroll_to_bottom(page):
    """A screen at a time, as a reader would, then waits until every image has loaded."""
    while page.evaluate("scrollY + innerHeight < document.documentElement.scrollHeight"):
        page.mouse.wheel(0, page.viewport_size["height"])
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not page.evaluate(
        "[...document.images].every(img => img.complete)"
    ):
        page.wait_for_timeout(100)


def render_report(originals, original, visits, chromium_version):
    import django
    import PIL
    from PIL import features

    lines = [
        "# Page weight of the demo article page",
        "",
        f"Generated by `make bench` (`bench/page_weight.py`) on "
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: `{ARTICLE_PATH}` opened in headless "
        "Chromium with an empty cache and scrolled to the bottom, so that every lazy image "
        "loads. Served in the production configuration (gunicorn, `DEBUG` off): static files "
        "compressed by WhiteNoise, the HTML as Django sends it, no CDN.",
        "",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}. Python {platform.python_version()}, Django "
        f"{django.get_version()}, Pillow {PIL.__version__} (AVIF "
        f"{'yes' if features.check('avif') else 'no'}), Chromium {chromium_version}.",
        "",
        "## Featured image",
        "",
        "Before: the original file, which the page served to every screen. After: the file "
        "the browser picked from the `<picture>`'s sources. Bytes of the file alone.",
        "",
        "| Screen | Before | After | Pixels needed → downloaded | Saved |",
        "| --- | --- | --- | --- | --- |",
    ]
    before = (
        f"{original['width']}×{original['height']} {original['format']}, {original['bytes']:,} B"
    )
    for visit in visits:
        featured = visit.featured
        body = visit.featured_response.body_bytes
        lines.append(
            f"| {visit.screen} | {before} | `{PurePosixPath(featured['path']).name}`, "
            f"{body:,} B | {featured['rendered_width'] * visit.screen.scale:.0f} → "
            f"{featured['intrinsic_width']} | {1 - body / original['bytes']:.0%} |"
        )
    lines += [
        "",
        "## The whole page",
        "",
        "Every response, headers included. Before: the same responses with each rendition "
        "replaced by the original it was drawn from. A phone's budget is "
        f"{PHONE_BUDGET:,} B (issue 21), fonts and images included.",
        "",
        "| Screen | Requests | Before | After | Images after | Featured image after |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for visit in visits:
        images = sum(response.transferred for response in visit.images)
        lines.append(
            f"| {visit.screen} | {len(visit.responses)} | {visit.total_before(originals):,} B | "
            f"{visit.total:,} B | {images:,} B ({len(visit.images)} files) | "
            f"{visit.featured_response.transferred:,} B |"
        )
    for visit in visits:
        lines += [
            "",
            f"### Responses: {visit.screen}",
            "",
            "| Path | Type | Status | Bytes |",
            "| --- | --- | --- | --- |",
        ]
        lines += [
            f"| `{response.path}` | {response.mime_type} | {response.status} | "
            f"{response.transferred:,} |"
            for response in visit.responses
        ]
    return "\n".join(lines) + "\n"


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


if __name__ == "__main__":
    sys.exit(main())
