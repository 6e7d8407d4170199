"""Updates, corrections and the AI declaration, as readers see them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from articles.models import Article, Correction, EditorialAction
from tests.admin_forms import EMPTY_INLINES, article_fields
from tests.factories import make_article
from tests.pages import soup, text

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def meta_of(client, article):
    return soup(client.get(article.get_absolute_url()))


def test_untouched_article_shows_no_update_line(client):
    page = meta_of(client, make_article())
    assert page.select_one(".article-meta__updated") is None


def test_update_shows_mis_a_jour_le_after_the_publication_date(client):
    article = make_article(published_at=datetime(2023, 7, 28, 9, tzinfo=PARIS))
    article.revised_at = datetime(2023, 7, 30, 18, tzinfo=PARIS)
    article.save()
    meta = meta_of(client, article).select_one(".article-meta")
    assert "Publié le 28 juillet 2023 Mis à jour le 30 juillet 2023" in text(meta)
    assert meta.select_one(".article-meta__updated time")["datetime"] == "2023-07-30T18:00:00+02:00"
    assert article.modified_at == article.revised_at


def test_corrections_are_listed_at_the_end_with_their_date(client):
    article = make_article(body="## Le film\n\nTexte.")
    Correction.objects.create(
        article=article,
        text="Le film dure 2 h 10, et non 2 h 30.",
        created_at=datetime(2024, 3, 1, 10, tzinfo=PARIS),
    )
    page = meta_of(client, article)
    corrections = page.select_one("article .corrections")
    assert text(corrections.h2) == "Correction"
    assert text(corrections.select_one(".correction")) == (
        "1er mars 2024 : Le film dure 2 h 10, et non 2 h 30."
    )
    body = page.select_one(".article-body")
    assert body.sourceline < corrections.sourceline < page.select_one(".article-footer").sourceline


def test_correction_text_is_escaped(client):
    article = make_article()
    Correction.objects.create(article=article, text="<script>alert(1)</script> corrigé")
    corrections = meta_of(client, article).select_one(".corrections")
    assert corrections.select("script") == []
    assert "<script>alert(1)</script> corrigé" in text(corrections)


def test_no_ai_declaration_shows_nothing(client):
    assert meta_of(client, make_article()).select_one(".ai-disclosure") is None


@pytest.mark.parametrize(
    ("usage", "label"),
    [
        (Article.AIUsage.ASSISTED, "Écrit avec l’aide de l’IA."),
        (Article.AIUsage.GENERATED, "Généré par IA."),
    ],
)
def test_ai_declaration_is_shown_near_the_byline(client, usage, label):
    article = make_article(ai_usage=usage, ai_usage_note="Entretien transcrit par IA, relu.")
    page = meta_of(client, article)
    disclosure = page.select_one(".ai-disclosure")
    assert text(disclosure) == f"{label} Entretien transcrit par IA, relu."
    assert disclosure.sourceline - page.select_one(".article-meta").sourceline <= 12


def post_article(admin_client, article, **changes):
    local = article.published_at.astimezone(PARIS)
    data = {
        **article_fields(article),
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
        **EMPTY_INLINES,
        **changes,
    }
    return admin_client.post(f"/admin/articles/article/{article.pk}/change/", data)


def test_editor_marks_an_edit_as_update_and_it_is_logged(admin_client, client):
    article = make_article()
    response = post_article(admin_client, article, body="Nouveau fait.", mark_as_update="on")
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.revised_at is not None
    assert EditorialAction.objects.filter(article=article, kind="updated").exists()
    assert meta_of(client, article).select_one(".article-meta__updated") is not None


def test_an_ordinary_edit_moves_no_public_date(admin_client):
    article = make_article()
    assert post_article(admin_client, article, body="Coquille corrigée.").status_code == 302
    article.refresh_from_db()
    assert article.revised_at is None


def test_ai_use_without_a_note_for_readers_is_refused(admin_client):
    article = make_article()
    response = post_article(admin_client, article, ai_usage="assisted", ai_usage_note=" ")
    assert response.status_code == 200
    assert "ai_usage_note" in response.context["adminform"].form.errors


def test_correction_added_in_the_admin_is_logged(admin_client):
    article = make_article()
    response = post_article(
        admin_client,
        article,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-text": "Le réalisateur est belge, pas français.",
            "corrections-0-created_at_0": "2026-01-10",
            "corrections-0-created_at_1": "12:00:00",
        },
    )
    assert response.status_code == 302
    assert article.corrections.get().text == "Le réalisateur est belge, pas français."
    action = EditorialAction.objects.get(article=article, kind="corrected")
    assert action.detail == "Le réalisateur est belge, pas français."
