"""
Autosave's working copy on the server: kept as the writer types, by whoever may write the
article and no one else, bounded, never a revision, never shown to readers, offered back
when the form is opened again (on another machine), and gone once the article is saved.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from markup.rendering import BODY_MAX_CHARS
from newsroom.models import WorkingCopy
from tests.admin_forms import EMPTY_INLINES, article_fields, new_article_fields
from tests.factories import CONTRIBUTOR, logged_in, make_article, make_member, make_section
from tests.pages import pages_showing, soup, text
from tests.test_admin_save import SAVE_QUERIES

pytestmark = pytest.mark.django_db

KEEP = reverse("admin:articles_article_working_copy")
ADD = reverse("admin:articles_article_add")
UNSAVED = "## Le tournage\n\nUn paragraphe zanzibarque, tapé sur une autre machine."
KEY = "0123456789abcdef0123456789abcdef"
PARIS = ZoneInfo("Europe/Paris")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def typed(article, **changes):
    """What autosave.js posts for ``article`` after the writer typed ``changes``."""
    return {
        "article": article.pk,
        "draft_key": KEY,
        "title": article.title,
        "standfirst": article.standfirst,
        "body": article.body,
        "seo_title": article.seo_title,
        "seo_description": article.seo_description,
        "based_on_version": article.version,
        **changes,
    }


@pytest.fixture
def draft(contributor):
    return make_article(
        authors=[contributor.author_profile],
        title="Le tournage à Lyon",
        status=Article.Status.DRAFT,
        published_at=None,
    )


def keep_copy(user, article, when=None, **texts):
    """``user``'s copy of ``article``, as autosave.js sends it: every text, the body retyped."""
    saved = {name: getattr(article, name) for name in WorkingCopy.TEXTS}
    WorkingCopy.objects.keep(
        user, article, "", article.version, **{**saved, "body": UNSAVED, **texts}
    )
    copy = WorkingCopy.objects.get(user=user, article=article)
    if when is not None:
        WorkingCopy.objects.filter(pk=copy.pk).update(updated_at=when)
    return copy


# ---------------------------------------------------------------- the endpoint


def test_typing_keeps_a_working_copy_that_is_not_a_revision(contributor, draft):
    version, revisions, body = draft.version, draft.history.count(), draft.body

    response = logged_in(contributor).post(KEEP, typed(draft, body=UNSAVED))

    assert response.status_code == 200
    assert response.json()["status"].startswith("Texte enregistré automatiquement à ")
    copy = WorkingCopy.objects.get()
    assert (copy.user, copy.article, copy.body) == (contributor, draft, UNSAVED)
    assert copy.based_on_version == version
    draft.refresh_from_db()
    assert (draft.version, draft.history.count(), draft.body) == (version, revisions, body)


def test_typing_on_rewrites_the_same_copy_in_a_fixed_number_of_queries(
    contributor, draft, django_assert_max_num_queries
):
    client = logged_in(contributor)
    client.post(KEEP, typed(draft, body="Premier jet."))

    # The session, the user with their permissions, the article, its byline (may they
    # write it?), and the copy's one UPDATE.
    with django_assert_max_num_queries(5):
        response = client.post(KEEP, typed(draft, body=UNSAVED))

    assert response.status_code == 200
    assert list(WorkingCopy.objects.values_list("body", flat=True)) == [UNSAVED]


def test_each_writer_has_a_copy_of_their_own(contributor, editor, draft):
    logged_in(contributor).post(KEEP, typed(draft, body="Version de Camille."))
    logged_in(editor).post(KEEP, typed(draft, body="Version d’Inès."))

    assert dict(WorkingCopy.objects.values_list("user__username", "body")) == {
        "camille": "Version de Camille.",
        "ines": "Version d’Inès.",
    }


def test_a_contributor_may_not_keep_a_copy_of_a_colleagues_article(draft):
    colleague = make_member(CONTRIBUTOR, "colette")

    response = logged_in(colleague).post(KEEP, typed(draft, body=UNSAVED))

    assert response.status_code == 403
    assert not WorkingCopy.objects.exists()


def test_a_contributor_may_not_keep_a_copy_of_their_article_in_review(contributor, draft):
    draft.status = Article.Status.REVIEW
    draft.save()

    response = logged_in(contributor).post(KEEP, typed(draft, body=UNSAVED))

    assert response.status_code == 403
    assert not WorkingCopy.objects.exists()


def test_the_endpoint_wants_a_logged_in_post_with_its_csrf_token(contributor, draft):
    assert Client().post(KEEP, typed(draft)).status_code == 302  # To the login page.
    assert logged_in(contributor).get(KEEP).status_code == 405
    strict = logged_in(contributor, enforce_csrf_checks=True)
    assert strict.post(KEEP, typed(draft, body=UNSAVED)).status_code == 403
    assert not WorkingCopy.objects.exists()


@pytest.mark.parametrize(
    "field, limit, label",
    [
        ("title", 200, "Titre"),
        ("standfirst", 600, "Chapô"),
        ("body", BODY_MAX_CHARS, "Corps"),
        ("seo_title", 70, "Titre pour les moteurs de recherche"),
        ("seo_description", 160, "Description pour les moteurs de recherche"),
    ],
)
def test_each_text_is_bounded_as_the_articles_own(contributor, draft, field, limit, label):
    client = logged_in(contributor)

    too_long = client.post(KEEP, typed(draft, **{field: "é" * (limit + 1)}))

    assert too_long.status_code == 400
    error = too_long.json()["error"]
    assert error.startswith(f"{label}\u00a0: ")
    assert "au plus" in error
    assert not WorkingCopy.objects.exists()
    assert client.post(KEEP, typed(draft, **{field: "é" * limit})).status_code == 200


def test_a_new_article_keeps_its_copy_under_its_form(contributor):
    client = logged_in(contributor)
    fields = {"article": "", "draft_key": KEY, "title": "Sans titre encore", "body": UNSAVED}

    assert client.post(KEEP, fields).status_code == 200
    assert client.post(KEEP, {**fields, "draft_key": "pas-une-clef"}).status_code == 403

    copy = WorkingCopy.objects.get()
    assert (copy.article, copy.draft_key, copy.body) == (None, KEY, UNSAVED)


def test_ignoring_forgets_ones_own_copy_only(contributor, editor, draft):
    keep_copy(contributor, draft)
    keep_copy(editor, draft)

    response = logged_in(contributor).post(KEEP, {"article": draft.pk, "discard": "1"})

    assert response.status_code == 200
    assert list(WorkingCopy.objects.values_list("user__username", flat=True)) == ["ines"]


def test_copies_a_month_old_are_forgotten_when_another_is_made(contributor, editor, draft):
    old = keep_copy(editor, draft, when=timezone.now() - timedelta(days=31))
    recent = keep_copy(editor, make_article(), when=timezone.now() - timedelta(days=29))

    logged_in(contributor).post(KEEP, typed(draft, body=UNSAVED))

    assert set(WorkingCopy.objects.values_list("pk", flat=True)) == {
        recent.pk,
        WorkingCopy.objects.get(user=contributor).pk,
    }
    assert not WorkingCopy.objects.filter(pk=old.pk).exists()


# ---------------------------------------------------------------- offered back


def test_the_form_offers_an_unsaved_copy_back_in_french(contributor, draft):
    keep_copy(contributor, draft, when=datetime(2026, 12, 6, 22, 10, 42, tzinfo=PARIS))

    page = soup(logged_in(contributor).get(change_url(draft)))

    banner = page.select_one("#working-copy-banner")
    assert text(banner.p) == (
        "Un texte non enregistré du 6 décembre 2026 à 22 h 10 (enregistré "
        "automatiquement) est disponible."
    )
    assert banner.select_one("a.button")["href"] == "?reprendre=texte"
    assert text(banner.select_one("a.button")) == "Reprendre ce texte"
    assert text(banner.select_one("button")) == "Ignorer"
    assert banner.select_one(".autosave-banner__older") is None
    # The form still holds the saved text until the writer chooses.
    assert page.select_one("#id_body").text.strip() == draft.body
    assert page.select_one("input[name=working_copy]")["value"] == "1"


def test_a_copy_holding_the_saved_text_is_not_offered(contributor, draft):
    # Browsers post a textarea's line breaks as CRLF, and their script reads LF.
    draft.body = "Premier paragraphe.\r\n\r\nSecond."
    draft.save()
    keep_copy(contributor, draft, body="Premier paragraphe.\n\nSecond.")

    page = soup(logged_in(contributor).get(change_url(draft)))

    assert page.select_one("#working-copy-banner") is None
    assert page.select_one("input[name=working_copy]")["value"] == ""


def test_a_colleagues_copy_is_never_offered(contributor, editor, draft):
    keep_copy(editor, draft)

    page = soup(logged_in(contributor).get(change_url(draft)))

    assert page.select_one("#working-copy-banner") is None
    assert "zanzibarque" not in str(page)


def test_restoring_fills_the_form_and_the_save_makes_it_the_article(contributor, draft, client):
    keep_copy(contributor, draft, title="Le tournage à Lyon, suite")
    writer = logged_in(contributor)

    page = soup(writer.get(change_url(draft) + "?reprendre=texte"))

    assert page.select_one("#id_body").text.strip() == UNSAVED
    assert page.select_one("#id_title")["value"] == "Le tournage à Lyon, suite"
    assert page.select_one("input[name=version]")["value"] == str(draft.version)
    assert "enregistré automatiquement le" in text(page.select_one(".working-copy__banner"))
    assert page.select_one("#working-copy-banner") is None

    data = {
        **article_fields(draft, title="Le tournage à Lyon, suite", body=UNSAVED),
        "working_copy": page.select_one("input[name=working_copy]")["value"],
        **EMPTY_INLINES,
    }
    assert writer.post(change_url(draft), data).status_code == 302

    assert not WorkingCopy.objects.exists()
    draft.refresh_from_db()
    assert draft.body == UNSAVED
    assert soup(writer.get(change_url(draft))).select_one(".working-copy__banner") is None


def test_a_copy_older_than_the_article_is_restored_with_its_version(contributor, editor, draft):
    keep_copy(contributor, draft)
    based_on = draft.version
    draft.standfirst = "Le chapô revu par l’édition."
    draft.save()  # A colleague's save, after the copy was typed.
    writer = logged_in(contributor)

    offer = soup(writer.get(change_url(draft)))
    assert "a été enregistré depuis" in text(offer.select_one("#working-copy-banner"))

    page = soup(writer.get(change_url(draft) + "?reprendre=texte"))
    assert page.select_one("input[name=version]")["value"] == str(based_on)
    data = {
        **article_fields(draft, body=UNSAVED, version=based_on),
        "working_copy": "1",
        **EMPTY_INLINES,
    }
    response = writer.post(change_url(draft), data)

    # The usual refusal of a form opened before a colleague's save: their standfirst stays.
    assert response.status_code == 200
    assert "Quelqu’un d’autre a enregistré cet article" in response.content.decode()
    draft.refresh_from_db()
    assert draft.standfirst == "Le chapô revu par l’édition."
    assert WorkingCopy.objects.filter(user=contributor).exists()


def test_a_new_articles_copy_is_offered_on_the_new_article_form(contributor):
    section = make_section()
    WorkingCopy.objects.keep(contributor, None, KEY, None, title="Un inédit", body=UNSAVED)
    writer = logged_in(contributor)

    offer = soup(writer.get(ADD)).select_one("#working-copy-banner")
    assert offer.select_one("a.button")["href"] == f"?reprendre={KEY}"

    page = soup(writer.get(f"{ADD}?reprendre={KEY}"))
    assert page.select_one("#id_body").text.strip() == UNSAVED
    # The form goes on as the one the copy was typed in, whose save forgets it.
    assert page.select_one("input[name=draft_key]")["value"] == KEY

    data = new_article_fields(UNSAVED, section, draft_key=KEY, working_copy="1")
    assert writer.post(ADD, data).status_code == 302
    assert not WorkingCopy.objects.exists()
    assert Article.objects.get().body == UNSAVED


def test_no_copy_is_offered_on_a_new_article_form_of_someone_else(contributor, editor):
    WorkingCopy.objects.keep(editor, None, KEY, None, title="Un inédit", body=UNSAVED)

    page = soup(logged_in(contributor).get(ADD))

    assert page.select_one("#working-copy-banner") is None


# ---------------------------------------------------------------- saving the article


def test_saving_the_article_forgets_the_writers_copy_for_one_more_query(
    editor, django_assert_max_num_queries
):
    article = make_article()
    keep_copy(editor, article)
    other = make_member(CONTRIBUTOR, "colette")
    keep_copy(other, article)
    data = {**article_fields(article, body=UNSAVED), "working_copy": "1", **EMPTY_INLINES}
    client = logged_in(editor)

    with django_assert_max_num_queries(SAVE_QUERIES + 1):
        response = client.post(change_url(article), data)

    assert response.status_code == 302
    # A colleague's copy is theirs: it stays, to be offered to them.
    assert list(WorkingCopy.objects.values_list("user__username", flat=True)) == ["colette"]


# ---------------------------------------------------------------- never for readers


def test_a_working_copy_never_reaches_readers(client, editor):
    article = make_article(title="Critique publiée", tags=["Cannes"])
    keep_copy(editor, article, title="Titre zanzibarque", standfirst="Chapô zanzibarque")
    pages = pages_showing(article, search="paragraphe")
    feeds_and_sitemaps = [
        reverse("articles:feed"),
        reverse("articles:atom_feed"),
        reverse("authors:feed", kwargs={"slug": article.authors.get().slug}),
        reverse("sitemap", kwargs={"section": "articles"}),
        reverse("news_sitemap"),
    ]

    for url in [*pages.values(), *feeds_and_sitemaps]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "zanzibarque" not in response.content.decode(), url
    # Search finds the article by its own words (above), not by its writer's copy.
    assert "Critique publiée" in client.get(pages["search"]).content.decode()
    search = client.get(reverse("articles:search"), {"q": "zanzibarque"})
    assert "Critique publiée" not in search.content.decode()


def test_a_nul_byte_is_refused_in_french(contributor, draft):
    # PostgreSQL cannot store one: refused before it reaches the database.
    response = logged_in(contributor).post(KEEP, typed(draft, body="Un\x00texte"))

    assert response.status_code == 400
    assert response.json()["error"].startswith("Corps\u00a0: ")
    assert not WorkingCopy.objects.exists()
