"""
Each role against each action: what the admin offers, and what a forged request gets.

The users are members of the groups the roles migration creates, so these tests
also check the permissions those groups hold.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, EditorialAction
from tests.admin_forms import EMPTY_INLINES
from tests.factories import (
    ADMINISTRATOR,
    CONTRIBUTOR,
    EDITOR,
    logged_in,
    make_article,
    make_author,
    make_member,
    make_section,
)
from tests.pages import soup, text

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")

PUBLISHING_ACTIONS = ["publish_now", "schedule", "unpublish"]


@pytest.fixture
def users(contributor, editor, administrator):
    return {CONTRIBUTOR: contributor, EDITOR: editor, ADMINISTRATOR: administrator}


def draft_of(user, **fields):
    fields = {"status": Article.Status.DRAFT, "published_at": None, **fields}
    return make_article(authors=[user.author_profile], **fields)


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(article=None, **changes):
    """What the article form posts: ``article``'s values, or a new article's; None drops a key."""
    data = {
        "title": "Le festival de Cannes s'ouvre",
        "slug": "festival-cannes-ouverture",
        "standfirst": "Douze jours de films.",
        "body": "## Le contexte\n\nUn paragraphe.",
        "status": "draft",
        "tags": "",
        "ai_usage": "none",
        "ai_usage_note": "",
        "seo_title": "",
        "seo_description": "",
        **EMPTY_INLINES,
    }
    if article is None:
        data["section"] = make_section().pk
    else:
        data.update(
            title=article.title,
            slug=article.slug,
            standfirst=article.standfirst,
            body=article.body,
            status=article.status,
            section=article.section.pk,
            version=article.version,
        )
        if article.published_at is not None:
            local = article.published_at.astimezone(PARIS)
            data["published_at_0"] = local.strftime("%Y-%m-%d")
            data["published_at_1"] = local.strftime("%H:%M:%S")
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def run_action(client, action, articles, follow=False, **extra):
    data = {"action": action, "index": "0", "_selected_action": [a.pk for a in articles]}
    return client.post(CHANGELIST, {**data, **extra}, follow=follow)


def action_choices(client):
    return [
        option["value"] for option in soup(client.get(CHANGELIST)).select("[name=action] option")
    ]


def logged(article):
    return [(action.kind, action.user.username) for action in article.actions.order_by("id")]


def unchanged(article):
    before = (article.status, article.published_at, article.body, article.version)
    article.refresh_from_db()
    return (article.status, article.published_at, article.body, article.version) == before


def form_errors(response):
    form = response.context["adminform"].form
    return {field: list(errors) for field, errors in form.errors.items()}


# Contributors


def test_contributors_new_article_is_a_draft_signed_with_their_profile(contributor):
    response = logged_in(contributor).post(ADD, form_data())

    assert response.status_code == 302
    article = Article.objects.get(slug="festival-cannes-ouverture")
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert list(article.authors.all()) == [contributor.author_profile]


def test_contributor_keeps_their_place_after_the_co_authors_they_add(contributor):
    colleague = make_author(name="Alain Durand")
    byline = {
        "authorships-TOTAL_FORMS": "1",
        "authorships-0-author": colleague.pk,
        "authorships-0-position": "1",
    }

    logged_in(contributor).post(ADD, form_data(**byline))

    article = Article.objects.get()
    assert list(article.authors.all()) == [colleague, contributor.author_profile]


def test_contributor_can_submit_a_new_article_for_review(contributor):
    response = logged_in(contributor).post(ADD, form_data(publishing="review"))

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.REVIEW
    assert logged(article) == [("submitted", "camille")]


def test_contributors_form_offers_saving_and_review_only_and_no_date(contributor):
    page = soup(logged_in(contributor).get(ADD))

    buttons = [text(button) for button in page.select(".publishing-buttons button")]
    assert buttons == ["Enregistrer le brouillon", "Soumettre à la relecture"]
    assert not page.select("[name^=published_at], [name^=scheduled_for], [name=status]")
    assert not page.select("[name=is_featured]")


def test_contributor_without_author_profile_is_told_before_writing(contributor):
    loner = make_member(CONTRIBUTOR, "dominique", profile=False)
    client = logged_in(loner)

    warnings = soup(client.get(ADD)).select(".messagelist .warning")
    response = client.post(ADD, form_data())

    assert response.status_code == 200
    error = response.context["adminform"].form.non_field_errors()
    assert [text(warning) for warning in warnings] == [" ".join(line.split()) for line in error]
    # What they typed is shown back to them, not lost.
    assert soup(response).select_one("[name=body]").text.strip().startswith("## Le contexte")
    assert not Article.objects.exists()


def test_contributor_edits_their_own_draft(contributor):
    article = draft_of(contributor)
    client = logged_in(contributor)

    assert soup(client.get(change_url(article))).select_one("textarea[name=body]")
    response = client.post(change_url(article), form_data(article, body="Nouveau texte."))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "Nouveau texte."
    assert logged(article) == []


def test_contributor_submits_their_draft_through_the_form(contributor):
    article = draft_of(contributor)

    response = logged_in(contributor).post(
        change_url(article), form_data(article, publishing="review")
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert logged(article) == [("submitted", "camille")]


def test_contributor_reads_but_cannot_change_their_article_in_review(contributor):
    article = draft_of(contributor, status=Article.Status.REVIEW)
    client = logged_in(contributor)

    page = soup(client.get(change_url(article)))
    response = client.post(change_url(article), form_data(article, body="Réécrit."))

    assert not page.select("textarea[name=body]")
    assert not page.select("[name=_save]")
    assert response.status_code == 403
    assert unchanged(article)


@pytest.mark.parametrize("status", ["draft", "review", "published"])
def test_contributor_cannot_open_or_change_someone_elses_article(contributor, status):
    article = make_article(status=status)
    client = logged_in(contributor)

    assert client.get(change_url(article)).status_code == 403
    response = client.post(change_url(article), form_data(article, body="Réécrit."))

    assert response.status_code == 403
    assert unchanged(article)


def test_contributor_lists_only_their_own_articles(contributor):
    own = [draft_of(contributor), draft_of(contributor, status=Article.Status.REVIEW)]
    make_article(title="D'un collègue", status=Article.Status.DRAFT)

    response = logged_in(contributor).get(CHANGELIST)

    assert set(response.context["cl"].result_list) == set(own)


@pytest.mark.parametrize("move", ["publish", "schedule"])
def test_forged_publication_from_a_contributor_is_refused_and_keeps_their_text(contributor, move):
    article = draft_of(contributor)
    future = timezone.localtime() + timedelta(days=2)

    response = logged_in(contributor).post(
        change_url(article),
        form_data(
            article,
            body="## Réécrit\n\nMon nouveau texte.",
            publishing=move,
            scheduled_for_0=future.strftime("%Y-%m-%d"),
            scheduled_for_1="09:00",
        ),
    )

    assert response.status_code == 200
    errors = [text(error) for error in soup(response).select(".errorlist.nonfield li")]
    assert errors == ["Seul un éditeur peut publier, programmer ou dépublier un article."]
    assert soup(response).select_one("[name=body]").text.strip() == (
        "## Réécrit\n\nMon nouveau texte."
    )
    assert unchanged(article)
    assert not Article.objects.published().exists()


@pytest.mark.parametrize(
    "forged",
    [
        {"published_at_0": "2030-05-13", "published_at_1": "19:00:00"},
        {"published_at": "2030-05-13 19:00:00"},
        {"is_featured": "on"},
    ],
)
def test_forged_editor_only_field_from_a_contributor_is_a_form_error(contributor, forged):
    article = draft_of(contributor)

    response = logged_in(contributor).post(change_url(article), form_data(article, **forged))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert unchanged(article)
    assert not article.is_featured


def test_forged_scheduling_of_a_new_article_from_a_contributor_is_refused(contributor):
    forged = {"status": "published", "published_at_0": "2030-05-13", "published_at_1": "19:00"}

    response = logged_in(contributor).post(ADD, form_data(**forged))

    assert response.status_code == 200
    assert not Article.objects.exists()


def test_contributor_cannot_delete_even_their_own_draft(contributor):
    article = draft_of(contributor)
    client = logged_in(contributor)
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])

    page = soup(client.get(change_url(article)))
    response = client.post(delete_url, {"post": "yes"})
    bulk = run_action(client, "delete_selected", [article], post="yes")

    assert not page.select("a.deletelink")
    assert client.get(delete_url).status_code == 403
    assert response.status_code == 403
    assert bulk.status_code == 302
    assert Article.objects.filter(pk=article.pk).exists()


def test_contributor_is_offered_only_the_submit_action(contributor):
    draft_of(contributor)
    client = logged_in(contributor)

    assert action_choices(client) == ["", "submit_for_review"]
    assert not soup(client.get(CHANGELIST)).select("[name=publish_at]")


def test_contributor_submits_their_drafts_in_bulk(contributor):
    drafts = [draft_of(contributor), draft_of(contributor)]
    in_review = draft_of(contributor, status=Article.Status.REVIEW)

    response = run_action(logged_in(contributor), "submit_for_review", [*drafts, in_review])

    assert response.status_code == 302
    for article in drafts:
        article.refresh_from_db()
        assert article.status == Article.Status.REVIEW
        assert logged(article) == [("submitted", "camille")]
    assert logged(in_review) == []


def test_contributor_cannot_submit_someone_elses_draft_by_action(contributor):
    article = make_article(status=Article.Status.DRAFT, published_at=None)

    run_action(logged_in(contributor), "submit_for_review", [article])

    assert unchanged(article)
    assert logged(article) == []


@pytest.mark.parametrize("action", PUBLISHING_ACTIONS)
def test_forged_publishing_action_from_a_contributor_changes_nothing(contributor, action):
    own_draft = draft_of(contributor)
    someone_elses = make_article()
    future = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")

    response = run_action(
        logged_in(contributor), action, [own_draft, someone_elses], publish_at=future
    )

    assert response.status_code == 302
    assert unchanged(own_draft)
    assert unchanged(someone_elses)
    assert not EditorialAction.objects.exists()


# Editors and administrators


@pytest.mark.parametrize("role", [EDITOR, ADMINISTRATOR])
def test_editors_change_every_article_in_every_status(users, role, contributor):
    client = logged_in(users[role])
    for status in ["draft", "review", "published"]:
        article = make_article(status=status, authors=[contributor.author_profile])

        response = client.post(change_url(article), form_data(article, body=f"Relu ({status})."))

        assert response.status_code == 302, status
        article.refresh_from_db()
        assert article.body == f"Relu ({status})."


@pytest.mark.parametrize("role", [EDITOR, ADMINISTRATOR])
def test_editors_form_offers_publishing_and_the_schedule_date(users, role):
    page = soup(logged_in(users[role]).get(ADD))

    buttons = [text(button) for button in page.select(".publishing-panel button")]
    assert buttons == [
        "Enregistrer le brouillon",
        "Soumettre à la relecture",
        "Publier maintenant",
        "Programmer…",
    ]
    assert page.select_one("[name=scheduled_for_0][type=date]")
    assert page.select_one("[name=scheduled_for_1][type=time]")
    assert page.select_one("[name=is_featured]")


@pytest.mark.parametrize("role", [EDITOR, ADMINISTRATOR])
def test_editors_are_offered_every_action(users, role):
    make_article()
    client = logged_in(users[role])

    assert action_choices(client) == [
        "",
        "delete_selected",
        "submit_for_review",
        "publish_now",
        "schedule",
        "unpublish",
        "withdraw",
    ]
    assert soup(client.get(CHANGELIST)).select_one("input[name=publish_at][type=datetime-local]")


@pytest.mark.parametrize("role", [EDITOR, ADMINISTRATOR])
def test_editors_publish_schedule_and_unpublish_through_the_form(users, role, contributor):
    user = users[role]
    client = logged_in(user)
    article = draft_of(contributor, status=Article.Status.REVIEW)
    future = timezone.localtime() + timedelta(days=2)
    schedule = {
        "publishing": "schedule",
        "scheduled_for_0": future.strftime("%Y-%m-%d"),
        "scheduled_for_1": future.strftime("%H:%M"),
    }

    assert client.post(change_url(article), form_data(article, **schedule)).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and not article.is_published
    publish = form_data(article, publishing="publish")
    assert client.post(change_url(article), publish).status_code == 302
    article.refresh_from_db()
    assert article.is_published
    unpublish = form_data(article, publishing="unpublish")
    assert client.post(change_url(article), unpublish).status_code == 302
    article.refresh_from_db()

    assert article.status == Article.Status.DRAFT
    assert logged(article) == [
        ("scheduled", user.username),
        ("published", user.username),
        ("unpublished", user.username),
    ]


@pytest.mark.parametrize("role", [EDITOR, ADMINISTRATOR])
def test_editors_publish_schedule_and_unpublish_by_action(users, role, contributor):
    user = users[role]
    client = logged_in(user)
    first, second = draft_of(contributor), draft_of(contributor, status=Article.Status.REVIEW)
    future = (timezone.localtime() + timedelta(days=3)).replace(second=0, microsecond=0)

    run_action(client, "schedule", [first], publish_at=future.strftime("%Y-%m-%dT%H:%M"))
    run_action(client, "publish_now", [second])
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Article.Status.PUBLISHED and first.published_at == future
    assert second.is_published
    run_action(client, "unpublish", [first, second])

    for article in (first, second):
        article.refresh_from_db()
        assert article.status == Article.Status.DRAFT
    assert logged(first) == [("scheduled", user.username), ("unpublished", user.username)]
    assert logged(second) == [("published", user.username), ("unpublished", user.username)]


@pytest.mark.parametrize("role", [EDITOR, ADMINISTRATOR])
def test_editors_submit_anyones_draft_by_action(users, role, contributor):
    article = draft_of(contributor)

    run_action(logged_in(users[role]), "submit_for_review", [article])

    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert logged(article) == [("submitted", users[role].username)]


@pytest.mark.parametrize("role", [EDITOR, ADMINISTRATOR])
def test_editors_delete_articles(users, role):
    article = make_article()
    client = logged_in(users[role])

    assert soup(client.get(change_url(article))).select_one("a.deletelink")
    response = client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("role", [EDITOR, ADMINISTRATOR])
@pytest.mark.parametrize(
    ("model", "data"),
    [
        ("authors_author", {"name": "Zoé Arnaud", "slug": "zoe-arnaud"}),
        ("articles_section", {"name": "Séries", "slug": "series", "position": "3"}),
        ("taggit_tag", {"name": "Cannes", "slug": "cannes"}),
    ],
)
def test_editors_manage_authors_sections_and_tags(users, role, model, data):
    client = logged_in(users[role])
    url = reverse(f"admin:{model}_add")
    # Whatever inline the role sees (an administrator sees the tagged items).
    page = soup(client.get(url))
    management = {
        field["name"]: field["value"] for field in page.select("input[name$=_FORMS][value]")
    }

    response = client.post(url, {**management, **data})

    assert response.status_code == 302


@pytest.mark.parametrize(
    "model", ["authors_author", "articles_section", "taggit_tag", "articles_editorialaction"]
)
def test_contributors_do_not_manage_authors_sections_tags_nor_read_the_log(contributor, model):
    client = logged_in(contributor)

    assert client.get(reverse(f"admin:{model}_add")).status_code == 403


@pytest.mark.parametrize(("role", "allowed"), [(EDITOR, False), (ADMINISTRATOR, True)])
def test_only_administrators_manage_accounts(users, role, allowed):
    response = logged_in(users[role]).get(reverse("admin:auth_user_changelist"))

    assert (response.status_code == 200) is allowed


def test_demo_editor_account_is_an_editor_not_a_superuser(monkeypatch):
    monkeypatch.delenv("SCREENMANIA_EDITOR_USERNAME", raising=False)
    call_command("ensure_editor", verbosity=0)

    user = User.objects.get(username="redaction")
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [EDITOR]
    assert not user.user_permissions.exists()
    assert user.has_perm("articles.publish_article")


def test_a_permission_given_to_the_member_adds_to_those_of_their_role():
    member = make_member(CONTRIBUTOR, "lou")
    member.user_permissions.add(Permission.objects.get(codename="publish_article"))
    member = User.objects.get(pk=member.pk)  # permissions are read once per user loaded

    assert member.has_perm("articles.add_article")  # the role's
    assert member.has_perm("articles.publish_article")  # the member's own
    assert not member.has_perm("articles.lift_embargo")
    assert {"articles.add_article", "articles.publish_article"} <= member.get_all_permissions()
