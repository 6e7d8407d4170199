"""
The article's pages in the newsroom as a screen reader reads them: axe finds nothing
serious on the article form (new and existing, for an editor and for a contributor), the
article list, and the image and the film change pages, on a laptop and on a phone; every
box of the form says which field it is, select2's comboboxes and the byline's rows included.
"""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.axe import serious_violations_at
from tests.browser.test_desk_browser import log_in, newsroom
from tests.factories import make_article, make_image, make_work
from tests.long_read import paragraph

pytestmark = pytest.mark.browser

__all__ = ["newsroom"]

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def article_pages(newsroom):
    """
    The desk's editor and contributor, and a draft of hers with an image, a film and a tag,
    long enough that the editor and the preview scroll in their own boxes, as a real
    article's do: a box that scrolls must be reachable by keyboard.
    """
    contributor = User.objects.get(username="camille")
    poster = make_image(title="Affiche de Station Vega")
    work = make_work(title="Station Vega", poster=poster)
    article = make_article(
        authors=[contributor.author_profile],
        title="Station Vega, la critique",
        status=Article.Status.DRAFT,
        published_at=None,
        featured_image=poster,
        works=[work],
        tags=["science-fiction"],
        body="\n\n".join(["## La critique", *(paragraph(number) for number in range(12))]),
    )
    return {
        "origin": newsroom,
        "article": reverse("admin:articles_article_change", args=[article.pk]),
        "new article": reverse("admin:articles_article_add"),
        "articles": reverse("admin:articles_article_changelist"),
        "image": reverse("admin:images_image_change", args=[poster.pk]),
        "film": reverse("admin:works_work_change", args=[work.pk]),
    }


def test_the_article_pages_have_no_serious_accessibility_violation(article_pages, chromium, axe_js):
    axe_source = axe_js.read_text()
    # A contributor has neither the library nor the films to change.
    pages = {
        "ines": ["article", "new article", "articles", "image", "film"],
        "camille": ["article", "new article", "articles"],
    }
    problems = []
    for username, names in pages.items():
        # axe is injected as an inline script, which our own CSP rightly forbids.
        page = log_in(
            chromium,
            article_pages["origin"],
            username,
            viewport=LAPTOP,
            locale="fr-FR",
            bypass_csp=True,
        )
        for name in names:
            page.goto(article_pages["origin"] + article_pages[name])
            # Django's autocomplete draws its comboboxes once the page is ready.
            page.wait_for_load_state("load")
            problems += serious_violations_at(
                page, axe_source, f"{username}, {name}", (LAPTOP, PHONE)
            )
        page.context.close()
    assert not problems, "\n".join(problems)


def test_each_box_of_the_article_form_says_which_field_it_is(article_pages, chromium):
    page = log_in(chromium, article_pages["origin"], "ines", viewport=LAPTOP, locale="fr-FR")
    page.goto(article_pages["origin"] + article_pages["article"])

    # select2's comboboxes: the field's label, then the choice shown, if any.
    expect(
        page.get_by_role("combobox", name="Image à la une : Affiche de Station Vega")
    ).to_be_visible()
    expect(page.get_by_role("combobox", name="Critique de :", exact=True)).to_be_visible()
    expect(
        page.get_by_role("combobox", name=re.compile(r"^Films et séries évoqués : Station Vega"))
    ).to_be_visible()
    expect(page.get_by_role("searchbox", name="Films et séries évoqués :")).to_be_visible()
    # The byline's table: each box named after its column, and its row's author.
    byline = page.locator("#authorships-group")
    expect(byline.get_by_role("combobox", name="Auteur Camille", exact=True)).to_be_visible()
    expect(byline.get_by_role("combobox", name="Auteur", exact=True)).to_be_visible()
    expect(byline.get_by_role("spinbutton", name="Position dans la signature")).to_have_count(2)
    expect(byline.get_by_role("checkbox", name="Supprimer Camille de la signature")).to_be_visible()
    # A date and time field's two boxes.
    expect(page.get_by_role("textbox", name="Date prévue : date", exact=True)).to_be_visible()
    expect(page.get_by_role("textbox", name="Date prévue : heure", exact=True)).to_be_visible()
    expect(page.get_by_role("textbox", name="Sous embargo jusqu’au : heure")).to_be_visible()

    # A row added to the byline is named as those the page was drawn with.
    byline.get_by_role("button", name="Ajouter une ligne (Auteur)").click()
    expect(byline.get_by_role("combobox", name="Auteur", exact=True)).to_have_count(2)
    expect(byline.get_by_role("spinbutton", name="Position dans la signature")).to_have_count(3)

    # The choice made is said after the label.
    page.get_by_role("combobox", name="Critique de :").click()
    page.get_by_role("option", name="Station Vega").click()
    chosen = page.get_by_role(
        "combobox", name=re.compile(r"^Critique de : Station Vega \(\d{4}\)$")
    )
    expect(chosen).to_be_visible()


def test_the_byline_is_labelled_without_javascript(article_pages, chromium):
    page = log_in(
        chromium, article_pages["origin"], "camille", viewport=PHONE, java_script_enabled=False
    )
    page.goto(article_pages["origin"] + article_pages["article"])

    byline = page.locator("#authorships-group")
    expect(byline.get_by_role("combobox", name="Auteur", exact=True)).to_have_count(2)
    expect(byline.get_by_role("checkbox", name="Supprimer Camille de la signature")).to_be_visible()
    expect(page.get_by_role("textbox", name="Date prévue : date", exact=True)).to_be_visible()
