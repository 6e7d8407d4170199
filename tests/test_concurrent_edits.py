"""
Two people editing the same article: the second save over a newer version is
refused, with the text that person typed shown back to them, never discarded.
"""

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from articles.models import Article
from newsroom.forms import ArticleAdminForm, ConcurrentEdit
from tests.admin_forms import EMPTY_INLINES, article_fields
from tests.factories import make_article, make_section
from tests.pages import soup, text

pytestmark = pytest.mark.django_db


def editor_client(username):
    client = Client()
    client.force_login(User.objects.create_superuser(username, password="pw"))
    return client


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def open_form(client, article):
    """What the browser posts back: the hidden fields of the change page as it was opened."""
    page = soup(client.get(change_url(article)))
    hidden = {
        name: page.select_one(f"input[name={name}]")["value"] for name in ("version", "draft_key")
    }
    return {
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "status": article.status,
        "section": article.section.pk,
        "tags": "",
        "ai_usage": "none",
        "ai_usage_note": "",
        "seo_title": "",
        "seo_description": "",
        **EMPTY_INLINES,
        **hidden,
    }


def conflict_errors(response):
    assert response.status_code == 200, response.status_code
    return text(soup(response).select_one("ul.errorlist.nonfield"))


@pytest.fixture
def article():
    return make_article(status=Article.Status.DRAFT, published_at=None, body="Premier jet.")


def test_second_of_two_forms_opened_at_the_same_version_is_refused_with_its_text(article):
    alice, bruno = editor_client("alice"), editor_client("bruno")
    alices_form, brunos_form = open_form(alice, article), open_form(bruno, article)
    assert alices_form["version"] == brunos_form["version"] == str(article.version)

    alices_form.update(body="Le texte d’Alice.")
    assert alice.post(change_url(article), alices_form).status_code == 302
    brunos_form.update(title="Le titre de Bruno", standfirst="Le chapô de Bruno.")
    brunos_form.update(body="Le texte de Bruno, une heure de travail.")
    response = bruno.post(change_url(article), brunos_form)

    errors = conflict_errors(response)
    assert f"version {article.version + 1}" in errors
    assert str(article.version) in errors
    assert "alice" in errors
    page = soup(response)
    assert page.select_one("#id_title")["value"] == "Le titre de Bruno"
    assert text(page.select_one("#id_standfirst")) == "Le chapô de Bruno."
    assert page.select_one("#id_body").get_text().strip() == (
        "Le texte de Bruno, une heure de travail."
    )
    # A link to compare with what Alice saved, without leaving the form.
    assert page.select_one(".writing-conflict a")["href"] == change_url(article)
    article.refresh_from_db()
    assert article.body == "Le texte d’Alice."


def test_refused_form_keeps_its_version_and_is_refused_again(article):
    alice, bruno = editor_client("alice"), editor_client("bruno")
    alices_form, brunos_form = open_form(alice, article), open_form(bruno, article)
    assert alice.post(change_url(article), {**alices_form, "body": "Alice."}).status_code == 302
    brunos_form["body"] = "Bruno."

    refused = soup(bruno.post(change_url(article), brunos_form))
    # Not silently moved to the new version: posting the page again still
    # would overwrite Alice's text.
    assert refused.select_one("input[name=version]")["value"] == brunos_form["version"]
    assert refused.select_one("input[name=draft_key]")["value"] == brunos_form["draft_key"]
    again = {**brunos_form, "version": refused.select_one("input[name=version]")["value"]}
    assert conflict_errors(bruno.post(change_url(article), again))

    article.refresh_from_db()
    assert article.body == "Alice."
    assert article.version == int(alices_form["version"]) + 1


def test_stale_form_never_overwrites(admin_client, article):
    stale = open_form(admin_client, article)
    article.body = "Enregistré entre-temps."
    article.save()
    article.save()

    response = admin_client.post(change_url(article), {**stale, "body": "Ancienne version."})

    assert "version" in conflict_errors(response)
    article.refresh_from_db()
    assert article.body == "Enregistré entre-temps."


def test_form_without_its_version_is_refused(admin_client, article):
    form = open_form(admin_client, article)
    del form["version"]

    response = admin_client.post(change_url(article), {**form, "body": "Sans version."})

    assert conflict_errors(response)
    article.refresh_from_db()
    assert article.body == "Premier jet."


def test_save_moves_the_version_on(admin_client, article):
    version = article.version
    form = open_form(admin_client, article)

    response = admin_client.post(change_url(article), {**form, "body": "Deuxième jet."})

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.body, article.version) == ("Deuxième jet.", version + 1)
    # The page opened next carries the new version.
    assert open_form(admin_client, article)["version"] == str(version + 1)


def test_saving_twice_from_reopened_forms_works(admin_client, article):
    for body in ["Un.", "Deux.", "Trois."]:
        form = open_form(admin_client, article)
        assert admin_client.post(change_url(article), {**form, "body": body}).status_code == 302
    article.refresh_from_db()
    assert article.body == "Trois."


def new_article_fields():
    return {
        "title": "Nouvel article",
        "slug": "nouvel-article",
        "standfirst": "Un chapô.",
        "body": "Un texte.",
        "status": "draft",
        "section": make_section().pk,
        "tags": "",
        "ai_usage": "none",
        "ai_usage_note": "",
        "seo_title": "",
        "seo_description": "",
        **EMPTY_INLINES,
    }


def test_adding_an_article_needs_no_version(admin_client):
    page = soup(admin_client.get(reverse("admin:articles_article_add")))
    assert page.select_one("input[name=version]").get("value") is None

    response = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            **new_article_fields(),
            "draft_key": page.select_one("input[name=draft_key]")["value"],
        },
    )

    assert response.status_code == 302
    assert Article.objects.get(slug="nouvel-article").version == 1


def colleague_saves(article, body):
    colleague = Article.objects.get(pk=article.pk)
    colleague.body = body
    colleague.save()


def test_save_that_loses_the_race_after_validation_is_refused_with_its_text(
    admin_client, article, monkeypatch
):
    """The check passed, then a colleague saved: the compare-and-set at save time refuses."""
    form = open_form(admin_client, article)
    colleague_saves(article, "Le texte du collègue.")
    check_version = ArticleAdminForm.check_version
    checks = []

    def checked_before_the_colleague_saved(self, expected):
        checks.append(expected)
        if len(checks) > 1:
            check_version(self, expected)

    monkeypatch.setattr(ArticleAdminForm, "check_version", checked_before_the_colleague_saved)

    response = admin_client.post(change_url(article), {**form, "body": "Mon texte."})

    assert "version" in conflict_errors(response)
    assert soup(response).select_one("#id_body").get_text().strip() == "Mon texte."
    article.refresh_from_db()
    assert (article.body, article.version) == ("Le texte du collègue.", int(form["version"]) + 1)


@pytest.mark.django_db(transaction=True)
def test_colleague_committing_between_check_and_save_is_caught(monkeypatch):
    """The same race with a real second connection, on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a second connection writing while the first reads; SQLite locks it")
    article = make_article(status=Article.Status.DRAFT, published_at=None, body="Premier jet.")
    client = editor_client("alice")
    form = open_form(client, article)
    check_version = ArticleAdminForm.check_version

    def colleague_commits_right_after_the_check(self, expected):
        check_version(self, expected)
        if not self.errors:
            colleague = threading.Thread(
                target=in_own_connection(colleague_saves), args=(article, "Collègue.")
            )
            colleague.start()
            colleague.join(10)

    monkeypatch.setattr(ArticleAdminForm, "check_version", colleague_commits_right_after_the_check)

    response = client.post(change_url(article), {**form, "body": "Mon texte."})

    assert "version" in conflict_errors(response)
    assert soup(response).select_one("#id_body").get_text().strip() == "Mon texte."
    article.refresh_from_db()
    assert article.body == "Collègue."


def in_own_connection(function):
    def run(*args):
        try:
            function(*args)
        finally:
            connection.close()  # this thread's own

    return run


# ---------------------------------------------------------------- the form on its own


def bound_form(article, **changes):
    data = article_fields(article, published_at="", **changes)
    return ArticleAdminForm(data, instance=Article.objects.get(pk=article.pk))


def test_form_validated_at_a_version_saves_only_while_it_holds(article):
    first, second = bound_form(article, body="Premier."), bound_form(article, body="Second.")
    assert first.is_valid() and second.is_valid()

    first.save()
    with pytest.raises(ConcurrentEdit):
        second.save()

    article.refresh_from_db()
    assert article.body == "Premier."


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_wait_for_each_other_and_the_second_is_refused():
    """Two connections at once on PostgreSQL: the row lock makes the second save wait, then fail."""
    if connection.vendor != "postgresql":
        pytest.skip("checks PostgreSQL's row lock; SQLite lets one writer in at a time")
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    first, second = bound_form(article, body="Premier."), bound_form(article, body="Second.")
    assert first.is_valid() and second.is_valid()
    saved, release = threading.Event(), threading.Event()
    outcome = {}

    def save_first():
        try:
            # Saved, not yet committed: the row stays locked until the transaction ends.
            with transaction.atomic():
                first.save()
                saved.set()
                release.wait(10)
        finally:
            connection.close()  # this thread's own

    def save_second():
        try:
            second.save()
            outcome["second"] = "saved"
        except ConcurrentEdit:
            outcome["second"] = "refused"
        finally:
            connection.close()  # this thread's own

    first_thread = threading.Thread(target=save_first)
    first_thread.start()
    assert saved.wait(10)
    second_thread = threading.Thread(target=save_second)
    second_thread.start()
    second_thread.join(0.5)
    # Still waiting for the first save's transaction.
    assert second_thread.is_alive()
    release.set()
    first_thread.join(10)
    second_thread.join(10)

    assert outcome == {"second": "refused"}
    article.refresh_from_db()
    assert article.body == "Premier."
