"""Contributors look authors up to sign with them, without learning the logins' usernames."""

import pytest
from django.urls import reverse

from tests.factories import (
    ADMINISTRATOR,
    CONTRIBUTOR,
    EDITOR,
    logged_in,
    make_author,
    make_member,
)
from tests.pages import soup, text

pytestmark = pytest.mark.django_db

AUTHORS = reverse("admin:authors_author_changelist")
AUTOCOMPLETE = reverse("admin:autocomplete")


@pytest.fixture
def colleague():
    """An editor whose username is nothing like their byline."""
    return make_member(EDITOR, "compte-xq7", profile=False)


@pytest.fixture
def profile(colleague):
    return make_author(name="Marie Curieuse", user=colleague)


def pages_a_contributor_opens(profile):
    return [
        AUTHORS,
        f"{AUTHORS}?q=Marie",
        reverse("admin:authors_author_change", args=[profile.pk]),
        reverse("admin:authors_author_history", args=[profile.pk]),
        reverse("admin:articles_article_add"),
        f"{AUTOCOMPLETE}?app_label=articles&model_name=authorship&field_name=author&term=Mar",
    ]


def test_contributor_sees_authors_but_no_username(profile, colleague):
    client = logged_in(make_member(CONTRIBUTOR, "camille"))
    # Changed by its own login, so that its history has an entry by that login.
    logged_in(colleague).post(
        reverse("admin:authors_author_change", args=[profile.pk]),
        {"name": "Marie Curieuse", "slug": profile.slug, "signature": "", "bio": "Critique."},
    )

    for url in pages_a_contributor_opens(profile):
        response = client.get(url)

        assert response.status_code == 200, url
        assert colleague.username not in response.content.decode(), url
    assert "Marie Curieuse" in client.get(AUTHORS).content.decode()


@pytest.mark.parametrize(
    ("model_name", "field_name"),
    [("author", "user"), ("editorialaction", "user"), ("totpdevice", "user")],
)
def test_contributor_cannot_look_accounts_up(model_name, field_name, colleague):
    app_label = {"author": "authors", "editorialaction": "articles", "totpdevice": "otp_totp"}
    client = logged_in(make_member(CONTRIBUTOR, "camille"))
    query = f"app_label={app_label[model_name]}&model_name={model_name}&field_name={field_name}"

    response = client.get(f"{AUTOCOMPLETE}?{query}&term=compte")

    assert response.status_code == 403


def test_history_names_who_changed_an_author_without_their_login(profile, colleague):
    colleague.first_name, colleague.last_name = "Marie", "Curieuse"
    colleague.save()
    logged_in(colleague).post(
        reverse("admin:authors_author_change", args=[profile.pk]),
        {"name": "Marie Curieuse", "slug": profile.slug, "signature": "", "bio": "Critique."},
    )
    url = reverse("admin:authors_author_history", args=[profile.pk])

    by_contributor = logged_in(make_member(CONTRIBUTOR, "camille")).get(url)
    by_administrator = logged_in(make_member(ADMINISTRATOR, "sacha")).get(url)

    rows = soup(by_contributor).select("#change-history tbody td:first-of-type")
    assert [text(cell) for cell in rows] == ["Marie Curieuse"]
    assert colleague.username in by_administrator.content.decode()


def test_who_links_accounts_sees_which_login_an_author_has(profile, colleague):
    client = logged_in(make_member(EDITOR, "ines"))

    assert colleague.username in client.get(AUTHORS).content.decode()
    change = client.get(reverse("admin:authors_author_change", args=[profile.pk]))
    assert colleague.username in change.content.decode()
