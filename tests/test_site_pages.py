"""
The site's own pages: the four the footer links to on every page (about, contact, legal
notice, privacy), written by the desk in Markdown, and any other page an editor adds.
"""

import pytest
from django.urls import reverse

from sitepages.models import SitePage
from tests.factories import (
    CONTRIBUTOR,
    EDITOR,
    ensure_starting_data,
    logged_in,
    make_article,
    make_member,
)
from tests.pages import count_queries, soup, text

pytestmark = pytest.mark.django_db

FOOTER = {
    "L’équipe": "/auteurs/",
    "Films et séries": "/oeuvres/",
    "Étiquettes": "/tags/",
    "À propos": "/a-propos/",
    "Contact": "/contact/",
    "Mentions légales": "/mentions-legales/",
    "Confidentialité": "/confidentialite/",
    "La lettre d’information": "/lettre/",
    "Flux RSS": "/feed/",
    "Flux Atom": "/feed/atom/",
    "Plan du site": "/sitemap.xml",
}


@pytest.fixture(autouse=True)
def starting_data():
    ensure_starting_data()


@pytest.fixture
def editor():
    return make_member(EDITOR, "ines")


def footer_links(page):
    return {text(link): link["href"] for link in page.select(".site-footer__links a")}


def test_every_page_links_to_the_site_pages_the_feeds_and_the_sitemap(client):
    article = make_article()
    for url in ("/", article.get_absolute_url(), "/mentions-legales/", "/recherche/?q=film"):
        assert footer_links(soup(client.get(url))) == FOOTER, url
    for label, url in FOOTER.items():
        assert client.get(url).status_code == 200, label


def test_a_new_site_states_what_it_does_not_collect(client):
    page = soup(client.get("/confidentialite/"))

    assert text(page.h1) == "Confidentialité"
    body = text(page.select_one(".article-body"))
    assert "Lire le magazine ne dépose aucun cookie" in body
    assert "Vos droits" in [text(h2) for h2 in page.select(".article-body h2")]


def test_the_legal_notice_asks_the_publisher_for_what_the_law_requires(client):
    page = soup(client.get("/mentions-legales/"))

    headings = [text(h2) for h2 in page.select(".article-body h2")]
    assert headings == ["Éditeur", "Directeur ou directrice de la publication", "Hébergeur"]


def test_english_readers_get_the_page_in_an_english_interface(client):
    page = soup(client.get("/en/contact/"))

    assert text(page.h1) == "Contact"
    assert "About" in footer_links(page)


def test_an_edit_by_the_desk_is_what_readers_read_next(client, editor):
    assert "Écrire à la rédaction" in text(soup(client.get("/contact/")))
    page = SitePage.objects.get(slug="contact")

    response = logged_in(editor).post(
        reverse("admin:sitepages_sitepage_change", args=[page.pk]),
        {"title": "Nous écrire", "body": "Écrivez-nous : redaction@example.org."},
    )

    assert response.status_code == 302
    shown = soup(client.get("/contact/"))
    assert text(shown.h1) == "Nous écrire"
    assert text(shown.select_one(".article-body")) == "Écrivez-nous : redaction@example.org."


def test_a_site_page_costs_two_queries_the_page_and_the_sections(client, page_cache_off):
    assert count_queries(client, "/a-propos/") == 2


def test_the_footer_pages_keep_their_address_and_cannot_be_deleted(editor):
    page = SitePage.objects.get(slug="mentions-legales")
    desk = logged_in(editor)

    form = soup(desk.get(reverse("admin:sitepages_sitepage_change", args=[page.pk])))
    assert form.select_one("input[name=slug]") is None
    assert form.select_one(".deletelink") is None
    desk.post(
        reverse("admin:sitepages_sitepage_change", args=[page.pk]),
        {"title": "Mentions", "slug": "ailleurs", "body": "Texte."},
    )
    response = desk.post(
        reverse("admin:sitepages_sitepage_delete", args=[page.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert SitePage.objects.filter(slug="mentions-legales", title="Mentions").exists()


@pytest.mark.parametrize("taken", ["recherche", "feed", "sorties", "admin", "contact"])
def test_a_new_page_cannot_take_an_address_that_answers_already(editor, taken):
    response = logged_in(editor).post(
        reverse("admin:sitepages_sitepage_add"),
        {"title": "Une page", "slug": taken, "body": "Texte."},
    )

    assert response.status_code == 200
    errors = text(soup(response).select_one(".field-slug .errorlist"))
    assert errors in {
        "Une autre page du site répond déjà à cette adresse.",
        "Cette valeur du champ « Adresse » est déjà prise par un autre élément (Page du site).",
    }
    assert not SitePage.objects.filter(title="Une page").exists()


def test_a_page_an_editor_adds_is_read_at_its_address_and_listed_in_the_sitemap(client, editor):
    assert client.get("/charte-deontologique/").status_code == 404
    client.get(reverse("sitemap", kwargs={"section": "pages"}))

    logged_in(editor).post(
        reverse("admin:sitepages_sitepage_add"),
        {"title": "Charte déontologique", "slug": "charte-deontologique", "body": "Nos règles."},
    )

    assert text(soup(client.get("/charte-deontologique/")).h1) == "Charte déontologique"
    sitemap = client.get(reverse("sitemap", kwargs={"section": "pages"})).content.decode()
    assert "/charte-deontologique/</loc>" in sitemap


def test_what_a_page_must_not_hold_is_removed_from_it(client, editor):
    logged_in(editor).post(
        reverse("admin:sitepages_sitepage_add"),
        {
            "title": "Piège",
            "slug": "piege",
            "body": "Texte <script>alert(1)</script> [lien](javascript:alert(1)) "
            '<b onclick="x">gras</b>',
        },
    )

    body = soup(client.get("/piege/")).select_one(".article-body")
    assert body.find("script") is None
    assert not body.select("[onclick], a[href^=javascript]")


def test_contributors_have_no_part_in_the_site_pages():
    contributor = make_member(CONTRIBUTOR, "camille")
    page = SitePage.objects.get(slug="a-propos")
    desk = logged_in(contributor)

    assert desk.get(reverse("admin:sitepages_sitepage_changelist")).status_code == 403
    response = desk.post(
        reverse("admin:sitepages_sitepage_change", args=[page.pk]),
        {"title": "Autre", "body": "Autre."},
    )
    assert response.status_code == 403
    assert SitePage.objects.get(pk=page.pk).title == "À propos"


def test_a_text_too_long_is_refused_with_what_was_typed_kept(editor):
    # 100,000 characters, over the 80,000 that any text of the site may hold.
    body = "Une phrase de la charte. " * 4000

    response = logged_in(editor).post(
        reverse("admin:sitepages_sitepage_add"),
        {"title": "Charte", "slug": "charte", "body": body},
    )

    assert response.status_code == 200
    page = soup(response)
    assert text(page.select_one(".field-body .errorlist")).startswith("Le texte est trop long")
    assert page.select_one("textarea[name=body]").get_text().strip() == body.strip()
    assert not SitePage.objects.filter(slug="charte").exists()
