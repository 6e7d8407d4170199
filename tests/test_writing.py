"""Writing comfort in the article form: live preview, toolbar, counters, autosave hooks."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from articles.models import Article
from markup.rendering import BODY_MAX_CHARS, count_words
from tests.admin_forms import EMPTY_INLINES, article_fields
from tests.factories import make_article, make_author
from tests.pages import soup

pytestmark = pytest.mark.django_db

PREVIEW = reverse("admin:articles_article_writing_preview")
ADD = reverse("admin:articles_article_add")

RICH_BODY = """\
## Le contexte de la grève à Hollywood

Le studio a publié une offre d'emploi... "Un poste payé 900 000 dollars", a-t-on lu : \
c'est [l'annonce](https://example.com/offre?ref=1&x=2).

> Les scénaristes n'ont pas apprécié !

- un
- deux

Une affirmation sourcée[^1].

[^1]: Selon *Variety*.
"""


def staff_client(*codenames):
    username = f"stagiaire-{User.objects.count() + 1}"
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def preview(client, body):
    return client.post(PREVIEW, {"body": body})


def test_preview_is_exactly_what_saving_stores(admin_client):
    article = make_article(body=RICH_BODY)

    result = preview(admin_client, RICH_BODY).json()

    assert result["html"] == article.body_html
    assert result["reading_time"] == article.reading_time
    assert result["words"] == count_words(article.body_html)


def test_preview_gives_the_reading_time_as_readers_read_it(admin_client):
    result = preview(admin_client, "mot " * 920).json()

    assert result["reading_time"] == 4
    assert result["words"] == 920
    assert " ".join(result["reading_time_label"].split()) == "Temps de lecture : 4 minutes environ"


def test_preview_writes_a_long_read_s_word_count_as_french_does(admin_client):
    result = preview(admin_client, "\n\n".join(["mot " * 500] * 21)).json()

    assert result["words_label"] == "10\u00a0500 mots"


def test_preview_sanitises_hostile_input(admin_client):
    hostile = (
        '<script>alert(1)</script>\n\n<img src="x" onerror="alert(2)">\n\n'
        '<iframe src="https://evil.example"></iframe>\n\n'
        '[clic](javascript:alert(3)) <a href="jav&#x09;ascript:alert(4)">lien</a>\n\n'
        '<p style="color:red" class="x">texte</p>'
    )

    html = preview(admin_client, hostile).json()["html"]

    page = BeautifulSoup(html, "html.parser")
    assert page.find_all(["script", "iframe", "style"]) == []
    for element in page.find_all(True):
        assert not [name for name in element.attrs if name.startswith("on")], element
        assert "style" not in element.attrs
        assert "javascript" not in element.get("href", "").replace("\t", "").lower()
    assert "alert(1)" not in html


def test_preview_refuses_anonymous_visitors(client):
    response = preview(client, "Texte.")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_preview_answers_post_only(admin_client):
    assert admin_client.get(PREVIEW, {"body": "Texte."}).status_code == 405


def test_preview_needs_the_right_to_write_articles():
    assert preview(staff_client(), "Texte.").status_code == 403
    assert preview(staff_client("view_article"), "Texte.").status_code == 403


@pytest.mark.parametrize("codename", ["add_article", "change_article"])
def test_preview_is_open_to_those_who_write(codename):
    assert preview(staff_client(codename), "Texte.").json()["html"] == "<p>Texte.</p>"


def test_preview_needs_the_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)

    assert client.post(PREVIEW, {"body": "Texte."}).status_code == 403


def test_preview_refuses_a_text_too_long_with_a_message(admin_client):
    paragraph = "Une phrase de critique, assez longue pour faire un vrai paragraphe. " * 6
    paragraphs = "\n\n".join([paragraph] * 200)
    response = preview(admin_client, paragraphs[: BODY_MAX_CHARS + 1])

    assert response.status_code == 400
    assert response.json()["error"] == (
        "Le texte est trop long\u00a0: 80\u00a0001 caractères, pour 80\u00a0000 au plus. "
        "Raccourcissez-le ou scindez-le en plusieurs articles."
    )
    assert preview(admin_client, paragraphs[:BODY_MAX_CHARS]).status_code == 200


# ---------------------------------------------------------------- the form page


def writing_page(client, url):
    response = client.get(url)
    return soup(response), response


def test_change_form_has_toolbar_preview_counters_and_cheat_sheet(admin_client):
    article = make_article()

    page, _response = writing_page(
        admin_client, reverse("admin:articles_article_change", args=[article.pk])
    )

    tools = page.select_one("#writing-tools")
    assert tools["data-preview-url"] == PREVIEW
    assert tools["data-scope"] == f"article:{article.pk}"
    toolbar = tools.select_one("[role=toolbar]")
    assert toolbar["aria-controls"] == "id_body"
    assert [button["data-markdown"] for button in toolbar.select("button")] == [
        "bold",
        "italic",
        "heading",
        "quote",
        "list",
        "link",
        "footnote",
        "spoiler",
        "trailer",
        "image",
    ]
    assert all(button["type"] == "button" for button in toolbar.select("button"))
    assert tools.select_one("#writing-preview .article-body") is not None
    counters = {
        counter["data-counter-for"]: counter for counter in tools.select(".writing-counter")
    }
    assert set(counters) == {"id_title", "id_seo_title", "id_seo_description"}
    assert (counters["id_seo_title"]["data-max"], counters["id_seo_description"]["data-max"]) == (
        "70",
        "160",
    )
    assert page.select_one("details.writing-cheatsheet summary") is not None
    banner = tools.select_one("#autosave-banner")
    assert banner.has_attr("hidden")
    assert [button["data-autosave"] for button in banner.select("button")] == ["restore", "dismiss"]
    assert page.select_one("input[type=hidden][name=version]")["value"] == str(article.version)
    assert len(page.select_one("input[type=hidden][name=draft_key]")["value"]) == 32


def test_form_loads_the_writing_scripts_and_no_inline_script(admin_client):
    page, response = writing_page(admin_client, ADD)

    sources = [script["src"] for script in page.find_all("script", src=True)]
    assert "/static/admin-extra/writing.js" in sources
    assert "/static/admin-extra/autosave.js" in sources
    stylesheets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    assert "/static/admin-extra/writing.css" in stylesheets
    for script in page.find_all("script"):
        assert script.get("src") or script.get("type") == "application/json", script
    assert not [element for element in page.find_all(True) if "style" in element.attrs]
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_add_form_keeps_drafts_under_the_new_article_address(admin_client):
    page, _response = writing_page(admin_client, ADD)

    assert page.select_one("#writing-tools")["data-scope"] == f"new:{ADD}"
    assert page.select_one("input[name=version]").get("value") is None


def test_each_opening_of_the_form_has_its_own_draft_key(admin_client):
    keys = {
        writing_page(admin_client, ADD)[0].select_one("input[name=draft_key]")["value"]
        for _ in range(2)
    }
    assert len(keys) == 2


def test_saved_form_tells_the_browser_to_forget_its_draft(admin_client):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    url = reverse("admin:articles_article_change", args=[article.pk])
    page, _response = writing_page(admin_client, url)
    key = page.select_one("input[name=draft_key]")["value"]
    data = {
        **article_fields(article, body="Nouveau texte.", status="draft"),
        "draft_key": key,
        **EMPTY_INLINES,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    # Kept by the browser for the admin alone: readers' pages are never sent it.
    assert response.cookies["saved_drafts"]["path"] == reverse("admin:index")

    page, _response = writing_page(admin_client, ADD)

    assert key in page.select_one("#writing-tools")["data-saved-drafts"].split()


def test_draft_key_is_never_recorded_as_a_change(admin_client):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    url = reverse("admin:articles_article_change", args=[article.pk])
    page, _response = writing_page(admin_client, url)
    data = {
        **article_fields(article, version=page.select_one("input[name=version]")["value"]),
        "draft_key": page.select_one("input[name=draft_key]")["value"],
        **EMPTY_INLINES,
    }
    assert admin_client.post(url, data).status_code == 302

    entry = LogEntry.objects.get(object_id=str(article.pk))
    assert "draft" not in entry.get_change_message().lower()
    assert "version" not in entry.get_change_message().lower()


def test_read_only_article_page_has_no_writing_tools(client):
    user = User.objects.create_user("camille", password="pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "change_article"])
    )
    author = make_author(user=user)
    in_review = make_article(status=Article.Status.REVIEW, published_at=None, authors=[author])
    client.force_login(user)

    page, _response = writing_page(
        client, reverse("admin:articles_article_change", args=[in_review.pk])
    )

    assert page.select_one("#writing-tools") is None
    assert page.select_one("[role=toolbar]") is None
