"""Every kind of reader page is valid HTML, as the W3C's Nu Html Checker reads it."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import make_article, make_author, make_image, make_work
from tests.html_validator import html_problems
from tests.pages import pages_showing

pytestmark = pytest.mark.same_on_every_database

# Everything Markdown lets an editor write, so that the sanitised body is checked too.
RICH_BODY = """\
## Le contexte de la grève à Hollywood

Un paragraphe avec un [lien](https://example.org/?a=1&b=2), de l'*emphase*, du **gras**
et une note[^1].

> « Une citation qui dit tout. »

- un élément
- un autre, avec `du code`

1. premier
2. second

| Film | Année |
| --- | --- |
| *Le Mépris* | 1963 |

### Un intertitre de niveau 3

<script>alert("retiré par le nettoyage")</script>

[^1]: La note de bas de page.
"""


@pytest.fixture
def reader_pages(db):
    author = make_author(
        name="Marie Dupont",
        slug="marie-dupont",
        avatar=make_image(),
        signature="Article écrit avec passion par Marie",
        bio="Critique de cinéma, *festivals* et séries.",
    )
    co_author = make_author(name="Paul Martin", slug="paul-martin")
    article = make_article(
        title="Une plateforme publie une offre d'emploi en pleine grève",
        body=RICH_BODY,
        authors=[author, co_author],
        tags=["grève", "streaming"],
        featured_image=make_image(caption="Un piquet de grève", credit="Studio"),
    )
    make_article(section=article.section, tags=["streaming"], authors=[author])
    film = make_work(
        title="Marée basse",
        original_title="Low Tide",
        slug="maree-basse",
        release_date=date(2026, 12, 2),
        platform="Paravent",
        platform_date=date(2026, 12, 4),
        poster=make_image(alt_text="L'affiche du film"),
    )
    make_article(reviewed_work=film, rating=Decimal("3.5"), authors=[author])
    make_article(works=[film], authors=[author])
    return {
        **pages_showing(article, search="grève"),
        "search (no result)": reverse("articles:search") + "?q=introuvable",
        "work": film.get_absolute_url(),
        "release week": reverse("works:release_week", kwargs={"day": date(2026, 12, 2)}),
        "release week (empty)": reverse("works:release_week", kwargs={"day": date(2026, 1, 7)}),
        "team": reverse("authors:index"),
        "works index": reverse("works:index") + "?type=film",
        "tag index": reverse("articles:tags"),
        "home (English)": "/en" + reverse("articles:home"),
        "404": "/cette-page-n-existe-pas/",
    }


def test_reader_pages_are_valid_html(client, reader_pages, vnu_jar, tmp_path):
    problems = html_problems(client, vnu_jar, tmp_path, reader_pages)
    assert not problems, "invalid HTML:\n" + "\n".join(problems)
