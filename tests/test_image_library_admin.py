"""
The image library in the admin: thumbnails from renditions, search, where each image
is used, deletion refused while it is, the focal point, and the picker's endpoint.
"""

import json

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext

from articles.models import BodyImage
from images import renditions
from images.models import Image
from tests.factories import image_bytes, logged_in, make_article, make_author, make_image
from tests.pages import soup, text

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:images_image_changelist")
# The library as the admin's table rather than its grid of cards.
TABLE = f"{CHANGELIST}?vue=liste"
LIBRARY = reverse("admin:images_image_library")
ARTICLE_ADD = reverse("admin:articles_article_add")
# Session, user, the two counts of the pagination and the page of images; the
# usage counts are subqueries of the last one.
CHANGELIST_MAX_QUERIES = 6
# Session, user, the group permissions, then the images.
LIBRARY_MAX_QUERIES = 5


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def delete_url(image):
    return reverse("admin:images_image_delete", args=[image.pk])


def form_data(image, **changes):
    """What the image form posts for ``image`` as it stands, with ``changes``."""
    return {
        "title": image.title,
        "alt_text": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "licence": image.licence,
        "focal_x": "" if image.focal_x is None else image.focal_x,
        "focal_y": "" if image.focal_y is None else image.focal_y,
        **changes,
    }


def landscape(**fields):
    """A 320×240 image: wide enough for a 16:9 crop to have room to move."""
    upload = SimpleUploadedFile("paysage.png", image_bytes(320, 240), content_type="image/png")
    return make_image(file=upload, **fields)


def used_everywhere():
    """An image featured on one article, in the text of two, and the avatar of an author."""
    image = make_image(title="Affiche de Cannes")
    featured = make_article(title="Le palmarès", featured_image=image)
    in_text = make_article(title="Les marches", body=f"Avant.\n\n![](image:{image.pk})\n")
    featured.body = f"![](image:{image.pk})"
    featured.save()
    author = make_author(name="Marie Lenoir", avatar=image)
    return image, featured, in_text, author


# ---------------------------------------------------------------------------- changelist


def test_changelist_thumbnails_come_from_renditions_in_a_fixed_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    for _ in range(2):
        make_article(featured_image=make_image())
    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES) as two:
        admin_client.get(TABLE)
    images = [make_image() for _ in range(8)]
    make_author(avatar=images[0])

    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES) as ten:
        page = soup(admin_client.get(TABLE))

    assert len(ten) == len(two)
    thumbnails = page.select(".field-list_thumbnail img")
    assert len(thumbnails) == 10
    originals = {image.file.url for image in images}
    for thumbnail in thumbnails:
        assert thumbnail["src"].startswith("/media/renditions/")
        assert thumbnail["src"] not in originals
        assert all(
            candidate.split()[0].startswith("/media/renditions/")
            for candidate in thumbnail["srcset"].split(", ")
        )
        assert thumbnail["sizes"] == f"{thumbnail['width']}px"
        assert int(thumbnail["width"]) <= 80
        assert int(thumbnail["height"]) <= 60
        assert thumbnail["loading"] == "lazy"


def test_thumbnail_falls_back_to_the_original_before_renditions_are_drawn(admin_client):
    image = make_image()
    Image.objects.filter(pk=image.pk).update(renditions={})

    thumbnail = soup(admin_client.get(TABLE)).select_one(".field-list_thumbnail img")

    assert thumbnail["src"] == image.file.url
    assert not thumbnail.has_attr("srcset")
    assert (thumbnail["width"], thumbnail["height"]) == ("64", "48")


def test_changelist_columns_and_filters(admin_client):
    make_image(is_ai_generated=True)

    page = soup(admin_client.get(TABLE))

    for column in ["list_thumbnail", "name", "dimensions", "usage_count", "is_ai_generated"]:
        assert page.select_one(f"thead th.column-{column}"), column
    assert page.select_one("thead th.column-credit")
    filters = text(page.select_one("#changelist-filter"))
    # Headed by the field's name, as a heading: « Générée par IA ».
    assert str(capfirst(Image._meta.get_field("is_ai_generated").verbose_name)) in filters


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Studio Canal", ["Affiche"]), ("CC BY 4.0", ["Portrait"]), ("libre", ["Filet"])],
)
def test_search_by_credit_and_licence(admin_client, query, expected):
    make_image(title="Affiche", credit="Studio Canal")
    make_image(title="Portrait", licence="CC BY 4.0")
    make_image(title="Filet", licence="Dossier de presse, libre pour les critiques")

    found = admin_client.get(CHANGELIST, {"q": query}).context["cl"].result_list

    assert [image.title for image in found] == expected


def test_changelist_counts_where_each_image_is_used(admin_client):
    image, _featured, _in_text, _author = used_everywhere()
    unused = make_image(title="Inutilisée")

    page = soup(admin_client.get(TABLE))

    counts = {
        text(row.select_one(".field-name")): text(row.select_one("td.field-usage_count"))
        for row in page.select("#result_list tbody tr")
    }
    # Featured once, in two texts, one avatar.
    assert counts == {str(image): "4", str(unused): "0"}
    ordered = admin_client.get(CHANGELIST, {"o": "-4"}).context["cl"].result_list
    assert list(ordered) == [image, unused]


# ---------------------------------------------------------------------------- change form


def test_change_form_lists_where_the_image_is_used_with_links(admin_client):
    image, featured, in_text, author = used_everywhere()

    page = soup(admin_client.get(change_url(image)))

    entries = page.select(".field-used_in li")
    links = sorted((link["href"], text(link)) for entry in entries for link in entry.select("a"))
    assert links == sorted(
        [
            (change_url(featured), "Le palmarès"),
            (change_url(featured), "Le palmarès"),
            (change_url(in_text), "Les marches"),
            (change_url(author), "Marie Lenoir"),
        ]
    )
    in_text_label = str(BodyImage._meta.verbose_name)
    assert sum(text(entry).lower().startswith(in_text_label) for entry in entries) == 2


def test_unused_image_says_it_can_be_deleted(admin_client):
    image = make_image()

    page = soup(admin_client.get(change_url(image)))

    assert page.select_one(".field-used_in li") is None
    assert text(page.select_one(".field-used_in .readonly")) == gettext(
        "Nowhere yet: the image can be deleted."
    )


def test_add_form_has_no_preview_and_no_usage(admin_client):
    page = soup(admin_client.get(reverse("admin:images_image_add")))

    assert page.select_one("[data-focal-point]") is None
    assert page.select_one(".field-used_in") is None
    assert page.select_one("input[name=focal_x]")


def test_change_form_preview_is_a_focal_point_picker_over_a_rendition(admin_client):
    image = landscape(focal_x=0.25, focal_y=0.5)

    response = admin_client.get(change_url(image))

    page = soup(response)
    picker = page.select_one(".field-preview [data-focal-point]")
    preview = picker.select_one("img.focal-point__image")
    assert preview["src"].startswith("/media/renditions/")
    assert preview["src"] != image.file.url
    assert (preview["width"], preview["height"]) == ("320", "240")
    assert page.select_one(f"#{picker['data-x-input']}")["name"] == "focal_x"
    assert page.select_one(f"#{picker['data-y-input']}")["name"] == "focal_y"
    for name, value in [("focal_x", "0.25"), ("focal_y", "0.5")]:
        field = page.select_one(f"input[name={name}]")
        assert (field["type"], field["min"], field["max"], field["value"]) == (
            "number",
            "0",
            "1",
            value,
        )
    assert picker.select_one("button.focal-point__clear")["type"] == "button"
    scripts = [script["src"] for script in page.find_all("script", src=True)]
    assert "/static/admin-extra/focal-point.js" in scripts
    assert not [element for element in page.find_all(True) if "style" in element.attrs]


def test_focal_point_is_saved_and_crops_follow_it(admin_client):
    image = landscape()
    top = form_data(image, focal_x="0.5", focal_y="0")
    bottom = form_data(image, focal_x="0.5", focal_y="1")

    assert admin_client.post(change_url(image), top).status_code == 302
    image.refresh_from_db()
    top_crop = image.picture("wide").src
    top_box = renditions.plan(image)["wide"][0][2]
    assert admin_client.post(change_url(image), bottom).status_code == 302
    image.refresh_from_db()

    assert (image.focal_x, image.focal_y) == (0.5, 1.0)
    # 320×240 cropped to 16:9 is 320×180: from the top edge, then down to the bottom one.
    assert top_box == (0, 0, 320, 180)
    assert renditions.plan(image)["wide"][0][2] == (0, 60, 320, 240)
    assert image.picture("wide").src != top_crop
    assert image.picture("full").src.startswith("/media/renditions/")


def test_focal_point_needs_both_coordinates(admin_client):
    image = landscape()

    response = admin_client.post(change_url(image), form_data(image, focal_x="0.3"))

    page = soup(response)
    message = gettext("A focal point needs both coordinates: click the image again to set it.")
    assert text(page.select_one("form .errorlist.nonfield")) == message
    image.refresh_from_db()
    assert image.focal_point is None


def test_focal_point_outside_the_image_is_refused(admin_client):
    image = landscape()

    response = admin_client.post(change_url(image), form_data(image, focal_x="1.5", focal_y="0"))

    page = soup(response)
    assert page.select_one(".field-focal_x .errorlist")
    image.refresh_from_db()
    assert image.focal_point is None


# ---------------------------------------------------------------------------- deletion


def test_deleting_an_image_in_use_is_refused_and_names_the_places(editor):
    image, featured, in_text, author = used_everywhere()
    client = logged_in(editor)

    page = soup(client.get(delete_url(image)))

    places = page.select("#deleted-objects li")
    assert len(places) == 4
    assert {link["href"] for link in page.select("#deleted-objects a")} == {
        change_url(featured),
        change_url(in_text),
        change_url(author),
    }
    listed = text(page.select_one("#deleted-objects"))
    for name in ["Le palmarès", "Les marches", "Marie Lenoir"]:
        assert name in listed
    assert str(image) in text(page.select_one("#content"))
    # Refused, not a question of rights: no "Yes, I'm sure" and no list of permissions.
    assert page.select_one("input[name=post]") is None

    response = client.post(delete_url(image), {"post": "yes"})

    assert response.status_code == 200
    assert Image.objects.filter(pk=image.pk).exists()
    assert len(soup(response).select("#deleted-objects li")) == 4


def test_bulk_deletion_of_images_in_use_is_refused_and_names_the_places(editor):
    image, _featured, _in_text, author = used_everywhere()
    unused = make_image(title="Inutilisée")
    client = logged_in(editor)
    selection = {"action": "delete_selected", "_selected_action": [image.pk, unused.pk]}

    confirmation = soup(client.post(CHANGELIST, selection))
    response = client.post(CHANGELIST, {**selection, "post": "yes"})

    for page in [confirmation, soup(response)]:
        places = page.select_one("#deleted-objects")
        # The image in use, with its places under it; the unused one is not listed.
        assert [text(item.contents[0]) for item in places.find_all("li", recursive=False)] == [
            str(image)
        ]
        assert len(places.select("li li")) == 4
        assert change_url(author) in {link["href"] for link in places.select("a")}
        assert page.select_one("input[name=post]") is None
    assert Image.objects.filter(pk__in=[image.pk, unused.pk]).count() == 2


def test_unused_image_can_be_deleted(editor):
    image = make_image()
    client = logged_in(editor)

    assert soup(client.get(delete_url(image))).select_one("input[name=post]")
    assert client.post(delete_url(image), {"post": "yes"}).status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()


# ---------------------------------------------------------------------------- library endpoint


def library(client, **params):
    response = client.get(LIBRARY, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)["results"]


def test_library_gives_what_the_picker_shows(contributor):
    image = make_image(title="Affiche", alt_text="Une actrice", caption="Le soir", credit="AFP")

    [result] = library(logged_in(contributor))

    thumbnail = result.pop("thumbnail")
    assert result == {
        "id": image.pk,
        "title": "Affiche",
        "alt": "Une actrice",
        "caption": "Le soir",
        "credit": "AFP",
        "markdown": f"![](image:{image.pk})",
    }
    assert thumbnail["url"].startswith("/media/renditions/")
    assert thumbnail["srcset"].startswith("/media/renditions/")
    assert (thumbnail["width"], thumbnail["height"]) == (64, 48)
    assert thumbnail["sizes"] == "64px"


@pytest.mark.parametrize("query", ["affiche", "marches", "soir", "Gaumont"])
def test_library_searches_title_alt_text_caption_and_credit(admin_client, query):
    make_image(title="Affiche", alt_text="Les marches", caption="Le soir", credit="Gaumont")
    make_image(title="Autre", alt_text="Autre chose", caption="Autre légende", credit="AFP")

    assert [result["title"] for result in library(admin_client, q=query)] == ["Affiche"]


def test_library_lists_the_latest_24(admin_client, django_assert_max_num_queries):
    images = [make_image(title=f"Image {n}") for n in range(26)]

    with django_assert_max_num_queries(LIBRARY_MAX_QUERIES):
        results = library(admin_client)

    assert [result["id"] for result in results] == [image.pk for image in reversed(images)][:24]


def test_library_in_a_fixed_number_of_queries(contributor, django_assert_max_num_queries):
    client = logged_in(contributor)
    for _ in range(2):
        make_image()
    with django_assert_max_num_queries(LIBRARY_MAX_QUERIES) as two:
        library(client)
    for _ in range(8):
        make_image()

    with django_assert_max_num_queries(LIBRARY_MAX_QUERIES) as ten:
        assert len(library(client)) == 10

    assert len(ten) == len(two)


def test_library_is_for_staff_who_may_see_images(client):
    make_image()
    stranger = User.objects.create_user("visiteur", password="pw", is_staff=True)

    assert logged_in(stranger).get(LIBRARY).status_code == 403
    anonymous = client.get(LIBRARY)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("admin:login"))


def test_library_gives_the_images_a_text_names_by_number(contributor):
    first = make_image(title="Affiche", alt_text="Une actrice", caption="Le soir")
    second = make_image(title="Plateau")
    deleted = make_image()
    missing = deleted.pk
    deleted.delete()

    results = library(logged_in(contributor), ids=f"{second.pk},{missing},{first.pk}")

    # What the formatted view draws: the number, alt text, caption and a rendition.
    assert [result["id"] for result in results] == [first.pk, second.pk]
    assert results[0]["alt"] == "Une actrice"
    assert results[0]["caption"] == "Le soir"
    assert results[0]["thumbnail"]["url"].startswith("/media/renditions/")


@pytest.mark.parametrize(
    "ids",
    [",".join(["1"] * 25), "12,abc", "12,,14", "", "-3", "١٢", "9" * 20, "9" * 5000],
    ids=["over-24", "word", "empty-part", "empty", "negative", "arabic", "too-large", "huge"],
)
def test_library_refuses_numbers_it_could_not_hold(contributor, ids):
    response = logged_in(contributor).get(LIBRARY, {"ids": ids})

    assert response.status_code == 400
    assert json.loads(response.content)["error"] == (
        "Demandez au plus 24 numéros d’image, séparés par des virgules."
    )


def test_library_by_number_in_a_fixed_number_of_queries(contributor, django_assert_max_num_queries):
    client = logged_in(contributor)
    images = [make_image() for _ in range(24)]
    with django_assert_max_num_queries(LIBRARY_MAX_QUERIES) as two:
        library(client, ids=",".join(str(image.pk) for image in images[:2]))

    with django_assert_max_num_queries(LIBRARY_MAX_QUERIES) as all_of_them:
        assert len(library(client, ids=",".join(str(image.pk) for image in images))) == 24

    assert len(all_of_them) == len(two)


def test_library_by_number_is_for_staff_who_may_see_images(client):
    image = make_image()
    stranger = User.objects.create_user("visiteur", password="pw", is_staff=True)

    assert logged_in(stranger).get(LIBRARY, {"ids": image.pk}).status_code == 403
    assert client.get(LIBRARY, {"ids": image.pk}).status_code == 302


# ---------------------------------------------------------------------------- article form


def test_article_toolbar_has_the_image_button_and_its_dialog(contributor):
    page = soup(logged_in(contributor).get(ARTICLE_ADD))

    button = page.select_one("#writing-toolbar [data-markdown=image]")
    assert button["type"] == "button"
    assert button["aria-controls"] == "image-picker"
    dialog = page.select_one("dialog#image-picker")
    assert dialog["data-library-url"] == LIBRARY
    assert dialog.select_one("input[type=search]:not([name])")
    assert not dialog.select("[name]")
    # Who may add to the library sends an image from the dialog's second tab.
    tabs = dialog.select("[role=tab]")
    assert [text(tab) for tab in tabs] == ["De la médiathèque", "Envoyer une image"]
    assert dialog.select_one("#image-picker-upload input[type=file]")
    upload = page.select_one("dialog#image-upload")
    assert upload["data-upload-url"] == reverse("admin:images_image_from_article")
    assert not upload.select("[name]")
    scripts = [script["src"] for script in page.find_all("script", src=True)]
    assert "/static/admin-extra/image-picker.js" in scripts
    assert "/static/admin-extra/image-upload.js" in scripts
    cheatsheet = text(page.select_one("#writing-cheatsheet"))
    assert '](image:42 "' in cheatsheet


def test_no_upload_without_the_right_to_add_to_the_library(contributor):
    contributor.groups.clear()
    contributor.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_article", "change_article", "view_article", "view_image"],
        )
    )

    page = soup(logged_in(contributor).get(ARTICLE_ADD))

    assert page.select_one("#image-picker .image-picker__results") is not None
    assert page.select_one("#image-picker [role=tab]") is None
    assert page.select_one("#image-upload") is None
    scripts = [script["src"] for script in page.find_all("script", src=True)]
    assert "/static/admin-extra/image-upload.js" not in scripts


def test_no_image_button_without_the_right_to_see_the_library(contributor):
    contributor.groups.clear()
    contributor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["add_article", "change_article", "view_article"],
        )
    )

    page = soup(logged_in(contributor).get(ARTICLE_ADD))

    assert page.select_one("#writing-toolbar [data-markdown=bold]")
    assert page.select_one("[data-markdown=image]") is None
    assert page.select_one("#image-picker") is None
    # Nor images drawn in the formatted view: they show as their number.
    assert not page.select_one("#writing-tools").has_attr("data-library-url")


def test_the_formatted_view_shows_images_through_the_library(contributor):
    tools = soup(logged_in(contributor).get(ARTICLE_ADD)).select_one("#writing-tools")

    assert tools["data-library-url"] == LIBRARY
    assert tools["data-text-image-missing"] == "Image introuvable (n°\u00a0%(number)s)"
