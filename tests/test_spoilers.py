"""
Spoiler blocks, ``:::spoiler La fin du film`` … ``:::``: a closed ``details`` with a French
label, sanitised like the rest of the body, and still counted in the reading time.
"""

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import Article
from markup.rendering import count_words, render
from tests.admin_forms import EMPTY_INLINES, article_fields
from tests.factories import make_article
from tests.pages import soup, text
from tests.test_sanitiser import assert_harmless

TRAILER = "@[Bande-annonce](https://www.youtube.com/watch?v=dQw4w9WgXcQ)"


def fragment(html):
    return BeautifulSoup(html, "html.parser")


def never_closed(opener):
    return (
        f"le bloc ouvert par «\u00a0{opener}\u00a0» n’est jamais fermé\u00a0: terminez-le "
        "par une ligne ne contenant que :::"
    )


def spoilers(html):
    return fragment(html).select("details.spoiler")


def test_spoiler_block_is_a_closed_details_with_its_label():
    [spoiler] = spoilers(render(":::spoiler La fin du film\nLe héros *meurt*.\n:::").html)

    assert "open" not in spoiler.attrs
    assert " ".join(spoiler.summary.get_text().split()) == "Spoiler : La fin du film"
    assert spoiler.summary.get_text() == "Spoiler\u00a0: La fin du film"
    assert str(spoiler.p) == "<p>Le héros <em>meurt</em>.</p>"


def test_spoiler_without_label_warns_in_french():
    [spoiler] = spoilers(render(":::spoiler\nLe héros meurt.\n:::").html)

    assert text(spoiler.summary) == "Attention, spoiler (cliquer pour afficher)"


def test_summary_comes_first_and_the_text_around_stays_outside():
    html = render("Avant.\n\n:::spoiler\nDedans.\n\n## Un intertitre\n:::\n\nAprès.").html

    page = fragment(html)
    [spoiler] = page.select("details.spoiler")
    assert [child.name for child in spoiler.children if child.name] == ["summary", "p", "h2"]
    assert [text(p) for p in page.find_all("p", recursive=False)] == ["Avant.", "Après."]


def test_spoiler_blocks_nest_and_each_closes_its_own():
    rendered = render(":::spoiler Premier\nA\n\n:::spoiler Second\nB\n:::\nC\n:::\n\nD")
    html = rendered.html

    assert rendered.problems == ()
    outer, inner = spoilers(html)
    assert inner.parent is outer
    assert text(outer.find_all("p", recursive=False)[-1]) == "C"
    assert text(fragment(html).find_all("p", recursive=False)[-1]) == "D"


def test_spoiler_inside_a_quote_or_a_list_item():
    quoted = render("> :::spoiler\n> Dans la citation.\n> :::").html
    listed = render("- Un point\n\n    :::spoiler\n    Dans la liste.\n    :::").html

    assert fragment(quoted).select_one("blockquote > details.spoiler p").string == (
        "Dans la citation."
    )
    assert fragment(listed).select_one("li details.spoiler p").string == "Dans la liste."


def test_code_indented_on_a_spoilers_first_line_stays_code_inside_it():
    [spoiler] = spoilers(render(":::spoiler La commande\n    rm -rf /\n:::").html)

    assert spoiler.pre.code.get_text() == "rm -rf /\n"


def test_only_the_spoiler_fence_makes_a_block_and_a_slash_stays_as_typed():
    html = render("/// details | La fin\nLe héros meurt.\n///\n\nAC\\/DC").html

    assert fragment(html).find("details") is None
    assert [text(p) for p in fragment(html).find_all("p")] == [
        "/// details | La fin Le héros meurt. ///",
        "AC\\/DC",
    ]


@pytest.mark.parametrize(
    "body",
    [
        f":::spoiler\n\n{TRAILER}\n\n{TRAILER}\n\n:::\n\nAprès.",
        f"- Un point\n\n    :::spoiler\n\n    {TRAILER}\n\n    {TRAILER}\n\n    :::",
    ],
    ids=["in the text", "in a list item"],
)
def test_trailers_inside_a_spoiler_stay_hidden_in_it(body):
    facades = fragment(render(body).html).select("figure.trailer")

    assert len(facades) == 2
    assert all(facade.find_parent("details", class_="spoiler") for facade in facades)


def test_spoiler_syntax_in_code_stays_code():
    html = render("```\n:::spoiler\n```\n\n    :::spoiler\n    :::").html

    assert spoilers(html) == []
    assert [code.get_text() for code in fragment(html).select("pre code")] == [
        ":::spoiler\n",
        ":::spoiler\n:::\n",
    ]


def test_a_spoiler_never_closed_is_told_on_its_own_line():
    rendered = render("Avant.\n\n:::spoiler\nA\n:::\n\n:::spoiler\nB\n\n> :::spoiler  Citée\n> C")

    assert [(problem.line, problem.message) for problem in rendered.problems] == [
        (7, never_closed(":::spoiler")),
        (10, never_closed(":::spoiler  Citée")),
    ]


def test_unclosed_spoiler_hides_everything_after_it():
    html = render("Avant.\n\n:::spoiler Oubli\nLa fin.\n\nEncore la fin.").html

    [spoiler] = spoilers(html)
    assert [text(p) for p in spoiler.find_all("p")] == ["La fin.", "Encore la fin."]


HOSTILE_INSIDE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[clic](javascript:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">lien</a>',
    "<details open ontoggle=alert(1)><summary>Déjà ouvert</summary>Texte</details>",
    '<iframe src="https://evil.example/"></iframe>',
    '<p style="position:fixed" class="spoiler">texte</p>',
]


@pytest.mark.parametrize("hostile", HOSTILE_INSIDE)
def test_hostile_content_inside_a_spoiler_is_stripped_as_elsewhere(hostile):
    html = render(f":::spoiler <img src=x onerror=alert(2)>\n{hostile}\n\n{hostile}\n:::").html

    assert_harmless(html)
    page = fragment(html)
    assert page.find_all(["script", "iframe"]) == []
    for details in page.find_all("details"):
        assert "open" not in details.attrs


def test_editor_cannot_open_a_details_nor_name_it():
    html = render('<details open class="spoiler" id="x" name="y">Texte</details>').html

    [details] = fragment(html).find_all("details")
    assert details.attrs == {"class": ["spoiler"]}


def test_spoiler_text_counts_in_the_reading_time():
    shown = render("mot " * 300).html
    hidden = render(":::spoiler\n" + "mot " * 300 + "\n:::").html

    # The warning's own words are read too.
    assert count_words(hidden) == count_words(shown) + 5


def test_article_page_shows_the_spoiler_closed(client, db):
    article = make_article(body="Intro.\n\n:::spoiler La fin\nLe héros meurt.\n:::")

    [spoiler] = soup(client.get(article.get_absolute_url())).select(".article-body details")

    assert spoiler["class"] == ["spoiler"] and "open" not in spoiler.attrs
    assert text(spoiler.summary) == "Spoiler : La fin"


def test_article_form_refuses_a_spoiler_never_closed_naming_its_line(admin_client):
    article = make_article()
    body = "Avant.\n\n:::spoiler La fin\nLe héros meurt."

    response = admin_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        {**article_fields(article, body=body), **EMPTY_INLINES},
    )

    errors = text(soup(response).select_one(".field-body .errorlist"))
    assert errors == (
        "Ligne 3 (spoiler) : le bloc ouvert par « :::spoiler La fin » n’est jamais fermé : "
        "terminez-le par une ligne ne contenant que :::"
    )
    assert Article.objects.get(pk=article.pk).body == article.body


@pytest.mark.parametrize("feed", ["articles:feed", "articles:atom_feed"])
def test_feeds_keep_spoilers_hidden_behind_a_link_to_the_page(client, db, feed):
    article = make_article(
        body=(
            "Intro.\n\n:::spoiler La fin\nLe héros meurt.\n\n"
            ":::spoiler Le générique\nUne scène cachée.\n:::\n:::\n\nConclusion."
        )
    )

    [entry] = feedparser.parse(client.get(reverse(feed)).content).entries
    content = fragment(entry.content[0].value)

    assert "meurt" not in content.get_text() and "cachée" not in content.get_text()
    assert not content.select("details")
    [notice] = [p for p in content.select("p") if p.strong]
    assert text(notice.strong) == "Spoiler : La fin"
    assert notice.a["href"] == article.absolute_url
    assert text(notice.a) == "Masqué dans le flux : à lire sur le site."
    assert "Conclusion." in content.get_text()


def test_search_excerpts_never_quote_a_spoiler(client, db):
    make_article(
        title="Le phare",
        body="Le gardien du phare attend.\n\n:::spoiler La fin\nLe gardien disparaît.\n:::",
    )

    page = soup(client.get(reverse("articles:search"), {"q": "disparaît"}))

    [result] = page.select(".search-result, .card")
    assert "disparaît" not in text(result)
