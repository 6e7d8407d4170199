"""
The desk, the admin's home: what each role finds there, one click from each article,
in a fixed number of queries.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from newsroom.desk import start_of_today
from newsroom.models import Note
from tests.factories import CONTRIBUTOR, logged_in, make_article, make_author, make_member
from tests.pages import soup, text

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
DESK = reverse("admin:index")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def desk_list(page, name):
    """The desk's list ``name`` (drafts, review, scheduled, embargoes, published_today, notes)."""
    return page.select_one(f".desk-{name}")


def titles(page, name):
    return [text(link) for link in desk_list(page, name).select(".desk-title")]


def draft(author, **fields):
    return make_article(authors=[author], status=Article.Status.DRAFT, published_at=None, **fields)


def in_review(author, **fields):
    return make_article(authors=[author], status=Article.Status.REVIEW, published_at=None, **fields)


def scheduled(author, when=None, **fields):
    when = when or timezone.now() + timedelta(days=2)
    return make_article(authors=[author], published_at=when, **fields)


@pytest.fixture
def newsroom(contributor, editor):
    """A contributor's work and a colleague's, in every state the desk shows."""
    colleague = make_author(name="Colette")
    now = timezone.now()
    midnight = start_of_today()
    return {
        "own_draft": draft(contributor.author_profile, title="Mon brouillon"),
        "own_review": in_review(contributor.author_profile, title="Mon texte soumis"),
        "own_scheduled": scheduled(contributor.author_profile, title="Ma critique programmée"),
        "editor_draft": draft(editor.author_profile, title="Le brouillon d’Inès"),
        "other_draft": draft(colleague, title="Brouillon de Colette"),
        "other_review": in_review(colleague, title="Texte de Colette à relire"),
        "other_scheduled": scheduled(colleague, title="Colette programmée"),
        "embargo_soon": in_review(
            colleague, title="Sous embargo jusqu’à jeudi", embargo_until=now + timedelta(days=3)
        ),
        "embargo_later": in_review(
            colleague, title="Sous embargo le mois prochain", embargo_until=now + timedelta(days=30)
        ),
        "published_today": make_article(
            authors=[colleague], title="Publié à minuit", published_at=midnight
        ),
        "published_before": make_article(
            authors=[colleague],
            title="Publié hier soir",
            published_at=midnight - timedelta(minutes=1),
        ),
    }


def test_the_desk_is_the_admin_home_and_keeps_the_list_of_models(editor):
    page = soup(logged_in(editor).get(DESK))

    assert text(page.select_one("h1")) == "Le desk"
    sidebar = page.select_one("#content-related")
    assert sidebar.select_one(f'a[href="{reverse("admin:articles_article_changelist")}"]')
    assert sidebar.select_one(f'a[href="{reverse("admin:articles_section_changelist")}"]')
    # The desk comes first in the page.
    assert page.select_one("#content-main.desk").sourceline < sidebar.sourceline


def test_an_editor_sees_the_whole_desk(editor, newsroom):
    page = soup(logged_in(editor).get(DESK))

    assert titles(page, "drafts") == ["Le brouillon d’Inès"]
    assert set(titles(page, "review")) == {
        "Mon texte soumis",
        "Texte de Colette à relire",
        "Sous embargo jusqu’à jeudi",
        "Sous embargo le mois prochain",
    }
    assert set(titles(page, "scheduled")) == {"Ma critique programmée", "Colette programmée"}
    assert titles(page, "embargoes") == ["Sous embargo jusqu’à jeudi"]
    assert titles(page, "published_today") == ["Publié à minuit"]


def test_a_contributor_sees_their_own_work_only(contributor, newsroom):
    page = soup(logged_in(contributor).get(DESK))

    assert titles(page, "drafts") == ["Mon brouillon"]
    assert titles(page, "review") == ["Mon texte soumis"]
    assert titles(page, "scheduled") == ["Ma critique programmée"]
    assert titles(page, "embargoes") == []
    assert titles(page, "published_today") == []
    everything = text(page.select_one("#content-main"))
    for colleagues in ("Colette", "Inès", "Sous embargo"):
        assert colleagues not in everything


def test_each_line_opens_the_article_in_one_click(editor, newsroom):
    page = soup(logged_in(editor).get(DESK))

    links = {text(link): link["href"] for link in page.select(".desk-title")}
    assert links["Texte de Colette à relire"] == change_url(newsroom["other_review"])
    assert links["Colette programmée"] == change_url(newsroom["other_scheduled"])
    assert links["Publié à minuit"] == change_url(newsroom["published_today"])


def test_scheduled_articles_show_their_time_in_paris(editor):
    year = timezone.now().year + 1
    # 6:00 in Paris is 5:00 UTC in winter.
    scheduled(
        editor.author_profile,
        title="La critique du matin",
        when=datetime(year, 12, 12, 6, 0, tzinfo=PARIS),
    )

    page = soup(logged_in(editor).get(DESK))

    line = text(desk_list(page, "scheduled").select_one(".desk-line"))
    assert f"12 décembre {year} à 6 h 00" in line


def test_embargoes_show_when_they_end(editor):
    ends = timezone.now().astimezone(PARIS).replace(second=0, microsecond=0) + timedelta(days=1)
    in_review(editor.author_profile, title="Embargo", embargo_until=ends)

    page = soup(logged_in(editor).get(DESK))

    line = text(desk_list(page, "embargoes").select_one(".desk-line"))
    assert f"{ends.day} " in line and f"à {ends.hour} h {ends.minute:02d}" in line


def test_empty_lists_say_something_useful(db):
    newcomer = make_member(CONTRIBUTOR, "leo")

    page = soup(logged_in(newcomer).get(DESK))

    empty = [text(paragraph) for paragraph in page.select(".desk-empty")]
    assert "Aucun brouillon en cours." in empty
    assert "Aucune note n’attend votre réponse." in empty
    assert len(empty) == 6
    assert "Aucun(e) disponible" not in text(page)
    write = page.select_one(".desk-drafts .desk-start a")
    assert write["href"] == reverse("admin:articles_article_add")


def test_notes_addressed_to_the_writer_are_on_their_desk(contributor, editor, newsroom):
    article = newsroom["own_review"]
    thread = Note.objects.create(article=article, author=editor, text="Le deuxième paragraphe ?")
    Note.objects.create(article=newsroom["other_review"], author=editor, text="Pas pour Camille.")

    page = soup(logged_in(contributor).get(DESK))

    lines = desk_list(page, "notes").select(".desk-line")
    assert len(lines) == 1
    assert "Le deuxième paragraphe ?" in text(lines[0])
    # Who wrote it, as French writes it before a vowel.
    assert "note d’Ines" in text(lines[0])
    assert lines[0].select_one("a")["href"] == f"{change_url(article)}#note-{thread.pk}"
    # Nobody is told about a note they wrote.
    assert desk_list(soup(logged_in(editor).get(DESK)), "notes").select(".desk-line") == []


def test_an_answer_is_on_the_desk_of_the_note_s_author(contributor, editor, newsroom):
    thread = Note.objects.create(article=newsroom["own_review"], author=editor, text="Une source ?")
    Note.objects.create(
        article=thread.article, author=contributor, reply_to=thread, text="Le dossier de presse."
    )

    editor_notes = desk_list(soup(logged_in(editor).get(DESK)), "notes")
    assert "Le dossier de presse." in text(editor_notes)
    assert "Camille" in text(editor_notes)


def test_a_writer_s_question_is_on_every_editor_s_desk(contributor, editor, newsroom):
    Note.objects.create(article=newsroom["own_review"], author=contributor, text="Quel visuel ?")

    editor_notes = desk_list(soup(logged_in(editor).get(DESK)), "notes")
    assert "Quel visuel ?" in text(editor_notes)
    contributor_notes = desk_list(soup(logged_in(contributor).get(DESK)), "notes")
    assert contributor_notes.select(".desk-line") == []


def test_resolved_notes_leave_the_desk(contributor, editor, newsroom):
    Note.objects.create(
        article=newsroom["own_review"],
        author=editor,
        text="Réglé.",
        resolved_at=timezone.now(),
        resolved_by=editor,
    )

    page = soup(logged_in(contributor).get(DESK))

    assert desk_list(page, "notes").select(".desk-line") == []


def desk_queries(client):
    client.get(DESK)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DESK).status_code == 200
    return len(queries)


def fill_the_desk(editor, contributor, count):
    """``count`` articles of each kind, with several authors each and notes both ways."""
    colleagues = [make_author(), make_author()]
    now = timezone.now()
    for n in range(count):
        draft(editor.author_profile)
        draft(contributor.author_profile)
        submitted = in_review(contributor.author_profile)
        in_review(colleagues[n % 2], embargo_until=now + timedelta(days=1, hours=n))
        scheduled(contributor.author_profile)
        make_article(authors=colleagues, published_at=now - timedelta(minutes=n + 1))
        thread = Note.objects.create(article=submitted, author=editor, text=f"Note {n}")
        Note.objects.create(article=submitted, author=contributor, reply_to=thread, text="Réponse")


@pytest.mark.parametrize("role", ["editor", "contributor"])
def test_the_desk_costs_the_same_whatever_the_number_of_articles(
    role, editor, contributor, django_assert_max_num_queries
):
    user = {"editor": editor, "contributor": contributor}[role]
    client = logged_in(user)
    fill_the_desk(editor, contributor, 2)
    few = desk_queries(client)

    fill_the_desk(editor, contributor, 12)

    assert desk_queries(client) == few
    # Session, user with their permissions, the author profile, the notes, five lists and
    # their bylines.
    with django_assert_max_num_queries(14):
        client.get(DESK)
