"""
The admin's « view on site » shortcut gives an object's public address only to
someone who may change the object, or when readers may open it.
"""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article
from tests.factories import (
    CONTRIBUTOR,
    EDITOR,
    logged_in,
    make_article,
    make_author,
    make_image,
    make_member,
)
from tests.pages import soup

pytestmark = pytest.mark.django_db


def shortcut(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


def staff_without_role():
    user = make_member(CONTRIBUTOR, "noemie")
    user.groups.clear()
    return user


def unpublished_articles():
    """A draft, a review in review, a scheduled one and an embargoed review, by someone else."""
    later = timezone.now() + timedelta(days=3)
    return [
        make_article(slug="brouillon-secret", status=Article.Status.DRAFT, published_at=None),
        make_article(slug="en-relecture", status=Article.Status.REVIEW, published_at=None),
        make_article(slug="programme", published_at=later),
        make_article(
            slug="critique-sous-embargo",
            status=Article.Status.DRAFT,
            published_at=None,
            embargo_until=later,
        ),
    ]


@pytest.mark.parametrize("who", ["contributor", "staff without a role"])
def test_unpublished_article_address_is_not_given_to_who_may_not_change_it(who):
    user = make_member(CONTRIBUTOR, "camille") if who == "contributor" else staff_without_role()
    client = logged_in(user)

    for article in unpublished_articles():
        response = client.get(shortcut(article))

        assert response.status_code == 404, article.slug
        assert "Location" not in response
        assert article.slug not in response.content.decode()


def test_unpublished_article_address_is_given_to_who_may_change_it():
    contributor = make_member(CONTRIBUTOR, "camille")
    own_draft = make_article(
        authors=[contributor.author_profile], status=Article.Status.DRAFT, published_at=None
    )
    editor = logged_in(make_member(EDITOR, "ines"))

    assert (
        logged_in(contributor).get(shortcut(own_draft))["Location"] == own_draft.get_absolute_url()
    )
    for article in unpublished_articles():
        assert editor.get(shortcut(article))["Location"] == article.get_absolute_url()


def test_public_pages_are_given_to_any_staff_account():
    client = logged_in(staff_without_role())
    article, author = make_article(), make_author()

    assert client.get(shortcut(article))["Location"] == article.get_absolute_url()
    assert client.get(shortcut(author))["Location"] == author.get_absolute_url()


def test_author_page_button_goes_through_the_shortcut_to_the_page():
    author = make_author(name="Marie Curieuse", slug="marie")
    client = logged_in(make_member(CONTRIBUTOR, "camille"))

    change_page = soup(client.get(reverse("admin:authors_author_change", args=[author.pk])))
    button = change_page.select_one("a.viewsitelink")

    assert client.get(button["href"])["Location"] == "/auteurs/marie/"


@pytest.mark.parametrize(
    "address",
    [
        lambda: shortcut(make_image()),
        lambda: shortcut(Tag.objects.create(name="Cannes")),
        lambda: shortcut(make_member(EDITOR, "lea")),
        lambda: reverse("admin:view_on_site", args=[999999, 1]),
        lambda: reverse("admin:view_on_site", args=["article", 1]),
        lambda: reverse(
            "admin:view_on_site", args=[ContentType.objects.get_for_model(Article).pk, "x"]
        ),
    ],
    ids=["image", "tag", "login", "no such type", "not a type", "not an id"],
)
def test_what_has_no_public_address_is_not_found(address):
    client = logged_in(make_member(EDITOR, "ines"))

    assert client.get(address()).status_code == 404
