"""
The status flow: scheduling at its second, unpublishing everywhere, Paris time, the action log.
"""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, EditorialAction
from newsroom import workflow
from tests.factories import (
    logged_in,
    make_article,
    make_author,
    make_section,
)
from tests.pages import LISTS, pages_showing, soup, text
from tests.test_roles import (
    CHANGELIST,
    change_url,
    draft_of,
    form_data,
    logged,
    run_action,
)

pytestmark = pytest.mark.django_db

# What a time that a daylight-saving change skips or repeats is told, as the calendar
# tells it, rather than Django's « 2036-03-30 02:30:00 n’a pas pu être interprétée dans le
# fuseau horaire Europe/Paris ».
NOT_A_PARIS_TIME = {
    "2036-03-30": "Le 30 mars 2036 à 2 h 30 n’existe pas à Paris : cette nuit-là, les "
    "horloges avancent d’une heure, de 2 h 00 à 3 h 00. Choisissez une autre heure.",
    "2036-10-26": "Le 26 octobre 2036 à 2 h 30 a lieu deux fois à Paris : cette nuit-là, les "
    "horloges reculent d’une heure, de 3 h 00 à 2 h 00. Choisissez une heure avant 2 h 00 "
    "ou à partir de 3 h 00.",
}


def as_read(message):
    """``message`` with its no-break spaces read as spaces."""
    return " ".join(message.split())


@pytest.fixture
def everywhere():
    """An article on every reader page there is, with the URLs of those pages."""
    section, author = make_section(slug="cinema"), make_author(slug="marie")
    article = make_article(section=section, authors=[author], tags=["cannes"])
    pages = pages_showing(article, search=article.title)
    return article, [pages[name] for name in LISTS]


def listed(client, url):
    response = client.get(url)
    if response.status_code == 404:
        return set()
    return {a["href"] for a in soup(response).select(".card__title a")}


def test_scheduled_article_appears_at_its_second_and_not_before(client):
    at = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    section = make_section(slug="cinema")
    article = make_article(section=section, published_at=at, tags=["cannes"])
    url = article.get_absolute_url()

    with mock.patch("django.utils.timezone.now", return_value=at - timedelta(seconds=1)):
        assert client.get(url).status_code == 404
        assert url not in listed(client, "/")
        assert url not in listed(client, "/rubriques/cinema/")
    with mock.patch("django.utils.timezone.now", return_value=at):
        assert client.get(url).status_code == 200
    with mock.patch("django.utils.timezone.now", return_value=at + timedelta(seconds=1)):
        assert client.get(url).status_code == 200
        assert url in listed(client, "/")
        assert url in listed(client, "/rubriques/cinema/")
        assert url in listed(client, "/tags/cannes/")


def test_unpublishing_takes_the_article_off_every_page_at_once(client, editor, everywhere):
    article, pages = everywhere
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    assert all(url in listed(client, page) for page in pages)

    run_action(logged_in(editor), "unpublish", [article])

    assert client.get(url).status_code == 404
    for page in pages:
        assert url not in listed(client, page), page


def test_editor_types_paris_time_and_it_is_stored_in_utc(editor):
    article = make_article(status=Article.Status.REVIEW)
    typed = {"publishing": "schedule", "scheduled_for_0": "2036-07-14", "scheduled_for_1": "20:00"}

    response = logged_in(editor).post(change_url(article), form_data(article, **typed))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published_at == datetime(2036, 7, 14, 18, 0, tzinfo=UTC)


def test_editor_reads_paris_time_in_the_form_and_the_list(editor):
    article = make_article(published_at=datetime(2026, 1, 15, 19, 30, tzinfo=UTC))
    client = logged_in(editor)

    form = soup(client.get(change_url(article)))
    row = soup(client.get(CHANGELIST)).find("a", string=article.title).find_parent("tr")

    assert text(form.select_one(".publishing-state .article-state")) == (
        "Publié le 15 janvier 2026 à 20 h 30"
    )
    assert "20 h 30" in text(row.select_one(".field-published_at"))


@pytest.mark.parametrize(
    ("day", "why"),
    [("2036-03-30", "clocks jump from 02:00 to 03:00"), ("2036-10-26", "02:30 happens twice")],
)
def test_a_time_that_is_not_one_moment_in_paris_is_a_form_error(editor, day, why):
    article = make_article(status=Article.Status.REVIEW)
    typed = {"publishing": "schedule", "scheduled_for_0": day, "scheduled_for_1": "02:30"}

    response = logged_in(editor).post(change_url(article), form_data(article, **typed))

    assert response.status_code == 200, why
    errors = response.context["adminform"].form.errors["scheduled_for"]
    assert [as_read(error) for error in errors] == [NOT_A_PARIS_TIME[day]]
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


@pytest.mark.parametrize("field", ["embargo_until", "planned_for"])
def test_the_article_s_other_paris_times_are_refused_in_the_same_words(editor, field):
    article = make_article(status=Article.Status.REVIEW)
    typed = {f"{field}_0": "2036-03-30", f"{field}_1": "02:30"}

    response = logged_in(editor).post(change_url(article), form_data(article, **typed))

    errors = response.context["adminform"].form.errors[field]
    assert [as_read(error) for error in errors] == [NOT_A_PARIS_TIME["2036-03-30"]]


def test_schedule_action_reads_paris_time(editor):
    article = make_article(status=Article.Status.REVIEW)

    run_action(logged_in(editor), "schedule", [article], publish_at="2036-07-14T20:00")

    article.refresh_from_db()
    assert article.published_at == datetime(2036, 7, 14, 18, 0, tzinfo=UTC)
    action = article.actions.get()
    assert (action.kind, action.detail) == ("scheduled", "2036-07-14 20:00 CEST")


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("", "Choisissez la date et l’heure de publication"),
        ("2020-01-01T12:00", "Cette date est passée"),
        ("2036-03-30T02:30", NOT_A_PARIS_TIME["2036-03-30"]),
        ("demain", "Saisissez une date et une heure valides"),
    ],
)
def test_schedule_action_without_a_usable_date_changes_nothing(editor, typed, said):
    article = make_article(status=Article.Status.REVIEW)

    response = run_action(logged_in(editor), "schedule", [article], publish_at=typed, follow=True)

    errors = [text(li) for li in soup(response).select(".messagelist .error")]
    assert len(errors) == 1 and said in errors[0], errors
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert not EditorialAction.objects.exists()


def test_publish_now_leaves_articles_already_online_as_they_were(editor):
    online = make_article()
    scheduled = make_article(published_at=timezone.now() + timedelta(days=5))
    date = online.published_at

    response = run_action(logged_in(editor), "publish_now", [online, scheduled], follow=True)

    online.refresh_from_db()
    scheduled.refresh_from_db()
    assert online.published_at == date
    assert scheduled.is_published
    assert logged(online) == []
    assert logged(scheduled) == [("published", "ines")]
    assert soup(response).select(".messagelist .success")
    assert soup(response).select(".messagelist .warning")


def test_rescheduling_is_logged_with_the_new_date(editor):
    article = make_article(published_at=datetime(2036, 5, 1, 8, tzinfo=UTC))
    moved = {"publishing": "schedule", "scheduled_for_0": "2036-05-02", "scheduled_for_1": "10:00"}

    logged_in(editor).post(change_url(article), form_data(article, **moved))

    assert [(a.kind, a.detail) for a in article.actions.all()] == [
        ("scheduled", "2036-05-02 10:00 CEST")
    ]


def test_an_ordinary_edit_and_sending_back_to_draft_log_no_transition(editor, contributor):
    article = draft_of(contributor, status=Article.Status.REVIEW)
    client = logged_in(editor)

    client.post(change_url(article), form_data(article, body="Relu."))
    article.refresh_from_db()
    client.post(change_url(article), form_data(article, publishing="draft"))

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert logged(article) == []


def test_editor_publishing_a_new_article_at_once_is_logged(editor):
    response = logged_in(editor).post(
        reverse("admin:articles_article_add"), form_data(publishing="publish")
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.is_published
    assert logged(article) == [("published", "ines")]


ACTION_LOG = reverse("admin:articles_editorialaction_changelist")


def test_action_log_lists_who_did_what_with_a_link_to_the_article(editor, contributor):
    article = draft_of(contributor, title="Cannes, jour 1")
    run_action(logged_in(contributor), "submit_for_review", [article])
    run_action(logged_in(editor), "publish_now", [article])

    page = soup(logged_in(editor).get(ACTION_LOG))

    rows = page.select("#result_list tbody tr")
    # Each member by their byline, as the desk names them, not by their login.
    assert [text(row.select_one(".field-by")) for row in rows] == ["Ines", "Camille"]
    link = rows[0].select_one(".field-article_link a")
    assert link["href"] == change_url(article)
    assert text(link) == "Cannes, jour 1"
    assert page.select_one("#changelist-filter")


def test_action_log_writes_dates_and_counts_as_the_newsroom_does(editor):
    article = make_article(status=Article.Status.REVIEW)
    run_action(logged_in(editor), "schedule", [article], publish_at="2036-12-12T06:00")
    article.refresh_from_db()
    embargo = datetime(2036, 12, 3, 8, 0, tzinfo=UTC)
    before = workflow.Snapshot(article.status, article.published_at, embargo)
    workflow.record_embargo_lift(article, editor, before)

    page = soup(logged_in(editor).get(ACTION_LOG))

    details = [text(cell) for cell in page.select("#result_list .field-detail_in_words")]
    assert details == ["3 décembre 2036 à 9 h 00", "12 décembre 2036 à 6 h 00"]
    assert text(page.select_one(".paginator")) == "2 actions"


def test_action_log_filters_by_action_and_user(editor, contributor):
    article = draft_of(contributor)
    run_action(logged_in(contributor), "submit_for_review", [article])
    run_action(logged_in(editor), "publish_now", [article])
    client = logged_in(editor)

    by_kind = client.get(ACTION_LOG, {"kind__exact": "submitted"}).context["cl"].result_list
    by_user = client.get(ACTION_LOG, {"user__id__exact": editor.pk}).context["cl"].result_list

    assert [action.kind for action in by_kind] == ["submitted"]
    assert [action.user for action in by_user] == [editor]


def test_action_log_cannot_be_written_even_by_an_administrator(admin_client, editor):
    action = EditorialAction.record(make_article(), editor, EditorialAction.Kind.PUBLISHED)
    change = reverse("admin:articles_editorialaction_change", args=[action.pk])
    delete = reverse("admin:articles_editorialaction_delete", args=[action.pk])

    page = soup(admin_client.get(change))

    assert not page.select("[name=_save]")
    assert admin_client.get(reverse("admin:articles_editorialaction_add")).status_code == 403
    assert admin_client.post(change, {"kind": "unpublished"}).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    action.refresh_from_db()
    assert action.kind == "published"
