"""Revisions of an article: the list, the comparison of two, the restore, the prune."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin, messages
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, EditorialAction
from newsroom.revisions import History
from tests.admin_forms import EMPTY_INLINES
from tests.factories import make_article, make_member, make_work
from tests.pages import soup, text

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def save_in_admin(client, article, **changes):
    """Post the article's admin form with ``changes``, as an editor pressing Save."""
    article.refresh_from_db()
    data = {
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "status": article.status,
        "section": article.section_id,
        "tags": "",
        "ai_usage": article.ai_usage,
        "ai_usage_note": article.ai_usage_note,
        "seo_title": article.seo_title,
        "seo_description": article.seo_description,
        "version": article.version,
        **EMPTY_INLINES,
    }
    if article.published_at is not None:
        local = article.published_at.astimezone(PARIS)
        data["published_at_0"] = local.strftime("%Y-%m-%d")
        data["published_at_1"] = local.strftime("%H:%M:%S")
    data.update(changes)
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    return response


def revised(article, **changes):
    """Save ``article`` with ``changes`` outside a request; return its new revision."""
    for name, value in changes.items():
        setattr(article, name, value)
    article.save()
    return History.objects.filter(id=article.pk).latest("history_id")


def revisions_url(article):
    return reverse("admin:articles_article_revisions", args=[article.pk])


def compare_url(article, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("admin:articles_article_revision_compare", args=[article.pk]) + f"?{query}"


def restore_url(article, revision):
    return reverse(
        "admin:articles_article_revision_restore", args=[article.pk, revision.history_id]
    )


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def levels_of(response):
    return [message.level for message in get_messages(response.wsgi_request)]


# The list


def test_each_save_in_the_admin_is_a_revision_by_whoever_saved(admin_client, admin_user):
    article = make_article(body="Premier jet.")
    for body in ["Deuxième jet.", "Troisième jet.", "Version finale."]:
        save_in_admin(admin_client, article, body=body)
    saved = History.objects.filter(id=article.pk, history_user=admin_user).order_by("history_id")
    assert [revision.body for revision in saved] == [
        "Deuxième jet.",
        "Troisième jet.",
        "Version finale.",
    ]


def test_the_article_page_links_to_its_revisions(admin_client):
    article = make_article()
    page = soup(admin_client.get(reverse("admin:articles_article_change", args=[article.pk])))
    assert page.select_one(f'.object-tools a[href="{revisions_url(article)}"]') is not None


def test_revisions_are_listed_newest_first_in_paris_time(admin_client, admin_user):
    article = make_article(title="Titre d’origine", status=Article.Status.DRAFT)
    first = History.objects.get(id=article.pk)
    second = revised(article, title="Titre revu", status=Article.Status.REVIEW)
    History.objects.filter(pk=first.pk).update(
        history_date=datetime(2024, 1, 15, 9, 30, tzinfo=UTC)
    )
    History.objects.filter(pk=second.pk).update(
        history_date=datetime(2024, 7, 1, 10, 5, tzinfo=UTC), history_user=admin_user
    )

    rows = soup(admin_client.get(revisions_url(article))).select("tr.revision-row")

    assert [text(row.select_one(".revision-number")) for row in rows] == [
        str(second.history_id),
        str(first.history_id),
    ]
    summer, winter = (row.select_one(".revision-date time") for row in rows)
    assert summer["datetime"] == "2024-07-01T12:05:00+02:00"
    assert "1 juillet 2024 à 12 h 05" in text(summer)
    assert winter["datetime"] == "2024-01-15T10:30:00+01:00"
    assert text(rows[0].select_one(".revision-user")) == "admin"
    assert text(rows[0].select_one(".revision-state")) == "En relecture"
    assert text(rows[1].select_one(".revision-state")) == "Brouillon"
    assert text(rows[0].select_one(".revision-title")) == "Titre revu"
    assert text(rows[1].select_one(".revision-title")) == "Titre d’origine"


def test_a_revision_dated_ahead_of_its_save_is_listed_as_scheduled(admin_client):
    article = make_article(published_at=timezone.now() + timedelta(days=2))
    row = soup(admin_client.get(revisions_url(article))).select_one("tr.revision-row")
    assert row.select_one(".revision-state .article-state-scheduled") is not None


def test_a_long_list_of_revisions_is_paginated(admin_client, monkeypatch):
    monkeypatch.setattr(admin.site._registry[Article], "revisions_per_page", 3)
    article = make_article()
    for number in range(4):
        revised(article, body=f"Version {number}.")
    first_page = soup(admin_client.get(revisions_url(article)))
    assert len(first_page.select("tr.revision-row")) == 3
    second_page = soup(admin_client.get(revisions_url(article) + "?p=2"))
    assert len(second_page.select("tr.revision-row")) == 2
    assert text(second_page.select_one(".paginator .this-page")) == "2"


def test_the_list_costs_the_same_queries_however_many_revisions(
    admin_client, django_assert_max_num_queries
):
    article = make_article()
    for number in range(30):
        revised(article, body=f"Version {number}.")
    with django_assert_max_num_queries(8):
        admin_client.get(revisions_url(article))


# Comparing


def test_comparison_shows_removed_and_added_words(admin_client):
    article = make_article(body="Le film dure deux heures, sans entracte.")
    old = History.objects.get(id=article.pk)
    new = revised(article, body="Le film dure trois heures, sans entracte.")
    diff = soup(admin_client.get(compare_url(article, to=new.history_id, **{"from": old.pk})))
    body = diff.select(".revision-diff__field")[2]
    assert [text(tag) for tag in body.select("del")] == ["deux"]
    assert [text(tag) for tag in body.select("ins")] == ["trois"]
    assert "Le film dure" in text(body)


def test_hostile_text_is_escaped_in_the_comparison(admin_client):
    article = make_article(body="Texte sage.")
    old = History.objects.get(id=article.pk)
    new = revised(
        article,
        body='Texte sage. <script>alert("x")</script>',
        seo_title="<img src=x onerror=alert(1)>",
    )
    page = soup(admin_client.get(compare_url(article, to=new.history_id, **{"from": old.pk})))
    diff = page.select_one(".revision-diff")
    assert diff.select("script, img") == []
    assert '<script>alert("x")</script>' in text(diff)
    assert "<img src=x onerror=alert(1)>" in text(diff)


def test_compare_with_previous_and_with_current(admin_client):
    article = make_article(title="Un", standfirst="Chapô.")
    middle = revised(article, title="Deux")
    revised(article, title="Trois")

    with_previous = soup(admin_client.get(compare_url(article, to=middle.history_id)))
    title = with_previous.select(".revision-diff__field")[0]
    assert (text(title.select_one("del")), text(title.select_one("ins"))) == ("Un", "Deux")

    with_current = soup(
        admin_client.get(compare_url(article, to="current", **{"from": middle.history_id}))
    )
    title = with_current.select(".revision-diff__field")[0]
    assert (text(title.select_one("del")), text(title.select_one("ins"))) == ("Deux", "Trois")
    old_side, current_side = with_current.select(".revision-version")
    assert old_side.select_one(f'a[href="{restore_url(article, middle)}"]') is not None
    assert current_side.select_one("a") is None


def test_two_revisions_chosen_in_reverse_read_from_older_to_newer(admin_client):
    article = make_article(title="Avant")
    old = History.objects.get(id=article.pk)
    new = revised(article, title="Après")
    page = soup(admin_client.get(compare_url(article, to=old.pk, **{"from": new.history_id})))
    title = page.select(".revision-diff__field")[0]
    assert (text(title.select_one("del")), text(title.select_one("ins"))) == ("Avant", "Après")


def detail_rows(client, article, old, new):
    """The comparison of two revisions' other fields: {label: (before, after)}."""
    page = soup(client.get(compare_url(article, to=new.history_id, **{"from": old.pk})))
    return {
        text(row.th): tuple(text(cell) for cell in row.select("td"))
        for row in page.select(".revision-diff__details tbody tr")
    }


def test_other_fields_are_shown_before_and_after(admin_client):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    old = History.objects.get(id=article.pk)
    new = revised(article, status=Article.Status.PUBLISHED, ai_usage=Article.AIUsage.ASSISTED)
    rows = detail_rows(admin_client, article, old, new)
    assert rows["Statut"] == ("Brouillon", "Publié")
    assert rows["Usage de l’IA"] == ("Aucune IA utilisée", "Écrit avec l’aide de l’IA")
    assert rows["Date de publication"][0] == "—"
    assert "Rubrique" not in rows


def draft_review(work, rating):
    return make_article(
        status=Article.Status.DRAFT, published_at=None, reviewed_work=work, rating=rating
    )


def test_a_review_s_rating_and_embargo_changes_are_shown(admin_client):
    article = draft_review(make_work(title="Marée basse"), rating=Decimal("4"))
    old = History.objects.get(id=article.pk)
    embargo = datetime(2036, 12, 3, 8, 0, tzinfo=UTC)
    new = revised(article, rating=Decimal("2.5"), spoilers="contains", embargo_until=embargo)
    rows = detail_rows(admin_client, article, old, new)
    assert rows["Note sur 5"] == ("4", "2,5")
    assert rows["Spoilers"] == ("—", "Contient des spoilers")
    assert rows["Sous embargo jusqu’au"] == ("—", "3 décembre 2036 à 9 h 00")
    assert "Critique de" not in rows


def test_a_restore_brings_the_rating_back_but_never_the_embargo(admin_client):
    article = draft_review(make_work(title="Marée basse"), rating=Decimal("4"))
    wanted = History.objects.get(id=article.pk)
    embargo = datetime(2036, 12, 3, 8, 0, tzinfo=UTC)
    revised(article, rating=Decimal("1.5"), embargo_until=embargo)

    admin_client.post(restore_url(article, wanted), {"version": article.version})

    article.refresh_from_db()
    assert article.rating == Decimal("4")
    assert article.embargo_until == embargo


def test_a_restore_keeps_the_review_when_its_old_work_was_deleted(admin_client):
    gone, kept = make_work(title="Disparu"), make_work(title="Gardé")
    article = draft_review(gone, rating=Decimal("3"))
    wanted = History.objects.get(id=article.pk)
    revised(article, reviewed_work=kept, rating=Decimal("5"))
    gone.delete()

    response = admin_client.post(restore_url(article, wanted), {"version": article.version})

    article.refresh_from_db()
    assert (article.reviewed_work, article.rating) == (kept, Decimal("5"))
    assert any(
        "n’est plus au catalogue" in str(message) for message in get_messages(response.wsgi_request)
    )


def test_long_bodies_fold_the_unchanged_lines(admin_client):
    paragraphs = [f"Paragraphe numéro {number} du texte." for number in range(40)]
    article = make_article(body="\n\n".join(paragraphs))
    old = History.objects.get(id=article.pk)
    paragraphs[20] = "Paragraphe numéro 20 réécrit."
    new = revised(article, body="\n\n".join(paragraphs))
    page = soup(admin_client.get(compare_url(article, to=new.history_id, **{"from": old.pk})))
    body = page.select(".revision-diff__field")[2]
    assert len(body.select(".diff-changed")) == 1
    assert text(body.select_one(".diff-changed .diff-line-number")) == "41"
    assert len(body.select(".diff-folded")) == 2
    assert "numéro 3 du" not in text(body)
    assert "numéro 19 du" in text(body)


def test_a_revision_of_another_article_is_not_found(admin_client):
    article, other = make_article(), make_article()
    foreign = History.objects.get(id=other.pk)
    response = admin_client.get(compare_url(article, to=foreign.history_id))
    assert response.status_code == 404


# Restoring


def test_restoring_brings_the_old_text_back_as_a_new_revision(admin_client, admin_user):
    article = make_article(title="Titre premier", body="Texte premier.")
    for body in ["Texte second.", "Texte troisième."]:
        save_in_admin(admin_client, article, body=body)
    wanted = History.objects.filter(id=article.pk).order_by("history_id").first()
    count = History.objects.filter(id=article.pk).count()

    response = admin_client.post(restore_url(article, wanted), {"version": article.version})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    article.refresh_from_db()
    assert article.body == "Texte premier."
    assert "<p>Texte premier.</p>" in article.body_html
    latest = History.objects.filter(id=article.pk).latest("history_id")
    assert History.objects.filter(id=article.pk).count() == count + 1
    assert (latest.body, latest.history_user) == ("Texte premier.", admin_user)
    assert str(wanted.history_id) in latest.history_change_reason
    action = EditorialAction.objects.get(article=article, kind=EditorialAction.Kind.RESTORED)
    assert action.user == admin_user
    assert str(wanted.history_id) in action.detail
    assert levels_of(response)[-1] == messages.SUCCESS


def test_the_restore_page_asks_first_and_changes_nothing(admin_client):
    article = make_article(body="Ancien texte.")
    wanted = History.objects.get(id=article.pk)
    revised(article, body="Nouveau texte.")
    version, count = article.version, History.objects.count()

    page = soup(admin_client.get(restore_url(article, wanted)))

    article.refresh_from_db()
    assert (article.body, article.version, History.objects.count()) == (
        "Nouveau texte.",
        version,
        count,
    )
    assert not EditorialAction.objects.filter(kind=EditorialAction.Kind.RESTORED).exists()
    assert page.select_one(".revision-restore__notes .revision-restore__unversioned") is not None
    form = page.select_one(".revision-restore form[method=post]")
    assert form.select_one("[name=csrfmiddlewaretoken]") is not None
    assert form.select_one("[name=version]")["value"] == str(version)
    diff = page.select(".revision-diff__field")[2]
    assert (text(diff.select_one("del")), text(diff.select_one("ins"))) == ("Nouveau", "Ancien")


def test_a_restore_posted_over_a_newer_save_is_refused(admin_client):
    article = make_article(body="Ancien texte.")
    wanted = History.objects.get(id=article.pk)
    stale_version = article.version
    revised(article, body="Texte d’une collègue.")
    response = admin_client.post(restore_url(article, wanted), {"version": stale_version})
    assert response.status_code == 302
    assert response["Location"] == restore_url(article, wanted)
    article.refresh_from_db()
    assert article.body == "Texte d’une collègue."
    assert not EditorialAction.objects.filter(kind=EditorialAction.Kind.RESTORED).exists()


def test_an_editor_restoring_a_published_revision_republishes_and_logs_it(admin_client):
    article = make_article(body="Texte lu par le public.")
    wanted = History.objects.get(id=article.pk)
    revised(article, status=Article.Status.DRAFT, body="Brouillon.")
    admin_client.post(restore_url(article, wanted), {"version": article.version})
    article.refresh_from_db()
    assert article.is_published
    kinds = set(article.actions.values_list("kind", flat=True))
    assert {EditorialAction.Kind.RESTORED, EditorialAction.Kind.PUBLISHED} <= kinds


def test_restoring_cannot_publish_for_someone_who_may_not_publish():
    contributor = make_member("Contributeur", "camille")
    article = make_article(authors=[contributor.author_profile], body="Version en ligne.")
    published = History.objects.get(id=article.pk)
    revised(article, status=Article.Status.DRAFT, body="Retravaillé.")
    client = logged_in(contributor)

    confirmation = soup(client.get(restore_url(article, published)))
    assert len(confirmation.select(".revision-restore__kept")) == 1
    response = client.post(restore_url(article, published), {"version": article.version})

    assert response.status_code == 302
    assert levels_of(response) == [messages.SUCCESS, messages.WARNING]
    article.refresh_from_db()
    assert article.body == "Version en ligne."
    assert article.status == Article.Status.DRAFT
    assert not article.is_published
    assert not article.actions.filter(kind=EditorialAction.Kind.PUBLISHED).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_who_may_not_change_the_article_cannot_restore(method):
    contributor = make_member("Contributeur", "camille")
    article = make_article(body="Texte d’une autre.", status=Article.Status.DRAFT)
    wanted = History.objects.get(id=article.pk)
    revised(article, body="Texte actuel.")
    client = logged_in(contributor)
    response = getattr(client, method)(restore_url(article, wanted), {"version": article.version})
    assert response.status_code == 403
    assert client.get(revisions_url(article)).status_code == 403
    article.refresh_from_db()
    assert article.body == "Texte actuel."


def test_a_reader_is_sent_to_the_login_page(client):
    article = make_article()
    wanted = History.objects.get(id=article.pk)
    response = client.post(restore_url(article, wanted), {"version": article.version})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_editor_sees_revisions_and_may_restore_any_article():
    editor = make_member("Éditeur", "ines")
    article = make_article(body="Avant.")
    wanted = History.objects.get(id=article.pk)
    revised(article, body="Après.")
    client = logged_in(editor)
    page = soup(client.get(revisions_url(article)))
    assert page.select_one(f'a[href="{restore_url(article, wanted)}"]') is not None
    client.post(restore_url(article, wanted), {"version": article.version})
    article.refresh_from_db()
    assert article.body == "Avant."


# Pruning


def history_of(article):
    return History.objects.filter(id=article.pk).order_by("history_id")


def aged(article, days):
    history_of(article).update(history_date=timezone.now() - timedelta(days=days))


def prune(*args):
    out = StringIO()
    call_command("prune_revisions", *args, stdout=out)
    return out.getvalue()


def drafts_with_history(saves, **fields):
    article = make_article(status=Article.Status.DRAFT, published_at=None, **fields)
    for number in range(saves):
        revised(article, body=f"Version {number}.")
    return article


def test_prune_drops_old_drafts_beyond_the_last_n():
    article = drafts_with_history(9)
    aged(article, days=200)
    ids = list(history_of(article).values_list("history_id", flat=True))

    output = prune("--keep-last", "3", "--keep-days", "90")

    assert list(history_of(article).values_list("history_id", flat=True)) == ids[-3:]
    assert "7" in output


def test_prune_keeps_every_version_readers_saw():
    article = make_article(published_at=timezone.now() - timedelta(days=300))
    for number in range(5):
        revised(article, body=f"Correction {number}.")
    revised(article, status=Article.Status.DRAFT)
    for number in range(5):
        revised(article, body=f"Brouillon {number}.")
    aged(article, days=200)

    prune("--keep-last", "2")

    kept = list(history_of(article))
    assert [revision.status for revision in kept[:6]] == [Article.Status.PUBLISHED] * 6
    assert len(kept) == 6 + 2


def test_prune_keeps_a_scheduled_revision_that_went_online_untouched():
    article = drafts_with_history(5)
    scheduled = revised(
        article,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=150),
    )
    revised(article, status=Article.Status.DRAFT)
    revised(article, body="Dernière version.")
    aged(article, days=200)
    # Saved a day before its date, then read until the next save.
    History.objects.filter(pk=scheduled.pk).update(
        history_date=timezone.now() - timedelta(days=151)
    )
    History.objects.filter(id=article.pk, history_id__gt=scheduled.pk).update(
        history_date=timezone.now() - timedelta(days=120)
    )

    prune("--keep-last", "1")

    latest = History.objects.filter(id=article.pk).latest("history_id")
    assert list(history_of(article)) == [scheduled, latest]


def test_prune_keeps_recent_revisions_and_the_latest():
    recent = drafts_with_history(6)
    old = drafts_with_history(6)
    aged(old, days=200)
    latest = history_of(old).last()

    prune("--keep-last", "1", "--keep-days", "30")

    assert history_of(recent).count() == 7
    assert list(history_of(old)) == [latest]


def test_prune_dry_run_deletes_nothing_and_says_what_would_go():
    article = drafts_with_history(6, title="Un brouillon ancien")
    aged(article, days=200)
    count = History.objects.count()

    output = prune("--keep-last", "2", "--dry-run")

    assert History.objects.count() == count
    assert "Un brouillon ancien" in output
    assert "Would delete 5 of" in output


def test_prune_refuses_to_keep_no_revision():
    with pytest.raises(Exception, match="keep-last"):
        prune("--keep-last", "0")


def test_prune_costs_the_same_queries_for_many_articles(django_assert_max_num_queries):
    articles = [drafts_with_history(4) for _number in range(12)]
    for article in articles:
        aged(article, days=200)
    with django_assert_max_num_queries(6):
        prune("--keep-last", "2")
    assert History.objects.count() == 12 * 2
