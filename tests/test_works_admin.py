"""The film desk in the admin: works, the articles that discuss them, and reviews' ratings."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from articles.models import Article
from tests.admin_forms import EMPTY_INLINES, article_fields
from tests.factories import (
    CONTRIBUTOR,
    EDITOR,
    logged_in,
    make_article,
    make_image,
    make_member,
    make_work,
)
from tests.pages import soup, text
from works.models import Work

pytestmark = pytest.mark.django_db

AUTOCOMPLETE = reverse("admin:autocomplete")
WORK_ADD = reverse("admin:works_work_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def work_fields(**changes):
    return {
        "title": "Marée basse",
        "original_title": "",
        "slug": "maree-basse",
        "kind": "film",
        "year": "2026",
        "directors": "Hélène Carrou",
        "cast": "Bastien Ledoux, Sarah Mbaye",
        "countries": ["FR", "BE"],
        "runtime": "104",
        "seasons": "",
        "release_date": "2026-12-02",
        "platform": "",
        "platform_date": "",
        "poster": "",
        "synopsis": "Une lumière d'hiver sur la baie.",
        **changes,
    }


def autocomplete_works(client, field_name, term):
    response = client.get(
        AUTOCOMPLETE,
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": field_name,
            "term": term,
        },
    )
    return response.status_code, response


def test_editor_adds_a_work_with_its_credits():
    editor = logged_in(make_member(EDITOR, "edith"))

    response = editor.post(WORK_ADD, work_fields(poster=make_image().pk))

    assert response.status_code == 302
    work = Work.objects.get(slug="maree-basse")
    assert work.director_names == ["Hélène Carrou"]
    assert work.cast_names == ["Bastien Ledoux", "Sarah Mbaye"]
    assert {country.code for country in work.countries} == {"FR", "BE"}


def test_countries_are_offered_by_their_french_names():
    editor = logged_in(make_member(EDITOR, "edith"))

    page = soup(editor.get(WORK_ADD))

    options = {option["value"]: text(option) for option in page.select("#id_countries option")}
    assert options["BE"] == "Belgique"
    assert options["DE"] == "Allemagne"


def test_a_platform_needs_its_date_and_a_date_its_platform():
    editor = logged_in(make_member(EDITOR, "edith"))

    without_date = editor.post(WORK_ADD, work_fields(platform="Paravent"))
    without_platform = editor.post(WORK_ADD, work_fields(platform_date="2026-12-04"))

    assert "Indiquez la date de son arrivée sur Paravent." in text(soup(without_date))
    assert "Nommez la plateforme" in text(soup(without_platform))
    assert not Work.objects.exists()


def test_contributor_finds_works_for_an_article_but_cannot_add_one():
    make_work(title="Marée basse")
    contributor = logged_in(make_member(CONTRIBUTOR, "camille"))

    status, response = autocomplete_works(contributor, "works", "Marée")

    assert status == 200
    assert [result["text"] for result in response.json()["results"]] == [str(Work.objects.get())]
    assert contributor.post(WORK_ADD, work_fields()).status_code == 403


@pytest.mark.parametrize("field_name", ["works", "reviewed_work"])
def test_works_are_picked_by_autocomplete_in_the_article_form(admin_client, field_name):
    make_work(title="Station Vega", kind=Work.Kind.SERIES, seasons=2, runtime=None)
    make_work(title="Marée basse")

    status, response = autocomplete_works(admin_client, field_name, "vega")
    form = soup(admin_client.get(change_url(make_article())))

    assert status == 200
    assert [result["text"] for result in response.json()["results"]] == [
        str(Work.objects.get(title="Station Vega"))
    ]
    assert "admin-autocomplete" in form.select_one(f"#id_{field_name}")["class"]


def test_a_review_is_listed_among_the_works_it_discusses(admin_client):
    article = make_article()
    work = make_work()

    response = admin_client.post(
        change_url(article),
        {
            **article_fields(article, reviewed_work=work.pk, rating="3.5", spoilers="free"),
            **EMPTY_INLINES,
        },
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_review
    assert article.rating == Decimal("3.5")
    assert list(article.works.all()) == [work]


def test_a_rating_without_a_reviewed_work_is_refused(admin_client):
    article = make_article()

    response = admin_client.post(
        change_url(article), {**article_fields(article, rating="4"), **EMPTY_INLINES}
    )

    assert response.status_code == 200
    assert "Une note accompagne une critique" in text(soup(response))
    article.refresh_from_db()
    assert article.rating is None


def test_only_half_stars_reach_the_database():
    work = make_work()

    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(reviewed_work=work, rating=Decimal("3.3"))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(rating=Decimal("3.5"))

    assert make_article(reviewed_work=work, rating=Decimal("0.5")).rating == Decimal("0.5")
    assert Article.objects.count() == 1


def test_titles_and_synopses_get_french_typography():
    work = make_work(
        title="L'Été: suite", original_title="Summer's End", synopsis='Il dit "non" à l\'aube!'
    )

    assert work.title == "L’Été\u00a0: suite"
    assert work.synopsis == "Il dit «\u00a0non\u00a0» à l’aube\u202f!"
    assert work.original_title == "Summer's End"


def test_work_list_says_when_and_where_each_work_comes_out(admin_client):
    make_work(title="Marée basse", release_date=date(2026, 12, 2))
    make_work(title="Station Vega", platform="Lumio", platform_date=date(2026, 11, 20))

    page = soup(admin_client.get(reverse("admin:works_work_changelist")))

    releases = {
        text(row.select_one(".field-title")): text(row.select_one(".field-release"))
        for row in page.select("#result_list tbody tr")
    }
    assert releases == {
        "Marée basse": "en salles le 2 décembre 2026",
        "Station Vega": "sur Lumio le 20 novembre 2026",
    }
