"""The article page: every part of its anatomy, in order, in French."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from tests.factories import make_article, make_author, make_image
from tests.pages import soup, text

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def article():
    return make_article(
        title="Une plateforme recrute une IA en pleine grève",
        standfirst="Une offre d’emploi qui tombe mal.",
        body="## Le contexte de la grève à Hollywood\n\nDu texte.\n\n> Une citation.",
        published_at=datetime(2023, 7, 28, 9, 30, tzinfo=PARIS),
        featured_image=make_image(
            alt_text="Un plateau vide", caption="Le plateau", credit="Studio X"
        ),
        authors=[
            make_author(name="Marie Durand", signature="Article écrit avec passion par Marie"),
            make_author(name="Paul Martin"),
        ],
        tags=["grève", "intelligence artificielle"],
    )


def test_parts_appear_in_design_order(client, article):
    page = soup(client.get(article.get_absolute_url()))
    body = page.select_one("article.article")
    order = [
        "h1",
        ".article-meta",
        ".standfirst",
        "figure.featured-image",
        ".article-body",
        ".article-tags",
        ".author-box",
        ".share",
    ]
    found = [body.select_one(selector) for selector in order]
    assert all(found), dict(zip(order, found, strict=True))
    positions = [list(body.descendants).index(element) for element in found]
    assert positions == sorted(positions)
    assert page.select_one("header.site-header") is not None
    assert page.select_one("footer.site-footer") is not None


def test_page_is_french_with_title_and_description(client, article, settings):
    settings.SITE_URL = "https://screenmania.example"
    page = soup(client.get(article.get_absolute_url()))
    assert page.html["lang"] == "fr"
    assert page.title.string.startswith("Une plateforme recrute une IA en pleine grève")
    assert (
        page.select_one('meta[name="description"]')["content"]
        == "Une offre d’emploi qui tombe mal."
    )
    canonical = page.select_one('link[rel="canonical"]')["href"]
    assert canonical == "https://screenmania.example" + article.get_absolute_url()


def test_meta_line_reads_in_french(client, article):
    meta = soup(client.get(article.get_absolute_url())).select_one(".article-meta")
    assert "Temps de lecture : 1 minute environ" in text(meta)
    assert "Publié le 28 juillet 2023" in text(meta)
    assert "Par Marie Durand et Paul Martin" in text(meta)
    time = meta.select_one("time")
    assert time["datetime"] == "2023-07-28T09:30:00+02:00"
    assert [a["href"] for a in meta.select('a[rel="author"]')] == [
        author.get_absolute_url() for author in article.authors.all()
    ]


def test_three_authors_are_joined_with_commas_then_et(client):
    names = ["Ana", "Bruno", "Chloé"]
    article = make_article(authors=[make_author(name=name) for name in names])
    meta = soup(client.get(article.get_absolute_url())).select_one(".article-meta")
    assert "Par Ana, Bruno et Chloé" in text(meta)


def test_first_of_the_month_is_written_1er(client):
    article = make_article(published_at=datetime(2024, 3, 1, 12, tzinfo=PARIS))
    meta = soup(client.get(article.get_absolute_url())).select_one(".article-meta")
    assert "Publié le 1er mars 2024" in text(meta)


def test_featured_image_has_alt_caption_credit_and_dimensions(client, article):
    figure = soup(client.get(article.get_absolute_url())).select_one("figure.featured-image")
    image = figure.select_one("img")
    assert image["alt"] == "Un plateau vide"
    assert (image["width"], image["height"]) == ("64", "48")
    assert image["fetchpriority"] == "high"
    assert text(figure.figcaption) == "Le plateau Studio X"


def test_decorative_image_has_empty_alt(client):
    decorative = make_image(alt_text="", is_decorative=True)
    article = make_article(featured_image=decorative)
    image = soup(client.get(article.get_absolute_url())).select_one("figure.featured-image img")
    assert image["alt"] == ""


def test_body_keeps_headings_with_ids_and_quotes(client, article):
    body = soup(client.get(article.get_absolute_url())).select_one(".article-body")
    heading = body.select_one("h2")
    assert text(heading) == "Le contexte de la grève à Hollywood"
    assert heading["id"]
    assert body.select_one("blockquote") is not None


def test_tags_link_to_their_pages(client, article):
    links = soup(client.get(article.get_absolute_url())).select(".article-tags a")
    assert {link["href"] for link in links} == {"/tags/greve/", "/tags/intelligence-artificielle/"}
    for link in links:
        assert client.get(link["href"]).status_code == 200


def test_author_box_shows_avatar_signature_bio_and_link(client):
    avatar = make_image(alt_text="Portrait")
    author = make_author(
        name="Marie Durand",
        avatar=avatar,
        bio="Critique, *fan* de westerns.",
        signature="Article écrit avec passion par Marie",
    )
    article = make_article(authors=[author])
    box = soup(client.get(article.get_absolute_url())).select_one(".author-box")
    portrait = box.select_one("img")
    # The square crop of the library image, not the 64×48 original.
    assert portrait["src"].startswith("/media/renditions/")
    assert portrait["width"] == portrait["height"] == "48"
    assert "Article écrit avec passion par Marie" in text(box)
    assert box.select_one(".author-box__bio em").string == "fan"
    assert box.select_one('a[rel="author"]')["href"] == author.get_absolute_url()


def test_related_articles_prefer_shared_tags(client):
    article = make_article(tags=["cannes", "palme"])
    one_tag = make_article(tags=["cannes"])
    two_tags = make_article(tags=["cannes", "palme"])
    make_article(tags=["séries"])
    page = soup(client.get(article.get_absolute_url()))
    related = [a["href"] for a in page.select(".related .card__title a")]
    assert related[:2] == [two_tags.get_absolute_url(), one_tag.get_absolute_url()]
    assert article.get_absolute_url() not in related


def test_english_interface_under_en_prefix(client, article):
    french_url = article.get_absolute_url()
    page = soup(client.get("/en" + french_url))
    assert page.html["lang"] == "en"
    with translation.override("en"):
        assert "Reading time: about 1 minute" in text(page.select_one(".article-meta"))
    assert page.select_one('link[rel="canonical"]')["href"].endswith("/en" + french_url)


def test_english_pages_mark_the_french_text_as_french(client, article):
    """Screen readers switch voice for the article, not for the English interface around it."""
    french_url = article.get_absolute_url()
    english = soup(client.get("/en" + french_url))
    for selector in ["h1", ".standfirst", ".article-body", "figcaption", ".author-box__bio"]:
        assert english.select_one(selector)["lang"] == "fr", selector
    assert english.select_one(".article-meta").get("lang") is None
    french = soup(client.get(french_url))
    assert french.select_one("h1").get("lang") is None, "French inside French needs no mark"


def test_body_html_is_printed_not_rendered_per_request(client, article, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("Markdown rendered during a request")

    monkeypatch.setattr("markup.rendering.render", fail)
    assert client.get(article.get_absolute_url()).status_code == 200
