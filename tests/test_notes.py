"""
Notes between the desk and the writer: left, answered and resolved from the article's
admin page by whoever may, logged, and never shown outside the newsroom.
"""

from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, EditorialAction
from newsroom import notes
from newsroom.models import NOTE_MAX_LENGTH, Note
from tests.factories import CONTRIBUTOR, logged_in, make_article, make_member
from tests.pages import soup, text

pytestmark = pytest.mark.django_db

SECRET = "Le deuxième paragraphe reprend mot pour mot le dossier de presse."


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def create_url(article):
    return reverse("admin:articles_article_note_create", args=[article.pk])


def answer_url(note):
    return reverse("admin:articles_article_note_answer", args=[note.article_id, note.pk])


def resolve_url(note):
    return reverse("admin:articles_article_note_resolve", args=[note.article_id, note.pk])


@pytest.fixture
def submitted(contributor):
    """The contributor's article, sent for review: no longer theirs to change."""
    return make_article(
        authors=[contributor.author_profile],
        title="Critique soumise",
        status=Article.Status.REVIEW,
        published_at=None,
    )


@pytest.fixture
def colleague(db):
    return make_member(CONTRIBUTOR, "colette")


def note_on(article, user, text=SECRET, **fields):
    return Note.objects.create(article=article, author=user, text=text, **fields)


def panel(client, article):
    return soup(client.get(change_url(article))).select_one("#notes")


def test_an_editor_leaves_a_note_on_a_passage(editor, submitted):
    response = logged_in(editor).post(
        create_url(submitted), {"text": SECRET, "passage": "mot pour mot"}
    )

    note = Note.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{change_url(submitted)}#note-{note.pk}"
    assert (note.article, note.author, note.passage) == (submitted, editor, "mot pour mot")
    action = EditorialAction.objects.get(kind=EditorialAction.Kind.NOTED)
    assert (action.article, action.user) == (submitted, editor)


def test_the_writer_answers_on_an_article_in_review(contributor, editor, submitted):
    thread = note_on(submitted, editor)

    response = logged_in(contributor).post(answer_url(thread), {"text": "Corrigé, merci."})

    assert response.status_code == 302
    answer = thread.replies.get()
    assert (answer.author, answer.text) == (contributor, "Corrigé, merci.")
    assert EditorialAction.objects.filter(kind=EditorialAction.Kind.ANSWERED, user=contributor)


def test_the_panel_shows_threads_with_their_answers_and_forms(contributor, editor, submitted):
    thread = note_on(submitted, editor, passage="mot pour mot")
    note_on(submitted, contributor, text="Corrigé, merci.", reply_to=thread)

    shown = panel(logged_in(contributor), submitted)

    entry = shown.select_one(f"#note-{thread.pk}")
    assert "mot pour mot" in text(entry.select_one(".note-passage"))
    assert SECRET in text(entry)
    assert "Corrigé, merci." in text(entry.select_one(".note-reply"))
    assert entry.select_one(f'form[action="{answer_url(thread)}"][method="post"]')
    assert entry.select_one(f'form[action="{resolve_url(thread)}"][method="post"]')
    assert shown.select_one(f'form[action="{create_url(submitted)}"] textarea[name="text"]')


def test_the_writer_resolves_a_note_addressed_to_them(contributor, editor, submitted):
    thread = note_on(submitted, editor)

    logged_in(contributor).post(resolve_url(thread))

    thread.refresh_from_db()
    assert thread.resolved_by == contributor
    assert thread.resolved_at is not None
    assert EditorialAction.objects.filter(kind=EditorialAction.Kind.RESOLVED, user=contributor)
    shown = panel(logged_in(editor), submitted)
    assert "Résolue par Camille" in text(shown.select_one(f"#note-{thread.pk}"))
    # A resolved thread takes no more answers from the page.
    assert not shown.select(f'form[action="{answer_url(thread)}"]')


def test_an_editor_resolves_any_note(editor, contributor, submitted):
    thread = note_on(submitted, contributor)

    logged_in(editor).post(resolve_url(thread))

    thread.refresh_from_db()
    assert thread.resolved_by == editor


def test_resolving_twice_changes_nothing(editor, submitted):
    thread = note_on(submitted, editor)
    client = logged_in(editor)
    client.post(resolve_url(thread))
    first = Note.objects.get().resolved_at

    client.post(resolve_url(thread))

    assert Note.objects.get().resolved_at == first
    assert EditorialAction.objects.filter(kind=EditorialAction.Kind.RESOLVED).count() == 1


def test_a_contributor_cannot_note_a_colleague_s_article(colleague, submitted):
    response = logged_in(colleague).post(create_url(submitted), {"text": "Je passe par là."})

    assert response.status_code == 403
    assert not Note.objects.exists()


def test_a_contributor_cannot_answer_or_resolve_on_a_colleague_s_article(
    colleague, editor, submitted
):
    thread = note_on(submitted, editor)
    client = logged_in(colleague)

    assert client.post(answer_url(thread), {"text": "Moi aussi."}).status_code == 403
    assert client.post(resolve_url(thread)).status_code == 403
    thread.refresh_from_db()
    assert thread.resolved_at is None
    assert not thread.replies.exists()
    assert not EditorialAction.objects.exists()


def test_a_note_s_address_must_match_its_article(editor, contributor, submitted):
    other = make_article(authors=[contributor.author_profile])
    thread = note_on(other, editor)

    response = logged_in(editor).post(
        reverse("admin:articles_article_note_resolve", args=[submitted.pk, thread.pk])
    )

    assert response.status_code == 404


def test_the_forms_take_only_posts(editor, submitted):
    thread = note_on(submitted, editor)
    client = logged_in(editor)

    for url in (create_url(submitted), answer_url(thread), resolve_url(thread)):
        assert client.get(url).status_code == 405


def test_a_note_is_bounded_in_size(editor, submitted):
    client = logged_in(editor)

    response = client.post(
        create_url(submitted), {"text": "a" * (NOTE_MAX_LENGTH + 1)}, follow=True
    )

    assert not Note.objects.exists()
    errors = text(soup(response).select_one(".messagelist"))
    assert "Une note compte au plus 2000 caractères (celle-ci en a 2001)" in errors
    # Exactly at the limit is fine.
    client.post(create_url(submitted), {"text": "a" * NOTE_MAX_LENGTH})
    assert Note.objects.count() == 1


def test_an_empty_note_is_refused_in_french(editor, submitted):
    response = logged_in(editor).post(create_url(submitted), {"text": "  "}, follow=True)

    assert not Note.objects.exists()
    assert "Écrivez la note avant de l’envoyer." in text(soup(response).select_one(".messagelist"))


def test_a_colleague_without_the_article_sees_no_panel(colleague, editor, submitted):
    note_on(submitted, editor)

    response = logged_in(colleague).get(change_url(submitted))

    assert response.status_code == 403
    assert SECRET not in response.content.decode()


def test_notes_never_reach_readers(client, editor, contributor):
    article = make_article(
        authors=[contributor.author_profile], title="Critique publiée", tags=["Cannes"]
    )
    thread = note_on(article, editor, passage="Un paragraphe de texte")
    note_on(article, contributor, text="Réponse de l’autrice sur le dossier.", reply_to=thread)
    author = article.authors.get()

    public = [
        article.get_absolute_url(),
        reverse("articles:home"),
        reverse("articles:feed"),
        reverse("articles:atom_feed"),
        reverse("articles:section_feed", kwargs={"slug": article.section.slug}),
        reverse("authors:feed", kwargs={"slug": author.slug}),
    ]
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "dossier" not in page, url
    # Search finds the article by its own words, not by its notes.
    assert (
        "Critique publiée"
        in client.get(
            reverse("articles:search") + "?" + urlencode({"q": "paragraphe"})
        ).content.decode()
    )
    assert (
        "Critique publiée"
        not in client.get(
            reverse("articles:search") + "?" + urlencode({"q": "dossier presse"})
        ).content.decode()
    )


def test_notes_are_not_in_the_revisions(editor, contributor):
    article = make_article(authors=[contributor.author_profile])
    note_on(article, editor)
    article.title = "Titre revu"
    article.save()

    revisions = reverse("admin:articles_article_revisions", args=[article.pk])
    assert SECRET not in logged_in(editor).get(revisions).content.decode()
    assert not any(SECRET in str(vars(row)) for row in article.history.all())


def test_a_note_leaves_the_article_as_it_was(editor, submitted):
    version, revisions = submitted.version, submitted.history.count()

    logged_in(editor).post(create_url(submitted), {"text": SECRET})

    submitted.refresh_from_db()
    assert (submitted.version, submitted.history.count()) == (version, revisions)


def test_the_change_page_counts_open_notes(editor, contributor, submitted):
    note_on(submitted, editor)
    note_on(submitted, editor, text="Réglée.", resolved_at=timezone.now(), resolved_by=editor)

    page = soup(logged_in(editor).get(change_url(submitted)))

    assert text(page.select_one('.object-tools a[href="#notes"]')) == "Notes (1)"


def test_the_rules_hold_whatever_calls_them(colleague, editor, submitted):
    thread = note_on(submitted, editor)

    with pytest.raises(PermissionDenied):
        notes.leave_note(submitted, colleague, "Je passe par là.")
    with pytest.raises(PermissionDenied):
        notes.answer(thread, colleague, "Moi aussi.")
    with pytest.raises(PermissionDenied):
        notes.resolve(thread, colleague)
    assert Note.objects.count() == 1


def test_an_account_that_only_reads_articles_cannot_write_notes(editor, submitted):
    reader = User.objects.create_user("lecteur", is_staff=True)
    reader.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "edit_any_article"])
    )

    page = soup(logged_in(reader).get(change_url(submitted)))

    assert not page.select("#notes form")
    response = logged_in(reader).post(create_url(submitted), {"text": "Une remarque."})
    assert response.status_code == 403
    assert not Note.objects.exists()
