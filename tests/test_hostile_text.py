"""
No text a contributor can type costs the server more than a second to save, preview or
compare, and none answers 500: it is saved, or refused with a message that says where.

Time is the processor time of the request's own thread, so that a busy machine does not
make a fast rendering look slow.
"""

import gc
import sys
import time

import markdown
import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from authors.models import Author
from markup.rendering import BODY_MAX_CHARS
from search import lemmatizer
from tests.admin_forms import new_article_fields
from tests.factories import logged_in, make_article, make_section
from tests.long_read import long_read
from tests.pages import soup, text
from tests.pathological_bodies import PATHOLOGICAL_BODIES

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")
PREVIEW = reverse("admin:articles_article_writing_preview")
# What the issue allows a text to cost, whatever it holds.
SECOND = 1.0

BODIES = list(PATHOLOGICAL_BODIES.items())
# How each of the pipeline's refusals begins, in French: with the line it is about, or
# on its own when the text as a whole is at fault.
REFUSALS = (
    "Ligne ",
    "Le texte ",
    "Ce passage ",
    "Ce paragraphe, ",
    "Listes, ",
    "Trop de ",
    "Plus de ",
)


@pytest.fixture(scope="module", autouse=True)
def settled_heap():
    """
    What the process holds before these tests, set aside from the garbage collector's
    passes: timed() collects before each request, and a full pass over the whole test
    process took a quarter of a second, a hundred and sixty times. The French lemma
    table is built first, as a worker's first save or search builds it once (about a
    second): the timings are of a warm worker.
    """
    lemmatizer.table()
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


def timed(request):
    """The request's answer and its processor time, the garbage collector's passes left out."""
    gc.collect()
    gc.disable()
    try:
        start = time.thread_time()
        response = request()
        return response, time.thread_time() - start
    finally:
        gc.enable()


def body_errors(response):
    return [li.get_text() for li in soup(response).select(".field-body .errorlist li")]


def test_the_corpus_holds_every_family():
    assert len(PATHOLOGICAL_BODIES) >= 40


@pytest.mark.parametrize(("name", "body"), BODIES, ids=[name for name, _ in BODIES])
def test_saving_a_hostile_body_is_quick_and_ends_saved_or_told_why(name, body, contributor):
    client = logged_in(contributor, raise_request_exception=False)

    response, seconds = timed(lambda: client.post(ADD, new_article_fields(body, make_section())))

    assert seconds < SECOND
    if response.status_code == 302:
        assert Article.objects.get(slug="texte-piege").body_html
    else:
        assert response.status_code == 200
        assert not Article.objects.exists()
        page = soup(response)  # Once: the page holds the whole text, up to 80,000 characters.
        (error,) = [li.get_text() for li in page.select(".field-body .errorlist li")]
        # In French, and the whole text is still in the form.
        assert error.startswith(REFUSALS), error
        # The line break after <textarea> is the template's, not the text's.
        kept = page.select_one("textarea[name=body]").get_text()
        assert kept.removeprefix("\n") == body


@pytest.mark.parametrize(("name", "body"), BODIES, ids=[name for name, _ in BODIES])
def test_previewing_a_hostile_body_is_quick_and_shows_it_or_says_why(name, body, contributor):
    client = logged_in(contributor, raise_request_exception=False)
    # Another text than the save test's, so that neither is answered from the other.
    body = "Aperçu.\n\n" + body

    response, seconds = timed(lambda: client.post(PREVIEW, {"body": body}))

    assert seconds < SECOND
    assert response.status_code in {200, 400}
    if response.status_code == 400:
        assert response.json()["error"].startswith(REFUSALS)
    else:
        assert response.json()["html"].startswith("<p>Aperçu.</p>")


def test_a_refused_text_names_its_line_and_how_to_mend_it(contributor):
    body = "Un premier paragraphe.\n\nUn deuxième.\n\n" + "[" * 5_000

    response = logged_in(contributor).post(ADD, new_article_fields(body, make_section()))

    assert body_errors(response) == [
        "Ligne 5\u00a0: ce passage demanderait trop de temps à mettre en forme\u00a0: une "
        "longue suite de [, *, _, < ou d’autres signes Markdown, ou de nombreux crochets "
        "jamais refermés. Placez une \\ devant les signes à afficher tels quels, ou "
        "simplifiez le passage."
    ]


def test_the_same_signs_escaped_are_saved_as_text(contributor):
    body = "Un premier paragraphe.\n\n" + "\\[" * 2_000

    logged_in(contributor).post(ADD, new_article_fields(body, make_section()))

    assert (
        Article.objects.get().body_html
        == "<p>Un premier paragraphe.</p>\n<p>" + "[" * 2_000 + "</p>"
    )


def test_a_long_article_up_to_the_limit_is_saved(contributor):
    paragraph = (
        "Le festival s’ouvre sur un film hors norme, trois heures de cinéma que la salle "
        "a suivies sans un bruit. La réalisatrice, venue présenter son travail, a parlé "
        "longtemps du tournage, des repérages en hiver et des acteurs recrutés sur place. "
        "On en reparlera à la sortie, prévue au printemps, avec [la critique complète]"
        "(https://exemple.fr/critique) et un entretien *exclusif*. "
    ) * 2
    body = "\n\n".join(["## Intertitre", paragraph] * 200)[:BODY_MAX_CHARS]

    response = logged_in(contributor).post(ADD, new_article_fields(body, make_section()))

    assert response.status_code == 302
    assert Article.objects.get().reading_time > 15


def test_a_ten_thousand_word_long_read_is_saved_found_and_read(contributor, client):
    body = long_read()

    response = logged_in(contributor).post(ADD, new_article_fields(body, make_section()))

    assert response.status_code == 302
    article = Article.objects.get()
    article.status, article.published_at = Article.Status.PUBLISHED, timezone.now()
    article.save()
    page = soup(client.get(article.get_absolute_url()))
    words = text(page.select_one(".article-body")).split()
    assert sum(1 for word in words if any(char.isalnum() for char in word)) >= 10_000
    assert "Temps de lecture : 47 minutes environ" in text(page.select_one(".article-meta"))
    # A word that only its last line holds: the whole text is in the index.
    found = soup(client.get("/recherche/", {"q": "Douarnenez"})).select(".card__title a")
    assert [a["href"] for a in found] == [article.get_absolute_url()]


def while_parsing():
    """Whether the garbage collector was set off by the Markdown parser."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is markdown.Markdown.convert.__code__:
            return True
        frame = frame.f_back
    return False


def test_a_plain_text_is_saved_while_the_garbage_collector_runs_long(contributor):
    """
    A full collection in a long-lived process can take longer than the whole budget, and
    it runs in whichever thread allocates: the text must not be refused for it.
    """
    collections = []

    def a_long_collection(phase, info):
        if phase == "start" and len(collections) < 3 and while_parsing():
            collections.append(info["generation"])
            start = time.thread_time()
            while time.thread_time() - start < 0.3:
                pass

    thresholds = gc.get_threshold()
    gc.callbacks.append(a_long_collection)
    gc.set_threshold(1, 1, 1)
    try:
        response = logged_in(contributor).post(
            ADD, new_article_fields("## Le contexte\n\nUn paragraphe de texte.", make_section())
        )
    finally:
        gc.set_threshold(*thresholds)
        gc.callbacks.remove(a_long_collection)

    assert len(collections) == 3
    assert response.status_code == 302
    assert Article.objects.get().body.startswith("## Le contexte")


def test_comparing_two_hostile_versions_is_quick(editor):
    article = make_article(body="Première version.")
    article.body = "Deuxième version."
    article.save()
    first, second = article.history.order_by("history_id")
    # Versions kept from before the limits, or brought in by an import: lines that
    # repeat are what makes a line-by-line comparison take the square of their number.
    article.history.filter(history_id=first.history_id).update(body="a\nb\n" * 25_000)
    article.history.filter(history_id=second.history_id).update(body="b\na\n" * 25_000)
    url = reverse("admin:articles_article_revision_compare", args=[article.pk])
    query = {"from": first.history_id, "to": second.history_id}

    response, seconds = timed(lambda: logged_in(editor).get(url, query))

    assert seconds < SECOND
    assert response.status_code == 200
    body = soup(response).select(".revision-diff__field")[2]
    assert body.select_one("del").get_text().startswith("a\nb\na")
    assert body.select_one("ins").get_text().startswith("b\na\nb")


def test_a_hostile_biography_is_refused_with_a_message(editor):
    author = Author.objects.create(name="Inès Marchand", slug="ines-marchand")
    url = reverse("admin:authors_author_change", args=[author.pk])

    response = logged_in(editor).post(
        url,
        {"name": author.name, "slug": author.slug, "signature": "", "bio": "[" * 5_000},
    )

    assert response.status_code == 200
    assert soup(response).select_one(".field-bio .errorlist li").get_text().startswith("Ligne 1")
    author.refresh_from_db()
    assert author.bio == ""
    assert User.objects.count() == 1
