"""
Embargoes: nobody publishes or schedules an article before its embargo ends, by any
path, and is told until when in Paris time; only an administrator lifts one.
"""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from articles.models import Article, EditorialAction
from newsroom import workflow
from tests.factories import logged_in, make_article
from tests.pages import soup, text
from tests.test_revisions import restore_url
from tests.test_roles import (
    CHANGELIST,
    PARIS,
    change_url,
    draft_of,
    form_data,
    form_errors,
    run_action,
    unchanged,
)

pytestmark = pytest.mark.django_db

# The press screening ends on 3 December 2036 at 9:00 in Paris (8:00 UTC).
EMBARGO = datetime(2036, 12, 3, 8, 0, tzinfo=UTC)
UNTIL = "jusqu’au 3 décembre 2036 à 9 h 00 (heure de Paris)"
SAID = f"Sous embargo {UNTIL}"
NEITHER = "l’article ne peut être ni publié ni programmé avant"


def in_review(**fields):
    return make_article(status=Article.Status.REVIEW, published_at=None, **fields)


def paris_fields(name, moment):
    if moment is None:
        return {f"{name}_0": "", f"{name}_1": ""}
    local = moment.astimezone(PARIS)
    return {f"{name}_0": local.strftime("%Y-%m-%d"), f"{name}_1": local.strftime("%H:%M:%S")}


def post_form(client, article, embargo="kept", **changes):
    """The article form as the browser posts it, the embargo as stored unless told."""
    embargo = article.embargo_until if embargo == "kept" else embargo
    data = {**form_data(article), **paris_fields("embargo_until", embargo), **changes}
    return client.post(change_url(article), data)


def near_embargo():
    """An embargo an hour from now, to the second: close enough for the login to hold."""
    return (timezone.now() + timedelta(hours=1)).replace(microsecond=0)


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def folded(message):
    """A message with its non-breaking spaces read as spaces, as on screen."""
    return " ".join(str(message).split())


def refusal(response, field):
    [error] = form_errors(response)[field]
    return folded(error)


def messages_of(response, level):
    return [text(li) for li in soup(response).select(f".messagelist .{level}")]


# The article form


def test_scheduling_a_second_before_the_embargo_is_refused_with_its_end(editor):
    article = in_review(embargo_until=EMBARGO)
    schedule = {
        "publishing": "schedule",
        **paris_fields("scheduled_for", EMBARGO - timedelta(seconds=1)),
    }

    response = post_form(logged_in(editor), article, **schedule)

    assert response.status_code == 200
    error = refusal(response, "scheduled_for")
    assert SAID in error and NEITHER in error
    assert unchanged(article)


@pytest.mark.parametrize("offset", [0, 1])
def test_scheduling_at_the_embargo_or_a_second_after_is_accepted(editor, offset):
    article = in_review(embargo_until=EMBARGO)
    when = EMBARGO + timedelta(seconds=offset)

    response = post_form(
        logged_in(editor), article, publishing="schedule", **paris_fields("scheduled_for", when)
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.PUBLISHED, when)


def test_a_superuser_cannot_publish_under_embargo_either(admin_client):
    article = in_review(embargo_until=EMBARGO)

    response = post_form(admin_client, article, publishing="publish")

    assert response.status_code == 200
    assert SAID in refusal(response, "__all__")
    assert unchanged(article)


@pytest.mark.parametrize(("offset", "published"), [(-1, False), (0, True), (1, True)])
def test_publishing_with_no_date_is_refused_until_the_embargo_second(editor, offset, published):
    embargo = near_embargo()
    article = in_review(embargo_until=embargo)
    client = logged_in(editor)

    with at(embargo + timedelta(seconds=offset)):
        response = post_form(client, article, publishing="publish")

    assert (response.status_code == 302) is published
    article.refresh_from_db()
    assert (article.status == Article.Status.PUBLISHED) is published


def test_an_article_readers_have_cannot_be_put_under_embargo_after_the_fact(editor):
    article = make_article(published_at=datetime(2026, 1, 15, 19, 30, tzinfo=UTC))

    response = post_form(logged_in(editor), article, embargo=EMBARGO)

    assert response.status_code == 200
    error = refusal(response, "embargo_until")
    assert "Les lecteurs ont cet article depuis le 15 janvier 2026 à 20 h 30" in error
    assert unchanged(article)


def test_an_embargo_after_the_scheduled_date_asks_for_a_later_date(editor):
    article = make_article(published_at=EMBARGO - timedelta(days=1))

    response = post_form(logged_in(editor), article, embargo=EMBARGO)

    assert response.status_code == 200
    assert SAID in refusal(response, "__all__")
    article.refresh_from_db()
    assert article.embargo_until is None


def test_a_contributor_may_put_their_own_draft_under_embargo(contributor):
    article = draft_of(contributor)

    response = post_form(logged_in(contributor), article, embargo=EMBARGO)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.embargo_until == EMBARGO


# Lifting


def test_only_the_administrator_role_may_lift_an_embargo(contributor, editor, administrator):
    assert Permission.objects.filter(codename="lift_embargo").exists()
    assert [
        user.has_perm(workflow.LIFT_EMBARGO) for user in (contributor, editor, administrator)
    ] == [
        False,
        False,
        True,
    ]


@pytest.mark.parametrize(
    "moved", [None, EMBARGO - timedelta(minutes=1)], ids=["lifted", "brought-forward"]
)
def test_an_editor_cannot_lift_an_embargo_nor_bring_it_forward(editor, moved):
    article = in_review(embargo_until=EMBARGO)

    response = post_form(logged_in(editor), article, embargo=moved)

    assert response.status_code == 200
    error = refusal(response, "embargo_until")
    assert "Seul un administrateur peut lever cet embargo ou l’avancer" in error
    assert UNTIL in error
    article.refresh_from_db()
    assert article.embargo_until == EMBARGO


def test_an_editor_may_push_an_embargo_back(editor):
    article = in_review(embargo_until=EMBARGO)

    response = post_form(logged_in(editor), article, embargo=EMBARGO + timedelta(days=1))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.embargo_until == EMBARGO + timedelta(days=1)
    assert not article.actions.exists()


def test_an_embargo_that_has_ended_may_be_removed_by_an_editor(editor):
    article = in_review(embargo_until=timezone.now().replace(microsecond=0) - timedelta(days=1))

    response = post_form(logged_in(editor), article, embargo=None)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.embargo_until is None
    assert not article.actions.exists()


def test_an_administrator_lifting_an_embargo_is_in_the_action_log(administrator):
    article = in_review(embargo_until=EMBARGO)

    response = post_form(logged_in(administrator), article, embargo=None)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.embargo_until is None
    action = article.actions.get()
    assert (action.kind, action.user, action.detail) == (
        "lifted",
        administrator,
        "2036-12-03 09:00 CET",
    )
    assert action.get_kind_display() == "embargo levé"


def test_bringing_an_embargo_forward_is_logged_with_both_dates(administrator):
    article = in_review(embargo_until=EMBARGO)

    post_form(logged_in(administrator), article, embargo=EMBARGO - timedelta(hours=12))

    action = article.actions.get()
    assert (action.kind, action.detail) == ("lifted", "2036-12-03 09:00 CET → 2036-12-02 21:00 CET")


def test_the_form_tells_an_editor_who_may_lift_an_embargo(editor, administrator):
    article = in_review(embargo_until=EMBARGO)
    lifted_by = "Seul un administrateur peut lever un embargo ou l’avancer."

    for_editor = soup(logged_in(editor).get(change_url(article)))
    for_administrator = soup(logged_in(administrator).get(change_url(article)))

    assert lifted_by in text(for_editor.select_one(".field-embargo_until .help"))
    assert lifted_by not in text(for_administrator.select_one(".field-embargo_until .help"))


# Bulk actions


def test_publish_now_leaves_an_embargoed_article_saying_until_when_and_publishes_the_others(
    editor,
):
    held = in_review(title="Marée basse, la critique", embargo_until=EMBARGO)
    free = in_review()

    response = run_action(logged_in(editor), "publish_now", [held, free], follow=True)

    assert unchanged(held)
    free.refresh_from_db()
    assert free.is_published
    [error] = messages_of(response, "error")
    assert error.startswith("« Marée basse, la critique » laissé tel quel : sous embargo")
    assert UNTIL in error
    assert messages_of(response, "success") == ["1 article publié."]
    assert not held.actions.exists()


def test_an_embargo_set_while_a_bulk_publication_runs_holds(editor, monkeypatch):
    """
    The action read the selected articles; while it publishes the first, a colleague
    embargoes the second. The second is read again before it moves: it stays unpublished,
    and its embargo is not overwritten by the copy read before it was set.
    """
    selected = [in_review(title="Premier"), in_review(title="Marée basse, la critique")]
    publish_now = workflow.publish_now
    moved = []

    def colleague_embargoes_the_other(article, user):
        if not moved:
            other = next(each for each in selected if each.pk != article.pk)
            colleague = Article.objects.get(pk=other.pk)
            colleague.embargo_until = EMBARGO
            colleague.save()
        moved.append(article.pk)
        return publish_now(article, user)

    monkeypatch.setattr(workflow, "publish_now", colleague_embargoes_the_other)
    response = run_action(logged_in(editor), "publish_now", selected, follow=True)

    held = Article.objects.get(pk=moved[1])
    assert held.embargo_until == EMBARGO
    assert not held.is_published
    assert Article.objects.get(pk=moved[0]).is_published
    [error] = messages_of(response, "error")
    assert UNTIL in error


@pytest.mark.parametrize(("offset", "published"), [(-1, False), (0, True), (1, True)])
def test_publish_now_action_at_the_embargo_boundary(editor, offset, published):
    embargo = near_embargo()
    article = in_review(embargo_until=embargo)
    client = logged_in(editor)

    with at(embargo + timedelta(seconds=offset)):
        run_action(client, "publish_now", [article])
        article.refresh_from_db()
        assert article.is_published is published


@pytest.mark.parametrize(
    ("typed", "scheduled"),
    [("2036-12-03T08:59:59", False), ("2036-12-03T09:00", True), ("2036-12-03T09:00:01", True)],
)
def test_schedule_action_at_the_embargo_boundary(editor, typed, scheduled):
    article = in_review(embargo_until=EMBARGO)

    response = run_action(logged_in(editor), "schedule", [article], publish_at=typed, follow=True)

    article.refresh_from_db()
    assert (article.status == Article.Status.PUBLISHED) is scheduled
    errors = messages_of(response, "error")
    assert (errors == []) is scheduled
    if not scheduled:
        assert UNTIL in errors[0]


# The workflow, called from code


def test_workflow_refuses_to_publish_under_embargo_and_writes_nothing(admin_user):
    article = in_review(embargo_until=EMBARGO)

    with pytest.raises(workflow.UnderEmbargo) as refused:
        workflow.publish_now(article, admin_user)

    assert refused.value.until == EMBARGO
    assert SAID in folded(refused.value)
    assert unchanged(article)
    assert not EditorialAction.objects.exists()


def test_workflow_schedules_at_the_embargo_but_not_a_second_before(admin_user):
    article = in_review(embargo_until=EMBARGO)

    with pytest.raises(workflow.UnderEmbargo):
        workflow.schedule(article, admin_user, EMBARGO - timedelta(seconds=1))
    assert workflow.schedule(article, admin_user, EMBARGO)

    article.refresh_from_db()
    assert article.published_at == EMBARGO


def test_microseconds_do_not_slip_a_publication_under_the_embargo(admin_user):
    """Stored dates lose their microseconds: 8:59:59.9 is refused as the 8:59:59 it would be."""
    article = in_review(embargo_until=EMBARGO - timedelta(microseconds=500_000))

    with pytest.raises(workflow.UnderEmbargo):
        workflow.schedule(article, admin_user, EMBARGO - timedelta(microseconds=100_000))


# Revisions


def test_restoring_a_revision_published_before_the_embargo_keeps_the_current_status(
    admin_client,
):
    article = make_article(body="Version en ligne.")
    online = article.history.latest()
    article.status, article.published_at, article.embargo_until = "draft", None, EMBARGO
    article.save()

    response = admin_client.post(restore_url(article, online), {"version": article.version})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "Version en ligne."
    assert article.status == Article.Status.DRAFT
    warnings = messages_of(admin_client.get(response["Location"]), "warning")
    assert any("L’embargo de l’article court jusqu’au 3 décembre 2036" in w for w in warnings)


# At a glance


def test_the_list_shows_the_embargo_and_its_end_beside_the_status(editor):
    held = in_review(title="Sous le sceau", embargo_until=EMBARGO)
    in_review(title="Ancien embargo", embargo_until=datetime(2020, 1, 1, tzinfo=UTC))

    page = soup(logged_in(editor).get(CHANGELIST))

    rows = {text(row.select_one("th a")): row for row in page.select("#result_list tbody tr")}
    badge = rows[held.title].select_one(".field-state .embargo-badge")
    assert text(badge) == "Sous embargo jusqu’au 3 décembre 2036 à 9 h 00"
    assert rows["Ancien embargo"].select_one(".embargo-badge") is None


@pytest.mark.parametrize(("value", "listed"), [("yes", ["Sous le sceau"]), ("no", ["Libre"])])
def test_the_list_filters_articles_under_embargo(editor, value, listed):
    in_review(title="Sous le sceau", embargo_until=EMBARGO)
    in_review(title="Libre")
    client = logged_in(editor)

    page = soup(client.get(CHANGELIST, {"embargo": value}))

    assert [text(a) for a in page.select("#result_list tbody th a")] == listed
    assert page.select_one('#changelist-filter [data-filter-title="embargo"]') is not None


def test_the_change_form_shows_the_embargo_beside_the_state_and_the_buttons(editor):
    article = in_review(embargo_until=EMBARGO)

    page = soup(logged_in(editor).get(change_url(article)))

    assert text(page.select_one(".publishing-state .embargo-badge")) == (
        "Sous embargo jusqu’au 3 décembre 2036 à 9 h 00"
    )
    notice = page.select_one(".publishing-panel .embargo-notice")
    assert SAID in text(notice) and NEITHER in text(notice)


def test_no_embargo_notice_once_the_embargo_has_ended(editor):
    article = in_review(embargo_until=datetime(2020, 1, 1, tzinfo=UTC))

    page = soup(logged_in(editor).get(change_url(article)))

    assert page.select_one(".embargo-notice") is None
