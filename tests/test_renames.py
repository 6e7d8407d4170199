"""
A renamed thing keeps its old address: the slug of a published article, a section, a tag,
an author or a work changed, its old addresses (page, feeds, English pages) redirect in
one hop, the admin says so, and a freed slug is not silently taken by a new article.
"""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article
from authors.models import Author
from newsroom.tags import merge_tags
from redirects.models import Redirect
from tests.admin_forms import EMPTY_INLINES, article_fields, new_article_fields
from tests.factories import logged_in, make_article, make_author, make_section, make_work

pytestmark = pytest.mark.django_db


def rename(instance, slug):
    instance.slug = slug
    instance.save()


def assert_redirects(old, new):
    response = Client().get(old)
    assert (response.status_code, response["Location"]) == (301, new), old
    assert Client().get(new).status_code == 200, new


def redirect_pairs():
    return dict(Redirect.objects.values_list("old_path", "target"))


def test_a_published_article_renamed_in_the_admin_redirects_and_says_so(editor):
    article = make_article(slug="ancien-titre")
    client = logged_in(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, {**article_fields(article, slug="nouveau-titre"), **EMPTY_INLINES})
    assert response.status_code == 302, response.context["adminform"].form.errors
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert (
        "L’ancienne adresse /articles/ancien-titre/ redirige désormais vers "
        "/articles/nouveau-titre/, de même que 1 autre adresse (flux ou page en anglais)."
    ) in said
    assert_redirects("/articles/ancien-titre/", "/articles/nouveau-titre/")
    assert_redirects("/en/articles/ancien-titre/", "/en/articles/nouveau-titre/")
    assert Redirect.objects.get(old_path="/articles/ancien-titre/").source == "rename"


def test_the_admin_says_a_new_slug_keeps_the_old_address(editor):
    article = make_article()
    page = logged_in(editor).get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "l’ancienne adresse redirige vers la nouvelle" in page.content.decode()


def test_a_draft_renamed_leaves_no_redirect():
    article = make_article(slug="brouillon", status=Article.Status.DRAFT)
    rename(article, "brouillon-2")
    assert not Redirect.objects.exists()


def test_a_section_renamed_keeps_its_page_and_feeds_in_both_languages():
    section = make_section(slug="series")
    make_article(section=section)
    rename(section, "series-tv")
    assert redirect_pairs() == {
        "/rubriques/series/": "/rubriques/series-tv/",
        "/rubriques/series/feed/": "/rubriques/series-tv/feed/",
        "/rubriques/series/feed/atom/": "/rubriques/series-tv/feed/atom/",
        "/en/rubriques/series/": "/en/rubriques/series-tv/",
        "/en/rubriques/series/feed/": "/en/rubriques/series-tv/feed/",
        "/en/rubriques/series/feed/atom/": "/en/rubriques/series-tv/feed/atom/",
    }
    for old, new in redirect_pairs().items():
        assert_redirects(old, new)


def test_a_tag_renamed_keeps_its_page_and_feeds():
    make_article(tags=["Cannes"])
    tag = Tag.objects.get(name="Cannes")
    rename(tag, "festival-de-cannes")
    assert_redirects("/tags/cannes/", "/tags/festival-de-cannes/")
    assert_redirects("/tags/cannes/feed/", "/tags/festival-de-cannes/feed/")
    assert_redirects("/en/tags/cannes/feed/atom/", "/en/tags/festival-de-cannes/feed/atom/")


def test_an_author_renamed_keeps_the_page_and_feeds():
    author = make_author(slug="marie")
    make_article(authors=[author])
    rename(author, "marie-dupont")
    assert_redirects("/auteurs/marie/", "/auteurs/marie-dupont/")
    assert_redirects("/auteurs/marie/feed/", "/auteurs/marie-dupont/feed/")


def test_a_work_renamed_keeps_its_page_and_feeds():
    work = make_work(slug="le-film")
    rename(work, "le-film-2025")
    assert_redirects("/oeuvres/le-film/", "/oeuvres/le-film-2025/")
    assert_redirects("/en/oeuvres/le-film/feed/", "/en/oeuvres/le-film-2025/feed/")


def test_renamed_twice_every_old_address_leads_to_the_last_in_one_hop():
    article = make_article(slug="a")
    rename(article, "b")
    rename(article, "c")
    assert redirect_pairs() == {
        "/articles/a/": "/articles/c/",
        "/articles/b/": "/articles/c/",
        "/en/articles/a/": "/en/articles/c/",
        "/en/articles/b/": "/en/articles/c/",
    }
    assert_redirects("/articles/a/", "/articles/c/")


def test_renamed_back_the_article_takes_its_old_address_again():
    article = make_article(slug="a")
    rename(article, "b")
    rename(article, "a")
    assert redirect_pairs() == {
        "/articles/b/": "/articles/a/",
        "/en/articles/b/": "/en/articles/a/",
    }
    assert Client().get("/articles/a/").status_code == 200


def test_a_new_article_may_not_silently_take_an_old_address(editor):
    renamed = make_article(slug="le-tournage")
    rename(renamed, "le-tournage-de-l-annee")
    section = make_section()
    client = logged_in(editor)
    fields = new_article_fields("Un texte.", section, slug="le-tournage", title="Le tournage")

    refused = client.post(reverse("admin:articles_article_add"), fields)
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors["slug"]
    assert errors == [
        "L’adresse /articles/le-tournage/ est une ancienne adresse qui redirige vers "
        "/articles/le-tournage-de-l-annee/. Choisissez un autre identifiant d’URL, ou cochez "
        "«\u00a0Reprendre cette ancienne adresse\u00a0»\u00a0: cette redirection sera alors "
        "supprimée."
    ]
    # The box to tick is shown now, and only now.
    assert 'type="checkbox" name="take_old_address"' in refused.content.decode()
    assert not Article.objects.filter(slug="le-tournage").exists()

    taken = client.post(reverse("admin:articles_article_add"), {**fields, "take_old_address": "on"})
    assert taken.status_code == 302
    assert Article.objects.filter(slug="le-tournage").exists()
    assert not Redirect.objects.filter(old_path="/articles/le-tournage/").exists()


def test_the_take_it_box_is_hidden_on_a_form_that_needs_none(editor):
    page = logged_in(editor).get(reverse("admin:articles_article_add"))
    assert 'type="hidden" name="take_old_address"' in page.content.decode()


def test_an_article_renamed_onto_another_s_old_address_is_refused_too(editor):
    renamed = make_article(slug="festival")
    rename(renamed, "festival-2026")
    other = make_article(slug="autre")
    url = reverse("admin:articles_article_change", args=[other.pk])
    response = logged_in(editor).post(
        url, {**article_fields(other, slug="festival"), **EMPTY_INLINES}
    )
    assert response.status_code == 200
    assert "ancienne adresse qui redirige" in response.context["adminform"].form.errors["slug"][0]


def test_an_article_unpublished_for_good_answers_410(editor):
    article = make_article(slug="retire")
    response = logged_in(editor).post(
        reverse("admin:articles_article_changelist"),
        {"action": "withdraw", "_selected_action": [article.pk]},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status != Article.Status.PUBLISHED
    assert Client().get("/articles/retire/").status_code == 410
    assert Client().get("/en/articles/retire/").status_code == 410


def test_an_article_deleted_answers_404_unless_the_editor_says_on_purpose(editor):
    client = logged_in(editor)
    kept_quiet, withdrawn = make_article(slug="erreur"), make_article(slug="retire")
    for article, choice in [(kept_quiet, {}), (withdrawn, {"answer_gone": "on"})]:
        url = reverse("admin:articles_article_delete", args=[article.pk])
        assert "Retiré volontairement" in client.get(url).content.decode()
        assert client.post(url, {"post": "yes", **choice}).status_code == 302
    assert Client().get("/articles/erreur/").status_code == 404
    assert Client().get("/articles/retire/").status_code == 410


def test_a_contributor_cannot_withdraw_for_good(contributor):
    # Her own draft, which she may see and change: only the action is not hers.
    own = Author.objects.get(user=contributor)
    article = make_article(slug="a-moi", status=Article.Status.DRAFT, authors=[own])
    logged_in(contributor).post(
        reverse("admin:articles_article_changelist"),
        {"action": "withdraw", "_selected_action": [article.pk]},
    )
    assert not Redirect.objects.exists()


def test_merged_tags_lead_to_the_tag_they_became():
    make_article(tags=["Cannes 2026", "Festival de Cannes"])
    merge_tags(list(Tag.objects.all()), "Festival de Cannes")
    assert_redirects("/tags/cannes-2026/", "/tags/festival-de-cannes/")
    assert_redirects("/en/tags/cannes-2026/feed/", "/en/tags/festival-de-cannes/feed/")
