"""
The media library in a real browser: files dropped on the upload page, each with
its progress bar; the crops redrawn as the focal point moves, cut where the server
cuts; the grid, the upload page and the change page on a laptop and a phone.
"""

import base64
import io
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PillowImage
from PIL import ImageDraw
from playwright.sync_api import expect

from images import renditions
from images.models import Image
from images.processing import crop_box
from tests.browser.axe import WCAG_22, serious_violations_at
from tests.browser.test_newsroom_browser import PASSWORD, log_in, watch
from tests.browser.test_reading import keep_screenshot
from tests.factories import make_article, make_image

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# What each preview frame shows, as crop_box() cuts it: its ratio by its label.
CROPS = {"16:9": (16, 9), "1:1": (1, 1), "1200:630": renditions.SOCIAL_CARD_SIZE}


def drawing(width, height, color, image_format="PNG"):
    """A picture with a white disc a third of the way in: crops show where they cut."""
    picture = PillowImage.new("RGB", (width, height), color)
    radius = min(width, height) // 6
    centre = (width // 3, height // 3)
    ImageDraw.Draw(picture).ellipse(
        [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius],
        fill="white",
    )
    buffer = io.BytesIO()
    picture.save(buffer, image_format)
    return buffer.getvalue()


def uploaded(name, width, height, color):
    return SimpleUploadedFile(name, drawing(width, height, color), content_type="image/png")


@pytest.fixture
def library(live_server, transactional_db):
    User.objects.create_superuser("redaction", password=PASSWORD)
    shapes = [
        ("Affiche de Dune", 600, 900, (180, 120, 40)),
        ("Plan large de Cannes", 1200, 500, (30, 80, 160)),
        ("Portrait de la réalisatrice", 400, 640, (120, 40, 90)),
        ("Photo de tournage", 800, 600, (40, 130, 70)),
        ("Logo du festival", 400, 400, (200, 50, 50)),
    ]
    images = [
        make_image(
            title=title,
            file=uploaded(f"{title[:12]}.png", width, height, color),
            credit="Studio Lune",
            licence="Dossier de presse",
        )
        for title, width, height, color in shapes
    ]
    make_image(
        title="Sans description",
        alt_text="",
        file=uploaded("sans.png", 640, 360, (90, 90, 90)),
        licence="CC BY",
    )
    make_article(featured_image=images[0])
    return {
        "origin": live_server.url,
        "changelist": reverse("admin:images_image_changelist"),
        "upload": reverse("admin:images_image_upload"),
        "change": reverse("admin:images_image_change", args=[images[3].pk]),
        "describe": reverse("admin:images_image_describe"),
        "landscape": images[3].pk,
    }


def test_dropped_files_are_uploaded_each_with_its_progress(library, chromium):
    context = chromium.new_context(viewport=LAPTOP, locale="fr-FR")
    page = context.new_page()
    errors, requests = watch(page)
    log_in(page, library["origin"], library["upload"])
    page.fill("#id_licence", "Dossier de presse Cannes")
    # Each bar's values as the script sets them.
    page.evaluate(
        """() => {
            window.progressSeen = {};
            new MutationObserver((changes) => {
                for (const change of changes) {
                    const bar = change.target;
                    const name = bar.getAttribute("aria-label");
                    (window.progressSeen[name] ||= []).push(Number(bar.value));
                }
            }).observe(document.body, {
                subtree: true, attributes: true, attributeFilter: ["value"],
            });
        }"""
    )
    files = [
        ("plage.png", base64.b64encode(drawing(1600, 1000, (20, 90, 150))).decode()),
        ("portrait.png", base64.b64encode(drawing(700, 1000, (150, 60, 20))).decode()),
        ("faux.png", base64.b64encode(b"pas une image du tout").decode()),
    ]
    dropped = page.evaluate_handle(
        """(files) => {
            const data = new DataTransfer();
            for (const [name, encoded] of files) {
                const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
                data.items.add(new File([bytes], name, {type: "image/png"}));
            }
            return data;
        }""",
        files,
    )

    page.dispatch_event("[data-drop-zone]", "drop", {"dataTransfer": dropped})

    rows = page.locator(".library-upload__file")
    expect(rows).to_have_count(3)
    expect(rows.locator(".library-upload__name")).to_have_text(
        ["plage.png", "portrait.png", "faux.png"]
    )
    expect(page.locator("[data-upload-next]")).to_be_visible(timeout=30_000)
    expect(rows.nth(0).locator(".library-upload__status")).to_contain_text(
        "Ajoutée à la médiathèque."
    )
    expect(rows.nth(1).locator("a")).to_have_text("Écrire son texte alternatif")
    expect(rows.nth(2).locator(".errorlist")).to_contain_text(
        "Ce fichier ne peut pas être lu comme une image"
    )
    seen = page.evaluate("window.progressSeen")
    # Every file had its own bar, which went up to 100 as it was sent.
    assert set(seen) == {"plage.png", "portrait.png", "faux.png"}
    assert all(values[-1] == 100 for values in seen.values()), seen
    # One request per file, each asking for JSON.
    posts = [
        request
        for request in requests
        if request.method == "POST" and urlsplit(request.url).path == library["upload"]
    ]
    assert len(posts) == 3
    assert all(post.headers["accept"] == "application/json" for post in posts)
    added = Image.objects.filter(licence="Dossier de presse Cannes").order_by("pk")
    assert [(image.width, image.height) for image in added] == [(1600, 1000), (700, 1000)]
    assert all(image.needs_description for image in added)
    describe = page.locator("[data-describe-link]").get_attribute("href")
    assert describe == (
        f"{reverse('admin:images_image_describe')}?id={added[0].pk}&id={added[1].pk}"
    )
    thumbnail = rows.nth(1).locator("img")
    assert thumbnail.get_attribute("src").startswith("/media/renditions/")
    assert errors == ["400 " + library["origin"] + library["upload"]]
    keep_screenshot(page, "library-upload-done-1366.png", full_page=True)
    context.close()


def visible_box(page, frame, width, height):
    """The part of the original a preview frame shows, in the original's pixels."""
    frame_box = frame.bounding_box()
    picture = frame.locator("img").bounding_box()
    scale = width / picture["width"]
    left = (frame_box["x"] - picture["x"]) * scale
    top = (frame_box["y"] - picture["y"]) * scale
    return left, top, left + frame_box["width"] * scale, top + frame_box["height"] * scale


def test_crops_follow_the_focal_point_as_the_server_cuts_them(library, chromium):
    context = chromium.new_context(viewport=LAPTOP, locale="fr-FR")
    page = context.new_page()
    errors, _requests = watch(page)
    log_in(page, library["origin"], library["change"])
    preview = page.locator(".focal-point__image")
    frames = page.locator("[data-crop]")
    expect(frames).to_have_count(3)
    width, height = 800, 600
    box = preview.bounding_box()

    # Centred until a point is set.
    for index in range(3):
        frame = frames.nth(index)
        ratio = CROPS[frame.get_attribute("data-crop")]
        expected = crop_box(width, height, ratio)
        assert visible_box(page, frame, width, height) == pytest.approx(expected, abs=2)

    preview.click(position={"x": box["width"] * 0.9, "y": box["height"] * 0.1})

    focal = (float(page.input_value("#id_focal_x")), float(page.input_value("#id_focal_y")))
    assert focal == pytest.approx((0.9, 0.1), abs=0.01)
    previewed = {}
    for index in range(3):
        frame = frames.nth(index)
        ratio = CROPS[frame.get_attribute("data-crop")]
        expected = crop_box(width, height, ratio, focal)
        assert expected != crop_box(width, height, ratio)
        assert visible_box(page, frame, width, height) == pytest.approx(expected, abs=2)
        previewed[frame.get_attribute("data-crop")] = frame.get_attribute("data-box")

    # What the server then draws is what was shown.
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    plan = renditions.plan(Image.objects.get(pk=library["landscape"]))
    assert previewed == {
        "16:9": ",".join(map(str, plan["wide"][0][2])),
        "1:1": ",".join(map(str, plan["square"][0][2])),
        "1200:630": ",".join(map(str, plan[renditions.SOCIAL_CARD][0][2])),
    }
    assert errors == []
    context.close()


def test_the_library_on_a_laptop_and_a_phone(library, chromium):
    pages = {
        "grid": library["changelist"],
        "upload": library["upload"],
        "change": library["change"],
        "describe": library["describe"],
    }
    for size, viewport in {"1366": LAPTOP, "390": PHONE}.items():
        context = chromium.new_context(viewport=viewport, locale="fr-FR")
        page = context.new_page()
        errors, _requests = watch(page)
        log_in(page, library["origin"], library["changelist"])
        for name, url in pages.items():
            page.goto(f"{library['origin']}{url}")
            # The thumbnails below the fold too, for the picture and the measures.
            page.evaluate(
                "document.querySelectorAll('img[loading=lazy]').forEach((img) => {"
                " img.loading = 'eager'; })"
            )
            page.wait_for_function(
                "Array.from(document.images).every((img) => img.complete && img.naturalWidth)"
            )
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (name, size, width)
            keep_screenshot(page, f"library-{name}-{size}.png", full_page=True)
            if name == "grid":
                # Each thumbnail at its own proportions: never squashed into its frame.
                shapes = page.evaluate(
                    """() => Array.from(
                        document.querySelectorAll(".library-card__image"),
                        (img) => [
                            img.naturalWidth / img.naturalHeight,
                            img.getBoundingClientRect().width / img.getBoundingClientRect().height,
                        ],
                    )"""
                )
                assert len(shapes) == 6
                for natural, shown in shapes:
                    assert shown == pytest.approx(natural, rel=0.03)
        assert errors == []
        context.close()


def test_the_library_has_no_serious_accessibility_violation(library, chromium, axe_js):
    context = chromium.new_context(viewport=LAPTOP, locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    log_in(page, library["origin"], library["changelist"])
    axe_source = axe_js.read_text()
    problems = []
    for url in (library["changelist"], library["upload"], library["change"], library["describe"]):
        page.goto(f"{library['origin']}{url}")
        # With WCAG 2.2's target size: the filters' choices were lines of 20 px.
        problems += serious_violations_at(
            page, axe_source, url, (LAPTOP, PHONE), scope="#content", rules=WCAG_22
        )
    context.close()
    assert not problems, "\n".join(problems)


def test_the_featured_image_is_chosen_by_thumbnail_and_title(library, chromium):
    context = chromium.new_context(viewport=LAPTOP, locale="fr-FR")
    page = context.new_page()
    errors, _requests = watch(page)
    add = reverse("admin:articles_article_add")
    log_in(page, library["origin"], add)

    page.click(".field-featured_image .select2-selection")
    page.keyboard.type("Cannes")

    choices = page.locator(".select2-results__option .image-choice")
    expect(choices).to_have_count(1)
    expect(choices.locator(".image-choice__title")).to_have_text("Plan large de Cannes")
    picture = choices.locator("img")
    assert picture.get_attribute("src").startswith("/media/renditions/")
    assert picture.get_attribute("alt") == ""
    keep_screenshot(page, "library-chooser-1366.png")
    choices.first.click()
    chosen = page.locator(".field-featured_image .select2-selection .image-choice")
    expect(chosen.locator(".image-choice__title")).to_have_text("Plan large de Cannes")
    expect(chosen.locator("img")).to_be_visible()
    assert errors == []
    context.close()
