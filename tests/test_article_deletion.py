"""Whoever may delete articles deletes one whatever the action log says about it."""

import pytest
from django.urls import reverse

from articles.models import Article, EditorialAction
from newsroom import workflow
from tests.factories import ADMINISTRATOR, EDITOR, logged_in, make_article, make_member
from tests.pages import soup

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def logged_article():
    """A draft someone published then took back: two entries in the action log."""
    editor = make_member(EDITOR, "lea")
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    workflow.publish_now(article, editor)
    workflow.unpublish(article, editor)
    assert article.actions.count() == 2
    return article


@pytest.mark.parametrize("role", [EDITOR, ADMINISTRATOR])
def test_article_with_an_action_log_is_deleted_from_its_page(role):
    article = logged_article()
    client = logged_in(make_member(role, "suzanne"))
    url = reverse("admin:articles_article_delete", args=[article.pk])

    confirmation = soup(client.get(url))
    assert confirmation.select_one("form input[name=post]") is not None
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not EditorialAction.objects.filter(article_id=article.pk).exists()


@pytest.mark.parametrize("role", [EDITOR, ADMINISTRATOR])
def test_articles_with_an_action_log_are_deleted_from_the_list(role):
    articles = [logged_article(), make_article()]
    client = logged_in(make_member(role, "suzanne"))
    selected = {"action": "delete_selected", "_selected_action": [a.pk for a in articles]}

    confirmation = soup(client.post(CHANGELIST, selected))
    assert confirmation.select_one("form input[name=post]") is not None
    response = client.post(CHANGELIST, {**selected, "post": "yes"})

    assert response.status_code == 302
    assert not Article.objects.filter(pk__in=[a.pk for a in articles]).exists()
