"""
The media library as a library: a grid of cards with filters, several files uploaded
at once through the image form's own checks, the crops previewed under the focal
point, images chosen by thumbnail and title, and a valid upload kept across an error.
"""

import io
import os
import time

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PillowImage

from images import renditions
from images.forms import KEPT_FOLDER
from images.models import Image
from tests.factories import (
    CONTRIBUTOR,
    image_bytes,
    logged_in,
    make_article,
    make_author,
    make_image,
    make_member,
)
from tests.pages import soup, text

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:images_image_changelist")
UPLOAD = reverse("admin:images_image_upload")
ADD = reverse("admin:images_image_add")
DESCRIBE = reverse("admin:images_image_describe")
JSON = {"HTTP_ACCEPT": "application/json"}
# Session, user, the two counts of the pagination, the page of images (usage
# counts are its subqueries) and the uploaders the filter offers.
GRID_QUERIES = 7


def upload(name="affiche.png", width=320, height=240, image_format="PNG"):
    data = image_bytes(width, height, image_format)
    return SimpleUploadedFile(name, data, content_type=f"image/{image_format.lower()}")


def sized(width, height, **fields):
    return make_image(file=upload(f"{width}x{height}.png", width, height), **fields)


def kept_files():
    try:
        return default_storage.listdir(KEPT_FOLDER)[1]
    except FileNotFoundError:
        return []


# -------------------------------------------------------------------------------- grid


def test_the_library_is_a_grid_of_cards_at_their_own_proportions(admin_client):
    portrait = sized(120, 240, title="Portrait de Marie", credit="Studio Lune", licence="CC BY")
    sized(320, 180, title="Plan large")

    page = soup(admin_client.get(CHANGELIST))

    assert not page.select("#result_list")
    cards = page.select(".library-grid .library-card")
    assert [text(card.select_one(".library-card__title")) for card in cards] == [
        "Plan large",
        "Portrait de Marie",
    ]
    card = cards[1]
    assert card.select_one("a")["href"] == reverse("admin:images_image_change", args=[portrait.pk])
    picture = card.select_one("img")
    # Drawn at its own proportions, from a rendition, never squashed into the frame.
    assert picture["src"].startswith("/media/renditions/")
    assert int(picture["width"]) * 2 == int(picture["height"])
    assert "120 × 240" in text(card)
    assert "Studio Lune · CC BY" in text(card)
    assert "Utilisée nulle part" in text(card)


def test_the_grid_costs_the_same_queries_for_3_and_30_images(
    admin_client, django_assert_max_num_queries
):
    for _ in range(3):
        make_article(featured_image=make_image())
    with django_assert_max_num_queries(GRID_QUERIES) as three:
        admin_client.get(CHANGELIST)
    for _ in range(27):
        make_author(avatar=make_image())

    with django_assert_max_num_queries(GRID_QUERIES) as thirty:
        page = soup(admin_client.get(CHANGELIST))

    assert len(three) == len(thirty)
    assert len(page.select(".library-card")) == 30


def test_the_grid_pages_as_the_admin_does(admin_client):
    for _ in range(51):
        make_image()

    first = soup(admin_client.get(CHANGELIST))
    second = soup(admin_client.get(CHANGELIST, {"p": 2}))

    assert len(first.select(".library-card")) == 50
    assert len(second.select(".library-card")) == 1


def test_the_grid_works_with_search_and_the_list_keeps_the_filters(admin_client):
    make_image(title="Affiche de Dune", alt_text="")
    make_image(title="Affiche de Barbie")

    page = soup(admin_client.get(CHANGELIST, {"q": "Dune", "description": "manquante"}))

    assert [text(title) for title in page.select(".library-card__title")] == ["Affiche de Dune"]
    assert "Texte alternatif à écrire" in text(page.select_one(".library-card"))
    list_link = page.select_one(".library-layout a[href*=vue]")["href"]
    assert "q=Dune" in list_link and "description=manquante" in list_link
    table = soup(admin_client.get(f"{CHANGELIST}{list_link}"))
    assert [text(cell) for cell in table.select("#result_list .field-name")] == ["Affiche de Dune"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"orientation": "paysage"}, ["Paysage"]),
        ({"orientation": "portrait"}, ["Portrait"]),
        ({"orientation": "carre"}, ["Carré"]),
        ({"description": "manquante"}, ["Carré"]),
        ({"usage": "oui"}, ["Portrait"]),
        ({"usage": "non"}, ["Carré", "Paysage"]),
    ],
)
def test_filters_by_orientation_description_and_use(admin_client, filters, expected):
    sized(320, 240, title="Paysage")
    portrait = sized(120, 240, title="Portrait")
    sized(200, 200, title="Carré", alt_text="")
    make_article(featured_image=portrait)

    page = soup(admin_client.get(CHANGELIST, filters))

    assert [text(title) for title in page.select(".library-card__title")] == expected


def test_filter_by_who_uploaded(admin_client, editor):
    mine = make_image(title="La mienne", uploaded_by=editor)
    make_image(title="Une autre")

    page = soup(admin_client.get(CHANGELIST))
    filters = text(page.select_one("#changelist-filter"))
    found = soup(admin_client.get(CHANGELIST, {"uploaded_by__id__exact": editor.pk}))

    assert "Envoyée par" in filters
    assert editor.username in filters
    assert [text(title) for title in found.select(".library-card__title")] == [str(mine)]


def test_bulk_actions_work_from_the_grid(admin_client):
    unused = make_image(title="À supprimer")

    page = soup(admin_client.get(CHANGELIST))
    selection = {"action": "delete_selected", "_selected_action": [unused.pk], "post": "yes"}

    assert page.select_one(f"input[name=_selected_action][value='{unused.pk}']")
    admin_client.post(CHANGELIST, selection)
    assert not Image.objects.filter(pk=unused.pk).exists()


# ------------------------------------------------------------------------------ upload


def test_upload_page_offers_several_files_and_the_shared_fields(contributor):
    page = soup(logged_in(contributor).get(UPLOAD))

    files = page.select_one("input[type=file][name=file]")
    assert files.has_attr("multiple")
    assert "image/jpeg" in files["accept"]
    assert page.select_one("input[name=csrfmiddlewaretoken]")
    assert page.select_one("[name=licence]") and page.select_one("[name=credit]")
    assert not page.select_one("[name=alt_text]")


def test_upload_needs_the_right_to_add_images(client):
    reader = User.objects.create_user("lecteur", password="pw", is_staff=True)

    response = logged_in(reader).post(UPLOAD, {"licence": "CC BY", "file": upload()}, **JSON)

    assert response.status_code == 403
    assert not Image.objects.exists()


def test_each_file_is_uploaded_alone_and_answers_json(contributor):
    response = logged_in(contributor).post(
        UPLOAD, {"licence": "Dossier de presse", "credit": "Studio Lune", "file": upload()}, **JSON
    )

    assert response.status_code == 201
    answer = response.json()
    image = Image.objects.get()
    assert answer["id"] == image.pk
    assert answer["title"] == "affiche.png"
    assert answer["url"] == f"{DESCRIBE}?id={image.pk}"
    assert answer["thumbnail"]["url"].startswith("/media/renditions/")
    assert (image.licence, image.credit, image.uploaded_by) == (
        "Dossier de presse",
        "Studio Lune",
        contributor,
    )
    # Cleaned and drawn as the image form does, and waiting for its alt text.
    assert image.renditions["shapes"]["full"]
    assert image.needs_description
    assert Image.objects.needing_description().get() == image


def test_an_uploaded_file_goes_through_the_image_forms_checks(contributor, settings):
    settings.IMAGE_MAX_PIXELS = 10_000
    client = logged_in(contributor)

    too_large = client.post(UPLOAD, {"licence": "CC BY", "file": upload()}, **JSON)
    not_an_image = client.post(
        UPLOAD,
        {"licence": "CC BY", "file": SimpleUploadedFile("faux.jpg", b"pas une image")},
        **JSON,
    )

    assert too_large.status_code == 400
    (message,) = too_large.json()["errors"]
    assert message.startswith("Cette image mesure 320\u00a0×\u00a0240 pixels")
    assert not_an_image.status_code == 400
    assert "ne peut pas être lu comme une image" in not_an_image.json()["errors"][0]
    assert not Image.objects.exists()


def test_posting_no_file_says_to_choose_one(contributor):
    page = soup(logged_in(contributor).post(UPLOAD, {"licence": "CC BY"}))

    assert text(page.select_one(".library-upload__drop .errorlist")) == (
        "Choisissez ou déposez au moins une image."
    )


def test_upload_without_licence_is_refused_once_in_french(contributor):
    response = logged_in(contributor).post(UPLOAD, {"licence": "", "file": upload()}, **JSON)

    assert response.status_code == 400
    assert response.json()["errors"] == ["Licence ou source\u00a0: Ce champ est obligatoire."]
    assert not Image.objects.exists()


def test_without_javascript_every_chosen_file_is_posted_at_once(contributor):
    files = [upload("un.png"), upload("deux.png", 240, 320), SimpleUploadedFile("trois.png", b"x")]

    page = soup(logged_in(contributor).post(UPLOAD, {"licence": "CC BY", "file": files}))

    lines = page.select(".library-upload__file")
    assert [text(line.select_one(".library-upload__name")) for line in lines] == [
        "un.png",
        "deux.png",
        "trois.png",
    ]
    assert [image.file.name.rsplit("/", 1)[1] for image in Image.objects.order_by("pk")] == [
        "un.png",
        "deux.png",
    ]
    first, second = Image.objects.order_by("pk")
    assert [line.select_one("a")["href"] for line in lines[:2]] == [
        f"{DESCRIBE}?id={first.pk}",
        f"{DESCRIBE}?id={second.pk}",
    ]
    assert lines[2].select_one(".errorlist")
    # Each file's errors, and no « required » on the field the files came through.
    assert not page.select_one(".library-upload__drop .errorlist")
    assert page.select_one("[data-upload-next] a")["href"] == (
        f"{DESCRIBE}?id={first.pk}&id={second.pk}"
    )


def test_uploaded_images_are_in_the_history(contributor):
    logged_in(contributor).post(UPLOAD, {"licence": "CC BY", "file": upload()}, **JSON)

    entry = LogEntry.objects.get()
    assert entry.user == contributor and entry.is_addition()


# ---------------------------------------------------------------------------- describe


def describe_data(page, **alt_texts):
    """What the describing form posts as drawn, with alt texts by image title."""
    data = {
        field["name"]: field.get("value", "")
        for field in page.select("form.library-describe input")
        if field.get("type") not in {"checkbox", "submit"}
    }
    for heading in page.select(".library-describe__image"):
        title = text(heading.select_one("h2"))
        if title in alt_texts:
            data[heading.select_one("input[name$=alt_text]")["name"]] = alt_texts[title]
    return data


def test_a_contributor_describes_the_images_they_uploaded_in_one_form(contributor):
    client = logged_in(contributor)
    for name in ("un.png", "deux.png"):
        client.post(UPLOAD, {"licence": "CC BY", "file": upload(name)}, **JSON)
    someone_elses = make_image(title="D’une autre", alt_text="")
    first, second = Image.objects.filter(uploaded_by=contributor).order_by("pk")

    url = f"{DESCRIBE}?id={first.pk}&id={second.pk}&id={someone_elses.pk}"
    page = soup(client.get(url))
    titles = [text(heading) for heading in page.select(".library-describe__image h2")]
    response = client.post(
        url, describe_data(page, **{"un.png": "Une affiche", "deux.png": "Un plateau"})
    )

    assert titles == ["deux.png", "un.png"]
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    someone_elses.refresh_from_db()
    assert (first.alt_text, second.alt_text, someone_elses.alt_text) == (
        "Une affiche",
        "Un plateau",
        "",
    )
    assert LogEntry.objects.filter(action_flag=2, user=contributor).count() == 2


def test_describing_still_asks_for_alt_text_or_decorative(editor):
    image = make_image(title="Affiche", alt_text="")
    client = logged_in(editor)
    page = soup(client.get(DESCRIBE))

    response = client.post(DESCRIBE, describe_data(page))

    assert response.status_code == 200
    assert "Décrivez l’image pour les lecteurs qui ne la voient pas" in text(
        soup(response).select_one(".library-describe__image")
    )
    image.refresh_from_db()
    assert image.alt_text == ""


def test_describing_without_ids_lists_the_images_lacking_alt_text(editor):
    make_image(title="Décrite")
    make_image(title="À décrire", alt_text="")
    make_image(title="Décorative", alt_text="", is_decorative=True)

    page = soup(logged_in(editor).get(DESCRIBE))

    assert [text(heading) for heading in page.select(".library-describe__image h2")] == [
        "À décrire"
    ]


# ------------------------------------------------------------------------------- crops


def crop_frames(page):
    return {
        text(crop.select_one(".crop-preview__label")): crop.select_one("[data-crop]")
        for crop in page.select(".crop-preview")
    }


def test_change_page_shows_the_three_crops_from_the_renditions(admin_client):
    image = sized(320, 240, focal_x=0.2, focal_y=0.8)

    page = soup(admin_client.get(reverse("admin:images_image_change", args=[image.pk])))

    previews = page.select_one("[data-crop-previews]")
    assert (previews["data-width"], previews["data-height"]) == ("320", "240")
    frames = crop_frames(page)
    assert list(frames) == [
        "16:9, pour les cartes",
        "Carré, pour les portraits",
        "Carte sociale, 1200 × 630",
    ]
    assert [frame["data-crop"] for frame in frames.values()] == ["16:9", "1:1", "1200:630"]
    for frame, shape in zip(
        frames.values(), ["wide", "square", renditions.SOCIAL_CARD], strict=True
    ):
        assert frame.img["src"] == image.picture(shape).src
        assert frame.img["src"].startswith("/media/renditions/")


# ------------------------------------------------------------------------------ chooser


def test_image_choosers_show_title_and_thumbnail(admin_client):
    image = make_image(title="", alt_text="Une femme sur les marches", file=upload("cannes.png"))
    make_author(avatar=image)

    answer = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "authors", "model_name": "author", "field_name": "avatar", "term": ""},
    ).json()

    (result,) = answer["results"]
    assert result["text"] == "cannes.png"
    assert result["thumbnail"]["url"].startswith("/media/renditions/")
    assert result["thumbnail"]["width"] <= 64


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (reverse("admin:articles_article_add"), "featured_image"),
        (reverse("admin:authors_author_add"), "avatar"),
        (reverse("admin:works_work_add"), "poster"),
    ],
)
def test_every_image_field_is_a_chooser_with_thumbnails(admin_client, url, field):
    page = soup(admin_client.get(url))

    select = page.select_one(f"select[name={field}]")
    assert "admin-autocomplete" in select["class"]
    assert select.has_attr("data-image-chooser")
    scripts = [script["src"] for script in page.select("script[src]")]
    autocomplete = next(i for i, src in enumerate(scripts) if src.endswith("autocomplete.js"))
    chooser = next(i for i, src in enumerate(scripts) if src.endswith("image-chooser.js"))
    assert autocomplete < chooser


def test_an_image_is_named_by_its_title_or_file_never_its_alt_text():
    titled = make_image(title="Affiche", alt_text="Une affiche rouge")
    untitled = make_image(title="", alt_text="Une affiche bleue", file=upload("bleue.png"))

    assert str(titled) == "Affiche"
    assert str(untitled) == "bleue.png"


# ------------------------------------------------------------------- kept after an error


def test_a_valid_file_is_kept_when_another_field_is_wrong(contributor):
    client = logged_in(contributor)
    form = {"licence": "CC BY", "alt_text": "", "caption": "", "credit": "", "title": ""}

    first = client.post(ADD, {**form, "file": upload("marches.png")})

    assert first.status_code == 200
    assert not Image.objects.exists()
    page = soup(first)
    assert page.select_one(".errornote")
    token = page.select_one("input[name=kept_upload]")["value"]
    kept = page.select_one(".kept-upload")
    assert "« marches.png » est conservé" in text(kept)
    assert kept.img["src"].startswith(f"/media/{KEPT_FOLDER}/")
    assert len(kept_files()) == 1

    second = client.post(ADD, {**form, "alt_text": "Les marches du palais", "kept_upload": token})

    assert second.status_code == 302
    image = Image.objects.get()
    assert image.alt_text == "Les marches du palais"
    assert image.file.name.endswith("/marches.png")
    assert (image.width, image.height) == (320, 240)
    assert image.renditions["shapes"]["full"]
    assert image.uploaded_by == contributor
    assert kept_files() == []


def test_the_kept_file_has_no_camera_metadata():
    pixels = PillowImage.new("RGB", (64, 48), "red")
    exif = PillowImage.Exif()
    exif[0x010F] = "Appareil de la rédaction"
    buffer = io.BytesIO()
    pixels.save(buffer, "JPEG", exif=exif.tobytes())
    assert b"Appareil" in buffer.getvalue()
    user = make_member(CONTRIBUTOR, "ines")

    logged_in(user).post(
        ADD,
        {"licence": "CC BY", "file": SimpleUploadedFile("photo.jpg", buffer.getvalue())},
    )

    (name,) = kept_files()
    with default_storage.open(f"{KEPT_FOLDER}/{name}") as kept:
        assert b"Appareil" not in kept.read()


def test_a_kept_file_is_for_the_account_that_sent_it_alone(contributor, editor):
    form = {"licence": "CC BY", "alt_text": ""}
    first = logged_in(contributor).post(ADD, {**form, "file": upload()})
    token = soup(first).select_one("input[name=kept_upload]")["value"]

    stolen = logged_in(editor).post(ADD, {**form, "alt_text": "Volée", "kept_upload": token})
    forged = logged_in(contributor).post(
        ADD, {**form, "alt_text": "Forgée", "kept_upload": token[:-2] + "xx"}
    )

    for response in (stolen, forged):
        assert response.status_code == 200
        assert "file" in response.context["adminform"].form.errors
    assert not Image.objects.exists()


def test_no_file_is_kept_when_the_file_itself_is_wrong(contributor):
    response = logged_in(contributor).post(
        ADD,
        {"licence": "", "alt_text": "", "file": SimpleUploadedFile("faux.png", b"pas une image")},
    )

    assert response.status_code == 200
    assert not soup(response).select_one(".kept-upload")
    assert kept_files() == []


def test_kept_uploads_older_than_a_day_are_swept(contributor):
    old = default_storage.save(f"{KEPT_FOLDER}/abandonne.png", io.BytesIO(image_bytes()))
    path = default_storage.path(old)
    day_and_a_bit = time.time() - 25 * 3600
    os.utime(path, (day_and_a_bit, day_and_a_bit))

    logged_in(contributor).post(ADD, {"licence": "CC BY", "alt_text": "", "file": upload()})

    assert "abandonne.png" not in kept_files()
    assert len(kept_files()) == 1
