"""
Merging tags in the admin: the articles carry the merged tag, the merged tags and
their pages are gone, and the pages readers had stored say so at once.
"""

import pytest
from django.urls import reverse
from taggit.models import Tag

from tests.factories import CONTRIBUTOR, EDITOR, logged_in, make_article, make_member
from tests.pages import soup, text

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:taggit_tag_changelist")


def tag_ids(*names):
    return [Tag.objects.get(name=name).pk for name in names]


def merge(client, names, into):
    data = {"action": "merge", "_selected_action": tag_ids(*names)}
    form = soup(client.post(CHANGELIST, data)).select_one("form input[name='merge-name']")
    assert form is not None
    return client.post(CHANGELIST, {**data, "merge-name": into})


def tag_names(article):
    return sorted(tag.name for tag in article.tags.all())


def tag_links(response):
    return [link["href"] for link in soup(response).select("main a[href^='/tags/']")]


def test_editor_merges_tags_into_a_new_one():
    both = make_article(tags=["Cannes 2026", "Festival de Cannes"])
    one = make_article(tags=["Cannes 2026", "Palme"])
    other = make_article(tags=["Festival de Cannes"])

    response = merge(
        logged_in(make_member(EDITOR, "ines")), ["Cannes 2026", "Festival de Cannes"], "Cannes"
    )

    assert response.status_code == 302
    assert tag_names(both) == ["Cannes"]
    assert tag_names(one) == ["Cannes", "Palme"]
    assert tag_names(other) == ["Cannes"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Cannes", "Palme"]


def test_merging_into_one_of_the_selected_tags_keeps_it():
    article = make_article(tags=["cannes", "Festival de Cannes"])
    kept = Tag.objects.get(name="Festival de Cannes")

    merge(
        logged_in(make_member(EDITOR, "ines")),
        ["cannes", "Festival de Cannes"],
        "festival de cannes",
    )

    assert [tag.pk for tag in article.tags.all()] == [kept.pk]
    assert list(Tag.objects.values_list("name", flat=True)) == ["Festival de Cannes"]


def test_pages_readers_had_stored_show_the_merged_tag(client):
    article = make_article(title="L’ouverture", slug="ouverture", tags=["Cannes 2026"])
    make_article(title="Le palmarès", slug="palmares", tags=["Festival de Cannes"])
    for url in ["/articles/ouverture/", "/tags/cannes-2026/", "/tags/festival-de-cannes/"]:
        client.get(url)
        assert client.get(url).status_code == 200
    assert tag_links(client.get(article.get_absolute_url())) == ["/tags/cannes-2026/"]

    merge(
        logged_in(make_member(EDITOR, "ines")),
        ["Cannes 2026", "Festival de Cannes"],
        "Festival de Cannes",
    )

    assert tag_links(client.get(article.get_absolute_url())) == ["/tags/festival-de-cannes/"]
    # The merged tag's page was stored: its old address now leads to the tag it became.
    assert client.get("/tags/cannes-2026/")["Location"] == "/tags/festival-de-cannes/"
    listed = soup(client.get("/tags/festival-de-cannes/")).select(".card__title a")
    assert sorted(text(a) for a in listed) == ["Le palmarès", "L’ouverture"]


def test_contributor_can_neither_be_offered_nor_forge_a_merge():
    article = make_article(tags=["Cannes 2026", "Festival de Cannes"])
    client = logged_in(make_member(CONTRIBUTOR, "camille"))
    data = {"action": "merge", "_selected_action": tag_ids("Cannes 2026", "Festival de Cannes")}

    offered = [
        option["value"] for option in soup(client.get(CHANGELIST)).select("[name=action] option")
    ]
    client.post(CHANGELIST, {**data, "merge-name": "Cannes"})
    client.post(CHANGELIST + "merge-tags/", {"new_tag_name": "Cannes"})

    assert "merge" not in offered
    assert tag_names(article) == ["Cannes 2026", "Festival de Cannes"]
    assert Tag.objects.count() == 2


def test_the_merge_form_says_what_a_name_is_missing():
    make_article(tags=["Cannes 2026", "Festival de Cannes"])
    client = logged_in(make_member(EDITOR, "ines"))
    data = {"action": "merge", "_selected_action": tag_ids("Cannes 2026", "Festival de Cannes")}

    page = soup(client.post(CHANGELIST, {**data, "merge-name": ""}))

    assert page.select_one(".errorlist") is not None
    assert Tag.objects.count() == 2
