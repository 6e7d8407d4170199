"""Publishing from the article form: the state badge, one button per move, what each says."""

from datetime import UTC, datetime
from unittest.mock import Mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article
from markup import rendering
from markup.rendering import Outline
from newsroom.checklist import checklist
from tests.factories import image_bytes, logged_in, make_article, make_image
from tests.pages import soup, text
from tests.test_roles import change_url, draft_of, form_data, logged

pytestmark = pytest.mark.django_db

TITLE = "Cannes ouvre ses portes"
EMBARGO = datetime(2036, 12, 3, 8, 0, tzinfo=UTC)


def page_of(client, article):
    return soup(client.get(change_url(article)))


def buttons(page):
    return [text(button) for button in page.select(".publishing-panel button")]


def badge(page):
    return text(page.select_one(".publishing-state"))


def press(client, article, move=None, **changes):
    """The form posted with ``move``'s button (None: « Enregistrer »), then the page it leads to."""
    data = form_data(article, **changes)
    if move is not None:
        data["publishing"] = move
    return client.post(change_url(article), data, follow=True)


def success(response):
    return [text(li) for li in soup(response).select(".messagelist .success")]


def schedule_at(day, time):
    return {"scheduled_for_0": day, "scheduled_for_1": time}


# The badge


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"status": Article.Status.DRAFT, "published_at": None}, "Brouillon"),
        ({"status": Article.Status.REVIEW, "published_at": None}, "En relecture"),
        (
            {"published_at": datetime(2036, 12, 12, 5, 0, tzinfo=UTC)},
            "Programmé pour le 12 décembre 2036 à 6 h 00",
        ),
        (
            # Published now, to the second: the badge says the minute.
            {"published_at": datetime(2026, 7, 14, 18, 30, 27, tzinfo=UTC)},
            "Publié le 14 juillet 2026 à 20 h 30",
        ),
        (
            {"status": Article.Status.REVIEW, "published_at": None, "embargo_until": EMBARGO},
            "En relecture Sous embargo jusqu’au 3 décembre 2036 à 9 h 00",
        ),
    ],
)
def test_the_form_shows_the_articles_state_as_a_badge(editor, fields, said):
    article = make_article(**fields)

    assert badge(page_of(logged_in(editor), article)) == f"État : {said}"


# The buttons offered


def test_a_contributor_may_save_their_draft_or_submit_it(contributor):
    page = page_of(logged_in(contributor), draft_of(contributor))

    assert buttons(page) == ["Enregistrer le brouillon", "Soumettre à la relecture"]
    assert page.select_one(".publishing-schedule") is None


@pytest.mark.parametrize(
    ("fields", "offered"),
    [
        (
            {"status": Article.Status.DRAFT, "published_at": None},
            [
                "Enregistrer le brouillon",
                "Soumettre à la relecture",
                "Publier maintenant",
                "Programmer…",
            ],
        ),
        (
            {"status": Article.Status.REVIEW, "published_at": None},
            ["Enregistrer", "Renvoyer en brouillon", "Publier maintenant", "Programmer…"],
        ),
        (
            {"published_at": datetime(2036, 12, 12, 5, 0, tzinfo=UTC)},
            ["Enregistrer les modifications", "Publier maintenant", "Dépublier", "Programmer…"],
        ),
        ({}, ["Enregistrer les modifications", "Dépublier"]),
        # Under embargo, publishing now would be refused: only a date after it is offered.
        (
            {"status": Article.Status.REVIEW, "published_at": None, "embargo_until": EMBARGO},
            ["Enregistrer", "Renvoyer en brouillon", "Programmer…"],
        ),
    ],
)
def test_an_editor_is_offered_the_moves_of_the_articles_state(editor, fields, offered):
    page = page_of(logged_in(editor), make_article(**fields))

    assert buttons(page) == offered
    assert not page.select("[name=status], [name^=published_at]")


def test_the_schedule_date_is_a_plain_date_and_time_beside_its_button(editor):
    page = page_of(logged_in(editor), make_article(status=Article.Status.REVIEW))

    schedule = page.select_one("fieldset.publishing-schedule")
    assert text(schedule.legend) == "Date et heure de publication (heure de Paris)"
    assert schedule.select_one("input[name=scheduled_for_0][type=date]")
    assert schedule.select_one("input[name=scheduled_for_1][type=time]")
    button = schedule.select_one("button[type=submit]")
    assert (button["name"], button["value"]) == ("publishing", "schedule")
    # Inside the article's form, so that it posts without script.
    assert schedule.find_parent("form", id="article_form")


# Each button and its message


def test_saving_a_draft_says_so(editor):
    article = make_article(title=TITLE, status=Article.Status.DRAFT, published_at=None)

    response = press(logged_in(editor), article, body="Un texte revu.")

    assert success(response) == [f"« {TITLE} » est enregistré comme brouillon."]
    article.refresh_from_db()
    assert (article.status, article.body) == (Article.Status.DRAFT, "Un texte revu.")
    assert badge(soup(response)) == "État : Brouillon"


def test_submitting_says_it_is_in_review(contributor):
    article = draft_of(contributor, title=TITLE)

    response = press(logged_in(contributor), article, "review")

    assert success(response) == [f"« {TITLE} » est soumis à la relecture."]
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert logged(article) == [("submitted", contributor.username)]


def test_sending_back_to_draft_says_the_writer_may_edit_again(editor, contributor):
    article = draft_of(contributor, title=TITLE, status=Article.Status.REVIEW)

    response = press(logged_in(editor), article, "draft")

    assert success(response) == [
        f"« {TITLE} » est renvoyé en brouillon : son auteur peut de nouveau le modifier."
    ]
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_publishing_now_says_it_is_published(editor):
    article = make_article(title=TITLE, status=Article.Status.REVIEW, published_at=None)

    response = press(logged_in(editor), article, "publish")

    assert success(response) == [f"« {TITLE} » est publié : il est en ligne dès maintenant."]
    article.refresh_from_db()
    assert article.is_published
    assert logged(article) == [("published", editor.username)]
    assert "modifié avec succès" not in response.content.decode()


@pytest.mark.parametrize(
    ("day", "time", "stored", "said"),
    [
        (
            "2036-12-12",
            "06:00",
            datetime(2036, 12, 12, 5, 0, tzinfo=UTC),
            "12 décembre 2036 à 6 h 00",
        ),
        (
            "2036-07-14",
            "20:00",
            datetime(2036, 7, 14, 18, 0, tzinfo=UTC),
            "14 juillet 2036 à 20 h 00",
        ),
    ],
    ids=["winter time", "summer time"],
)
def test_scheduling_without_script_reads_paris_time_and_says_when(editor, day, time, stored, said):
    article = make_article(title=TITLE, status=Article.Status.REVIEW, published_at=None)

    response = press(logged_in(editor), article, "schedule", **schedule_at(day, time))

    assert success(response) == [f"« {TITLE} » sera publié le {said} (heure de Paris)."]
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.PUBLISHED, stored)
    assert badge(soup(response)) == f"État : Programmé pour le {said}"


def test_saving_a_scheduled_article_says_when_it_goes_live(editor):
    article = make_article(title=TITLE, published_at=datetime(2036, 12, 12, 5, 0, tzinfo=UTC))

    response = press(logged_in(editor), article, body="Corrigé.")

    assert success(response) == [
        f"« {TITLE} » est enregistré ; il sera publié le 12 décembre 2036 à 6 h 00 "
        "(heure de Paris)."
    ]


def test_saving_a_published_article_says_readers_see_the_changes(editor):
    article = make_article(title=TITLE)

    response = press(logged_in(editor), article, body="Corrigé.")

    assert success(response) == [
        f"« {TITLE} » est enregistré ; les lecteurs voient les modifications."
    ]
    article.refresh_from_db()
    assert article.is_published and article.body == "Corrigé."


def test_unpublishing_says_it_is_off_the_site(editor):
    article = make_article(title=TITLE)

    response = press(logged_in(editor), article, "unpublish")

    assert success(response) == [
        f"« {TITLE} » est dépublié : il redevient un brouillon et quitte le site."
    ]
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert logged(article) == [("unpublished", editor.username)]


def history_lines(client, article):
    page = soup(client.get(reverse("admin:articles_article_history", args=[article.pk])))
    return [
        [text(cell) for cell in row.select("td")] for row in page.select("#change-history tr")[1:]
    ]


def test_each_button_s_move_is_a_line_of_the_article_s_history(editor, contributor):
    # The buttons set the status and date outside the form's fields: the history said
    # « Aucun champ modifié » for each, and « Date et heure de publication » when scheduling.
    article = draft_of(contributor, title=TITLE)
    writer, desk = logged_in(contributor), logged_in(editor)

    for client, move, changes in [
        (writer, "review", {}),
        (desk, "draft", {}),
        (desk, "publish", {}),
        (desk, "unpublish", {}),
        (desk, "schedule", {"body": "Corrigé.", **schedule_at("2036-12-12", "06:00")}),
    ]:
        article.refresh_from_db()  # The version the next form is opened with.
        press(client, article, move, **changes)

    assert history_lines(desk, article) == [
        ["Camille", "Soumis à la relecture."],
        ["Ines", "Renvoyé en brouillon."],
        ["Ines", "Publié."],
        ["Ines", "Dépublié."],
        ["Ines", "Modifié : Corps. Programmé pour le 12 décembre 2036 à 6 h 00 (heure de Paris)."],
    ]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (schedule_at("", ""), "Choisissez la date et l’heure de publication"),
        (schedule_at("2020-01-01", "12:00"), "Cette date est passée"),
    ],
)
def test_scheduling_without_a_usable_date_keeps_the_form_and_says_why(editor, typed, said):
    article = make_article(status=Article.Status.REVIEW, published_at=None)

    response = press(logged_in(editor), article, "schedule", body="Mon texte.", **typed)

    page = soup(response)
    assert said in text(page.select_one(".publishing-schedule .errorlist"))
    assert page.select_one("[name=body]").text.strip() == "Mon texte."
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_a_button_that_no_longer_applies_saves_nothing(editor):
    article = make_article(title=TITLE)

    response = press(logged_in(editor), article, "publish", body="Réécrit.")

    errors = [text(li) for li in soup(response).select(".errorlist.nonfield li")]
    assert errors == [
        "Ce bouton ne s’applique pas à l’article dans son état actuel (Publié) : rien n’a été "
        "enregistré. Rechargez la page pour voir ses boutons."
    ]
    article.refresh_from_db()
    assert article.body != "Réécrit."


def test_an_editor_may_publish_whatever_the_checklist_says(editor):
    article = make_article(title="T" * 90, status=Article.Status.REVIEW, published_at=None)

    press(logged_in(editor), article, "publish", body="Voir [ici](https://exemple.fr).")

    article.refresh_from_db()
    assert article.is_published


def test_publishing_renders_the_body_once(editor, monkeypatch):
    article = make_article(status=Article.Status.REVIEW, published_at=None)
    render = Mock(wraps=rendering.render)
    monkeypatch.setattr(rendering, "render", render)

    logged_in(editor).post(change_url(article), form_data(article, publishing="publish"))

    assert [call.args[0] for call in render.call_args_list] == [article.body]


# The checklist


def wide_image(width=1200):
    data = image_bytes(width=width, height=width * 9 // 16)
    return make_image(file=SimpleUploadedFile("large.png", data, content_type="image/png"))


def ready_article(**fields):
    """An article the checklist finds nothing to say about."""
    still = make_image(alt_text="Une salle de cinéma")
    return make_article(
        **{
            "title": TITLE,
            "status": Article.Status.REVIEW,
            "published_at": None,
            "featured_image": wide_image(),
            "tags": ["Cannes"],
            "body": (
                "## La sélection\n\nLire [notre critique du film](https://exemple.fr/critique)."
                f"\n\n![](image:{still.pk})\n\n### Les favoris\n\n## Le jury\n\nUn paragraphe."
            ),
            **fields,
        }
    )


def checks(editor, article):
    page = page_of(logged_in(editor), article)
    return [text(li) for li in page.select(".publishing-checklist li")], page


def test_the_checklist_says_nothing_is_missing_when_nothing_is(editor):
    found, page = checks(editor, ready_article())

    assert found == []
    assert text(page.select_one(".publishing-checklist")) == "Avant de publier Rien ne manque."


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"title": "T" * 71}, "Le titre fait 71 caractères"),
        ({"tags": []}, "Pas d’étiquettes"),
        ({"featured_image": None}, "Pas d’image principale"),
        ({"featured_image": "small"}, "L’image principale fait 1199 px de large"),
        ({"body": "### Les favoris\n\nUn texte."}, "avant tout intertitre de niveau 2"),
        ({"body": "## A\n\n#### Les favoris"}, "un niveau est sauté"),
        ({"body": "Lire [ici](https://exemple.fr)."}, "Le lien « ici » ne dit pas où il mène"),
        ({"body": "[Cliquez ici](https://exemple.fr)"}, "Le lien « Cliquez ici »"),
        ({"body": "Le [lien](https://exemple.fr)."}, "Le lien « lien »"),
        ({"body": "Voir <https://exemple.fr/film>."}, "Le lien « https://exemple.fr/film »"),
        ({"body": "![](https://exemple.fr/a.jpg)"}, "1 image du texte n’a pas de texte alternatif"),
    ],
)
def test_the_checklist_names_what_is_missing_or_weak(editor, fields, said):
    if fields.get("featured_image") == "small":
        fields["featured_image"] = wide_image(1199)

    found, page = checks(editor, ready_article(**fields))

    assert len(found) == 1 and said in found[0], found
    assert "vous pouvez publier quand même" in text(page.select_one(".publishing-checklist"))


def test_library_images_and_footnotes_are_not_weak(editor):
    decorative = make_image(alt_text="", is_decorative=True)
    body = f"## A\n\nUn texte[^1].\n\n![](image:{decorative.pk})\n\n[^1]: Une note."

    found, _page = checks(editor, ready_article(body=body))

    assert found == []


def test_the_checklist_reads_a_missing_section_and_standfirst():
    article = Article(title=TITLE, standfirst=" ", section=None)

    rules = [check.rule for check in checklist(article, Outline(), tags=["Cannes"])]

    assert rules == ["standfirst", "section", "featured_image"]


def test_a_refused_form_shows_the_checklist_of_what_was_typed(editor):
    article = ready_article()

    response = press(
        logged_in(editor), article, "schedule", body="### Sous-titre", **schedule_at("", "")
    )

    found = [text(li) for li in soup(response).select(".publishing-checklist li")]
    assert any("« Sous-titre »" in check for check in found), found
