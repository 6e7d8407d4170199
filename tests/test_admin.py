"""The newsroom admin: what editors see at a glance, and what they can do in it."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.admin_forms import EMPTY_INLINES, article_fields
from tests.factories import make_article, make_author, make_image, make_section
from tests.pages import soup, text

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")
SUGGESTIONS = reverse("admin:articles_article_tag_suggestions")

# Session, user, two counts, the page of articles, their authors, the
# section/tag/author filter choices and the date hierarchy: whatever the rows.
CHANGELIST_MAX_QUERIES = 11


def one_of_each_state():
    now = timezone.now()
    return {
        "draft": make_article(title="Brouillon", status=Article.Status.DRAFT, published_at=None),
        "review": make_article(title="En relecture", status=Article.Status.REVIEW),
        "scheduled": make_article(title="Programmé", published_at=now + timedelta(days=2)),
        "published": make_article(title="En ligne"),
    }


def result_titles(response):
    return {article.title for article in response.context["cl"].result_list}


def test_changelist_shows_every_column_in_a_fixed_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    section = make_section()
    authors = [make_author() for _ in range(5)]
    for n in range(30):
        make_article(
            section=section,
            authors=[authors[n % 5], authors[(n + 1) % 5], authors[(n + 2) % 5]],
            tags=[f"tag-{n % 7}", f"tag-{n % 3}-bis", "cinéma"],
            featured_image=make_image(),
            status=[Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.PUBLISHED][n % 3],
        )

    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES):
        response = admin_client.get(CHANGELIST)

    page = soup(response)
    for column in ["title", "state", "section", "byline", "published_at", "featured_thumbnail"]:
        assert page.select_one(f"thead th.column-{column}"), column
    rows = page.select("#result_list tbody tr")
    assert len(rows) == 30
    for row in rows:
        assert len(text(row.select_one("td.field-byline")).split(", ")) == 3
        image = row.select_one("td.field-featured_thumbnail img")
        # A small rendition, never the original.
        assert image["src"].startswith("/media/renditions/")
        assert image["loading"] == "lazy"
        assert image["width"] and image["height"]


def test_changelist_states_at_a_glance(admin_client):
    articles = one_of_each_state()

    page = soup(admin_client.get(CHANGELIST))

    for state, article in articles.items():
        row = page.find("a", string=article.title).find_parent("tr")
        assert row.select_one(f".field-state .article-state-{state}"), state
    scheduled = page.find("a", string="Programmé").find_parent("tr")
    date = timezone.localtime(articles["scheduled"].published_at)
    assert str(date.year) in text(scheduled.select_one(".field-state"))


def test_changelist_lists_authors_in_byline_order(admin_client):
    second, first = make_author(name="Zoé Arnaud"), make_author(name="Alain Durand")
    article = make_article(authors=[first, second])

    page = soup(admin_client.get(CHANGELIST))

    row = page.find("a", string=article.title).find_parent("tr")
    assert text(row.select_one(".field-byline")) == "Alain Durand, Zoé Arnaud"


@pytest.mark.parametrize("state", ["draft", "review", "scheduled", "published"])
def test_status_filter_shows_only_that_state(admin_client, state):
    articles = one_of_each_state()

    response = admin_client.get(CHANGELIST, {"status": state})

    assert result_titles(response) == {articles[state].title}


@pytest.mark.parametrize("lookup", ["section__id__exact", "tags__id__exact", "authors__id__exact"])
def test_section_tag_and_author_filters(admin_client, lookup):
    author = make_author()
    chosen = make_article(title="Choisi", authors=[author], tags=["Cannes"])
    make_article(title="Autre", tags=["Venise"])
    value = {
        "section__id__exact": chosen.section.pk,
        "tags__id__exact": chosen.tags.get().pk,
        "authors__id__exact": author.pk,
    }[lookup]

    response = admin_client.get(CHANGELIST, {lookup: value})

    assert result_titles(response) == {"Choisi"}


def test_search_finds_articles_by_author_name(admin_client):
    make_article(title="Signé Durand", authors=[make_author(name="Alain Durand")])
    make_article(title="Signé Arnaud", authors=[make_author(name="Zoé Arnaud")])

    response = admin_client.get(CHANGELIST, {"q": "Durand"})

    assert result_titles(response) == {"Signé Durand"}


def test_search_finds_articles_by_title_standfirst_and_body(admin_client):
    make_article(title="Cannes 2025", standfirst="Le palmarès.", body="Rien.")
    make_article(title="Autre", standfirst="Une actrice à Venise.", body="Rien.")
    make_article(title="Encore", body="Un paragraphe sur Berlin.")

    for query, expected in [("Cannes", "Cannes 2025"), ("Venise", "Autre"), ("Berlin", "Encore")]:
        assert result_titles(admin_client.get(CHANGELIST, {"q": query})) == {expected}


def article_form_data(**overrides):
    data = {
        "title": "Le festival de Cannes s'ouvre",
        "slug": "festival-cannes-ouverture",
        "standfirst": "Douze jours de films.",
        "body": "## Le contexte\n\nUn paragraphe.",
        "publishing": "schedule",
        "scheduled_for_0": "2036-05-13",
        "scheduled_for_1": "19:00",
        "section": make_section().pk,
        "tags": "Cannes, festival de Cannes",
        "featured_image": make_image().pk,
        "seo_title": "",
        "seo_description": "",
        "ai_usage": "none",
        "ai_usage_note": "",
        **EMPTY_INLINES,
    }
    data.update(overrides)
    return data


def byline_form_data(*rows):
    data = {"authorships-TOTAL_FORMS": str(len(rows))}
    for n, (author, position) in enumerate(rows):
        data[f"authorships-{n}-author"] = author.pk
        data[f"authorships-{n}-position"] = position
    return data


def test_add_article_with_ordered_authors_and_tags(admin_client):
    first, second, third = make_author(), make_author(), make_author()
    # Rows typed out of order; the last one left without position goes last.
    byline = byline_form_data((second, 2), (first, 1), (third, ""))

    response = admin_client.post(ADD, article_form_data(**byline))

    assert response.status_code == 302
    article = Article.objects.get(slug="festival-cannes-ouverture")
    authorships = list(article.authorships.all())
    assert [a.author for a in authorships] == [first, second, third]
    assert [a.position for a in authorships] == [1, 2, 3]
    assert sorted(article.tags.names()) == ["Cannes", "festival de Cannes"]
    assert article.status == Article.Status.PUBLISHED
    assert not article.is_published
    assert article.body_html.startswith("<h2")


def test_same_author_twice_is_refused_in_the_form(admin_client):
    author = make_author()

    response = admin_client.post(
        ADD, article_form_data(**byline_form_data((author, 1), (author, 2)))
    )

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert not Article.objects.exists()


def test_editing_keeps_the_byline_order(admin_client):
    first, second, added = make_author(), make_author(), make_author()
    article = make_article(authors=[first, second])
    authorships = list(article.authorships.all())
    data = article_form_data(
        title=article.title,
        slug=article.slug,
        section=article.section.pk,
        version=article.version,
        publishing="",
        **{
            "authorships-TOTAL_FORMS": "3",
            "authorships-INITIAL_FORMS": "2",
            "authorships-0-id": authorships[0].pk,
            "authorships-0-article": article.pk,
            "authorships-0-author": first.pk,
            "authorships-0-position": authorships[0].position,
            "authorships-1-id": authorships[1].pk,
            "authorships-1-article": article.pk,
            "authorships-1-author": second.pk,
            "authorships-1-position": authorships[1].position,
            "authorships-2-author": added.pk,
            "authorships-2-position": "",
        },
    )

    response = admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 302
    assert [a.author for a in article.authorships.all()] == [first, second, added]


def byline_as_stored(article, **authors):
    """The byline's rows as the change form posts them, with ``authors`` by row number."""
    data = {"authorships-TOTAL_FORMS": "2", "authorships-INITIAL_FORMS": "2"}
    for n, authorship in enumerate(article.authorships.all()):
        data |= {
            f"authorships-{n}-id": authorship.pk,
            f"authorships-{n}-article": article.pk,
            f"authorships-{n}-author": authors.get(f"row{n}", authorship.author).pk,
            f"authorships-{n}-position": authorship.position,
        }
    return data


def test_editing_replaces_an_author_of_the_byline(admin_client):
    first, second, replacing = make_author(), make_author(), make_author()
    article = make_article(authors=[first, second])
    data = article_fields(article, **{**EMPTY_INLINES, **byline_as_stored(article, row1=replacing)})

    response = admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 302
    assert [a.author for a in article.authorships.all()] == [first, replacing]


def test_editing_the_byline_to_name_an_author_twice_is_refused(admin_client):
    first, second = make_author(), make_author()
    article = make_article(authors=[first, second])
    data = article_fields(article, **{**EMPTY_INLINES, **byline_as_stored(article, row1=first)})

    response = admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert [a.author for a in article.authorships.all()] == [first, second]


def test_editing_to_a_slug_another_article_holds_is_refused(admin_client):
    taken = make_article(slug="le-festival")
    article = make_article(slug="la-palme")
    data = article_fields(article, slug=taken.slug, **EMPTY_INLINES)

    response = admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"]
    article.refresh_from_db()
    assert article.slug == "la-palme"


def test_article_form_hides_derived_fields_and_shows_reading_time(admin_client):
    article = make_article(body="mot " * 900)

    response = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    form = response.context["adminform"].form
    assert "body_html" not in form.fields
    assert "reading_time" not in form.fields
    page = soup(response)
    assert str(article.reading_time) in text(page.select_one(".field-reading_time_display"))
    advanced = page.select_one("fieldset.collapse") or page.select_one("details")
    assert advanced.select_one("[name=seo_title]")
    assert advanced.select_one("[name=seo_description]")


def test_article_form_prepopulates_slug_and_offers_autocompletes(admin_client):
    page = soup(admin_client.get(ADD))

    assert page.select_one("#django-admin-prepopulated-fields-constants")
    assert "admin-autocomplete" in page.select_one("select[name=featured_image]")["class"]
    assert (
        "admin-autocomplete"
        in page.select_one("select[name=authorships-__prefix__-author]")["class"]
    )
    tags = page.select_one("input[name=tags]")
    assert tags["data-suggestions-url"] == SUGGESTIONS
    assert page.select_one('script[src$="admin-extra/tag-suggestions.js"]')


def test_byline_comes_right_after_the_text(admin_client):
    page = soup(admin_client.get(ADD))

    byline = page.select_one("#authorships-group").sourceline
    assert page.select_one("[name=body]").sourceline < byline
    assert byline < page.select_one("[name=section]").sourceline
    assert len(page.select("#authorships-group")) == 1
    corrections = page.select_one("#corrections-group").sourceline
    assert page.select_one("[name=seo_description]").sourceline < corrections


def test_author_and_image_autocompletes_answer(admin_client):
    make_author(name="Alain Durand")
    make_image(title="Affiche de Cannes")
    autocomplete = reverse("admin:autocomplete")

    authors = admin_client.get(
        autocomplete,
        {
            "app_label": "articles",
            "model_name": "authorship",
            "field_name": "author",
            "term": "Dur",
        },
    ).json()
    images = admin_client.get(
        autocomplete,
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "featured_image",
            "term": "Cannes",
        },
    ).json()

    assert [result["text"] for result in authors["results"]] == ["Alain Durand"]
    assert [result["text"] for result in images["results"]] == ["Affiche de Cannes"]


def test_view_on_site_links_to_the_article(admin_client):
    article = make_article()

    page = soup(admin_client.get(reverse("admin:articles_article_change", args=[article.pk])))

    link = page.select_one("a.viewsitelink")
    assert link["href"] == article.get_absolute_url()
    assert text(link) == "Voir sur le site"


def test_no_view_on_site_for_an_article_readers_cannot_see(admin_client):
    draft = make_article(status="draft")

    page = soup(admin_client.get(reverse("admin:articles_article_change", args=[draft.pk])))

    assert page.select_one("a.viewsitelink") is None


def test_tag_suggestions_match_existing_tags_prefix_first(admin_client):
    make_article(tags=["festival de Cannes", "Cannes", "Venise", "Cannes Lions"])

    response = admin_client.get(SUGGESTIONS, {"q": "cann"})

    assert response["Content-Type"] == "application/json"
    assert response.json() == {"results": ["Cannes", "Cannes Lions", "festival de Cannes"]}
    assert admin_client.get(SUGGESTIONS, {"q": " "}).json() == {"results": []}


def test_tag_suggestions_refuse_anonymous_visitors(client):
    make_article(tags=["Cannes"])

    response = client.get(SUGGESTIONS, {"q": "Cann"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_tag_suggestions_need_the_right_to_edit_articles(client):
    make_article(tags=["Cannes"])
    staff = User.objects.create_user("stagiaire", password="pw", is_staff=True)
    client.force_login(staff)

    assert client.get(SUGGESTIONS, {"q": "Cann"}).status_code == 403

    staff.user_permissions.add(Permission.objects.get(codename="change_article"))
    assert client.get(SUGGESTIONS, {"q": "Cann"}).json() == {"results": ["Cannes"]}


def test_section_list_counts_articles_without_a_query_per_row(
    admin_client, django_assert_max_num_queries
):
    for n in range(10):
        section = make_section(position=n)
        for _ in range(n % 3):
            make_article(section=section, authors=[])

    with django_assert_max_num_queries(5):
        response = admin_client.get(reverse("admin:articles_section_changelist"))

    page = soup(response)
    counts = [text(td) for td in page.select("td.field-article_count")]
    assert counts == [str(n % 3) for n in range(10)]
    assert page.select_one("input[name=form-0-position]")


def test_author_list_and_form(admin_client, django_assert_max_num_queries):
    for _ in range(10):
        make_author(avatar=make_image())

    with django_assert_max_num_queries(5):
        page = soup(admin_client.get(reverse("admin:authors_author_changelist")))

    assert len(page.select(".field-avatar_thumbnail img")) == 10
    form = soup(admin_client.get(reverse("admin:authors_author_add")))
    assert form.select_one("#django-admin-prepopulated-fields-constants")
    assert "admin-autocomplete" in form.select_one("select[name=avatar]")["class"]
    assert "vForeignKeyRawIdAdminField" in form.select_one("input[name=user]")["class"]


def test_image_list_and_change_page(admin_client, django_assert_max_num_queries):
    for _ in range(10):
        make_image()
    image = make_image(title="Affiche")

    # The sixth lists who uploaded images, for the filter.
    with django_assert_max_num_queries(6):
        page = soup(admin_client.get(reverse("admin:images_image_changelist")))

    assert len(page.select(".library-card__image")) == 11
    change = soup(admin_client.get(reverse("admin:images_image_change", args=[image.pk])))
    preview = change.select_one(".field-preview img")
    assert preview["src"].startswith("/media/renditions/")
    assert text(change.select_one(".field-dimensions")).endswith("64 × 48")


def test_image_search_and_decorative_filter(admin_client):
    make_image(title="Affiche", credit="Studio Canal")
    make_image(title="Filet", is_decorative=True, alt_text="")
    changelist = reverse("admin:images_image_changelist")

    found = admin_client.get(changelist, {"q": "Canal"}).context["cl"].result_list
    decorative = admin_client.get(changelist, {"is_decorative__exact": "1"}).context["cl"]

    assert [image.title for image in found] == ["Affiche"]
    assert [image.title for image in decorative.result_list] == ["Filet"]


ADMIN_PAGES = {
    "index": lambda: reverse("admin:index"),
    "article list": lambda: CHANGELIST,
    "article add": lambda: ADD,
    "article change": lambda: reverse(
        "admin:articles_article_change",
        args=[make_article(featured_image=make_image(), tags=["Cannes"]).pk],
    ),
    "section list": lambda: reverse("admin:articles_section_changelist"),
    "section add": lambda: reverse("admin:articles_section_add"),
    "author list": lambda: reverse("admin:authors_author_changelist"),
    "author add": lambda: reverse("admin:authors_author_add"),
    "image list": lambda: reverse("admin:images_image_changelist"),
    "image add": lambda: reverse("admin:images_image_add"),
    "image change": lambda: reverse("admin:images_image_change", args=[make_image().pk]),
}


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_need_nothing_the_csp_blocks(admin_client, name):
    make_article(featured_image=make_image(), tags=["Cannes"])

    response = admin_client.get(ADMIN_PAGES[name]())

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    page = soup(response)
    for script in page.find_all("script"):
        # A JSON data block is never executed, so the policy does not apply.
        assert script.get("src") or script.get("type") == "application/json", script
        assert not script.get("src", "").startswith(("http:", "https:", "//")), script
    assert not page.find_all("style")
    for element in page.find_all(True):
        assert "style" not in element.attrs, element
        handlers = [attribute for attribute in element.attrs if attribute.startswith("on")]
        assert handlers == [], element
    assets = [script["src"] for script in page.find_all("script", src=True)]
    assets += [link["href"] for link in page.find_all("link", rel="stylesheet")]
    for asset in assets:
        # Served by us, and there: a missing file would break the page as quietly.
        assert asset.startswith("/") and not asset.startswith("//"), asset
        if asset.startswith(settings.STATIC_URL):
            assert finders.find(asset.removeprefix(settings.STATIC_URL).split("?")[0]), asset
        else:
            assert admin_client.get(asset).status_code == 200, asset
