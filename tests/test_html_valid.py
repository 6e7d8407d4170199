"""Every kind of reader page is valid HTML, as the W3C's Nu Html Checker reads it."""

import json
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Section
from authors.models import Author
from tests.factories import make_article, make_author, make_image, make_work
from tests.pages import pages_showing
from works.models import Work

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
        "home (English)": "/en" + reverse("articles:home"),
        "404": "/cette-page-n-existe-pas/",
    }


def validate(vnu_jar, files):
    """The Nu Html Checker's error messages for ``files``, in its JSON format."""
    java = shutil.which("java")
    assert java, "java not found: the Nu Html Checker needs a Java runtime (Debian: default-jre)"
    command = [java, "-jar", str(vnu_jar), "--errors-only", "--format", "json", *map(str, files)]
    result = subprocess.run(  # noqa: S603 (our own files, no shell)
        command,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # The report goes to stderr; the exit status only says whether there were errors.
    report = json.loads(result.stderr or result.stdout)
    return report["messages"]


def html_problems(client, vnu_jar, tmp_path, urls):
    """Each validation error in the pages at ``urls`` ({name: url}), with its source line."""
    pages = {}
    for number, (name, url) in enumerate(urls.items()):
        response = client.get(url)
        assert response.status_code == (404 if name == "404" else 200), name
        path = tmp_path / f"page-{number}.html"
        path.write_bytes(response.content)
        pages[path.name] = (name, url, response.content.decode().splitlines())

    problems = []
    for message in validate(vnu_jar, [tmp_path / file_name for file_name in pages]):
        file_name = message.get("url", "").rpartition("/")[2]
        name, url, lines = pages.get(file_name, (message.get("url"), "?", []))
        line = message.get("lastLine") or message.get("firstLine")
        source = lines[line - 1].strip() if line and line <= len(lines) else ""
        problems.append(f"{name} ({url}) line {line}: {message['message']}\n    {source[:200]}")
    return problems


def test_reader_pages_are_valid_html(client, reader_pages, vnu_jar, tmp_path):
    problems = html_problems(client, vnu_jar, tmp_path, reader_pages)
    assert not problems, "invalid HTML:\n" + "\n".join(problems)


def test_every_demo_page_is_valid_html(client, db, vnu_jar, tmp_path):
    """The demo articles use what editors really write: headings, quotes, links, lists, images."""
    call_command("loaddemo", verbosity=0)
    published = Article.objects.published()
    urls = {"home": reverse("articles:home")}
    urls.update({f"article {a.slug}": a.get_absolute_url() for a in published})
    urls.update({f"section {s.slug}": s.get_absolute_url() for s in Section.objects.all()})
    authors = Author.objects.filter(articles__in=published).distinct()
    urls.update({f"author {a.slug}": a.get_absolute_url() for a in authors})
    tags = Tag.objects.filter(article__in=published).distinct()
    urls.update({f"tag {t.slug}": reverse("articles:tag", kwargs={"slug": t.slug}) for t in tags})
    urls.update({f"work {w.slug}": w.get_absolute_url() for w in Work.objects.all()})
    urls["release week"] = reverse("works:current_release_week")
    assert len(urls) > 5, "the demo content has too few pages to be worth validating"

    problems = html_problems(client, vnu_jar, tmp_path, urls)
    assert not problems, "invalid HTML:\n" + "\n".join(problems)
