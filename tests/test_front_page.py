"""
The front page the desk arranges: a lead and secondary leads at their places, then
blocks; what no one picked is filled from the published articles, each shown once.
"""

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from frontpage.models import MAX_BLOCKS, Block, FrontPage, LeadPick
from tests.factories import (
    CONTRIBUTOR,
    EDITOR,
    logged_in,
    make_article,
    make_member,
    make_section,
    make_work,
)
from tests.pages import soup, text
from tests.test_page_cache import queries_for, shared_max_age, stored

pytestmark = pytest.mark.django_db


def front_page():
    # Made by a migration, which a transactional test's flush may have undone.
    return FrontPage.objects.first() or FrontPage.objects.create()


def dated(title, hours_ago, **fields):
    return make_article(
        title=title, published_at=timezone.now() - timedelta(hours=hours_ago), **fields
    )


def leads(response):
    page = soup(response)
    lead = [text(a) for a in page.select(".headline .card__title a")]
    return lead + [text(a) for a in page.select(".front-leads__others .card__title a")]


def blocks(response):
    """Each block's heading, with the titles of its articles."""
    return {
        text(block.select_one("h2")): [text(a) for a in block.select(".card__title a")]
        for block in soup(response).select(".front-block")
    }


def every_title(response):
    return [text(a) for a in soup(response).select("main .card__title a")]


def add_block(kind, **fields):
    articles = fields.pop("articles", ())
    block = Block.objects.create(front_page=front_page(), kind=kind, **fields)
    block.articles.set(articles)
    return block


# -- Filled when no one picks --------------------------------------------------------------


def test_unarranged_the_home_leads_with_the_headline_then_the_latest(client):
    latest = [dated(f"Récent {n}", hours_ago=n) for n in range(1, 6)]
    flagged = dated("À la une", hours_ago=48, is_featured=True)
    response = client.get("/")
    assert leads(response) == ["À la une", "Récent 1", "Récent 2", "Récent 3"]
    # The rest of the latest follows, nothing twice.
    assert every_title(response) == ["À la une", *(a.title for a in latest)]
    assert flagged.title not in blocks(response)


def test_a_section_block_shows_its_latest_but_not_what_the_leads_show(client):
    series = make_section(name="Séries", slug="series")
    for n in range(1, 4):
        dated(f"Série {n}", hours_ago=n, section=series)
    for n in range(4, 10):
        dated(f"Film {n}", hours_ago=n)
    add_block(Block.Kind.SECTION, section=series, size=3)
    response = client.get("/")
    # The three series lead, being the latest: the block has nothing left of its own.
    assert leads(response)[:3] == ["Série 1", "Série 2", "Série 3"]
    assert blocks(response) == {}

    older = [dated(f"Ancienne série {n}", hours_ago=50 + n, section=series) for n in (1, 2)]
    response = client.get("/")
    assert blocks(response) == {"Séries": [a.title for a in older]}
    heading = soup(response).select_one(".front-block h2 a")
    assert heading["href"] == "/rubriques/series/"


def test_a_reviews_block_shows_the_latest_reviews_with_their_stars(client):
    dated("Une brève", hours_ago=1)
    for n in range(2, 6):
        dated(f"Actualité {n}", hours_ago=n)
    work = make_work()
    dated("Critique de Marée basse", hours_ago=10, reviewed_work=work, rating=Decimal("4.5"))
    add_block(Block.Kind.REVIEWS)
    response = client.get("/")
    assert blocks(response) == {"Critiques": ["Critique de Marée basse"]}
    block = soup(response).select_one(".front-block")
    assert block.select_one("h2 a")["href"] == "/oeuvres/"
    assert text(block.select_one(".card__review .rating__text")) == "Note : 4,5 sur 5"


@mock.patch("django.utils.timezone.now")
def test_the_release_block_shows_what_is_about_the_week_s_releases(now, client):
    now.return_value = timezone.make_aware(timezone.datetime(2026, 12, 4, 12))
    out = make_work(title="Marée basse", release_date=date(2026, 12, 2))
    later = make_work(title="Plus tard", release_date=date(2026, 12, 16))
    for n in range(1, 6):
        dated(f"Actualité {n}", hours_ago=n)
    dated("Entretien avec la réalisatrice", hours_ago=30, works=[out])
    dated("Premières images", hours_ago=31, works=[later])
    add_block(Block.Kind.RELEASES)
    response = client.get("/")
    assert blocks(response) == {
        "Sorties de la semaine du 2 au 8 décembre 2026": ["Entretien avec la réalisatrice"]
    }
    assert soup(response).select_one(".front-block h2 a")["href"] == "/sorties/"
    # Next Wednesday at midnight, the block is another week's: the page ends then.
    next_week = timezone.make_aware(timezone.datetime(2026, 12, 9))
    assert shared_max_age(response) <= (next_week - now.return_value).total_seconds()


def test_a_tag_block_and_a_hand_picked_block(client):
    for n in range(1, 6):
        dated(f"Actualité {n}", hours_ago=n)
    cannes = dated("Palmarès de Cannes", hours_ago=20, tags=["Cannes"])
    picked = dated("Choisie", hours_ago=40)
    add_block(Block.Kind.TAG, tag=Tag.objects.get(name="Cannes"), position=1)
    add_block(Block.Kind.PICKED, heading="Nos coups de cœur", articles=[picked], position=2)
    response = client.get("/")
    assert blocks(response) == {
        "Cannes": [cannes.title],
        # The pick first, then the latest that nothing above shows.
        "Nos coups de cœur": ["Choisie", "Actualité 5"],
    }
    assert soup(response).select(".front-block h2")[1].a is None


# -- Picked by the desk --------------------------------------------------------------------


def test_picked_articles_take_their_places_and_are_not_shown_twice(client):
    for n in range(1, 6):
        dated(f"Actualité {n}", hours_ago=n)
    old = dated("Le grand entretien", hours_ago=72)
    second = dated("Le dossier", hours_ago=96)
    LeadPick.objects.create(front_page=front_page(), place=1, article=old)
    LeadPick.objects.create(front_page=front_page(), place=3, article=second)
    add_block(Block.Kind.PICKED, articles=[old], size=2)
    response = client.get("/")
    assert leads(response) == ["Le grand entretien", "Actualité 1", "Le dossier", "Actualité 2"]
    assert every_title(response).count("Le grand entretien") == 1


def test_a_picked_draft_is_not_shown_and_its_place_is_filled(client):
    latest = dated("Actualité", hours_ago=1)
    draft = make_article(title="Brouillon", status="draft", published_at=None)
    LeadPick.objects.create(front_page=front_page(), place=1, article=draft)
    assert leads(client.get("/")) == [latest.title]


def test_a_scheduled_pick_takes_its_place_at_its_time_on_the_cached_page(client):
    for n in range(1, 6):
        dated(f"Actualité {n}", hours_ago=n)
    due = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    scheduled = make_article(title="L’avant-première", published_at=due)
    LeadPick.objects.create(front_page=front_page(), place=1, article=scheduled)
    before = stored(client, "/")
    assert leads(before)[0] == "Actualité 1"
    assert shared_max_age(before) <= 3 * 3600

    with mock.patch("django.utils.timezone.now", return_value=due - timedelta(seconds=1)):
        assert leads(client.get("/"))[0] == "Actualité 1"
    with mock.patch("django.utils.timezone.now", return_value=due):
        assert leads(client.get("/")) == [
            "L’avant-première",
            "Actualité 1",
            "Actualité 2",
            "Actualité 3",
        ]


# -- What it costs, and the page cache --------------------------------------------------------


@pytest.mark.usefixtures("page_cache_off")
def test_the_home_costs_the_same_queries_with_every_block_there_can_be(client):
    section = make_section(slug="cinema")
    for n in range(12):
        dated(f"Actualité {n}", hours_ago=n + 1, section=section, tags=["Cannes"])
    client.get("/")
    with CaptureQueriesContext(connection) as bare:
        client.get("/")
    tag = Tag.objects.get(name="Cannes")
    kinds = [
        {"kind": Block.Kind.SECTION, "section": section},
        {"kind": Block.Kind.REVIEWS},
        {"kind": Block.Kind.RELEASES},
        {"kind": Block.Kind.TAG, "tag": tag},
        {"kind": Block.Kind.PICKED},
    ]
    for n in range(MAX_BLOCKS + 2):
        article = dated(f"Choisie {n}", hours_ago=100 + n, reviewed_work=make_work())
        add_block(**kinds[n % len(kinds)], position=n, articles=[article])
    with CaptureQueriesContext(connection) as arranged:
        response = client.get("/")
    assert len(soup(response).select(".front-block")) == MAX_BLOCKS
    assert len(arranged) == len(bare) == 5


def test_changing_a_block_makes_the_home_stale_and_no_other_page(client):
    section = make_section(name="Cinéma", slug="cinema")
    for n in range(1, 8):
        dated(f"Actualité {n}", hours_ago=n, section=section)
    article_page = "/articles/" + dated("Ancienne", hours_ago=90, section=section).slug + "/"
    for url in ["/", "/rubriques/cinema/", article_page]:
        stored(client, url)

    block = add_block(Block.Kind.SECTION, section=section)
    assert "Cinéma" in blocks(client.get("/"))
    for url in ["/rubriques/cinema/", article_page]:
        assert queries_for(client, url)[1] == 0, url

    stored(client, "/")
    block.heading = "Au cinéma"
    block.save()
    assert "Au cinéma" in blocks(client.get("/"))


def test_a_publication_landing_in_a_block_makes_the_home_stale(client):
    section = make_section(name="Cinéma", slug="cinema")
    for n in range(1, 6):
        dated(f"Actualité {n}", hours_ago=n)
    add_block(Block.Kind.SECTION, section=section)
    draft = make_article(title="Au cinéma", section=section, status="draft", published_at=None)
    stored(client, "/")
    draft.status = "published"
    draft.published_at = timezone.now() - timedelta(hours=30)
    draft.save()
    assert blocks(client.get("/")) == {"Cinéma": ["Au cinéma"]}


# -- Who arranges it -----------------------------------------------------------------------


def arrangement(page, **changes):
    """The home page's admin form with one lead at the first place and one block."""
    management = {
        f"{prefix}-{name}": value
        for prefix in ("leads", "blocks")
        for name, value in [("INITIAL_FORMS", "0"), ("MIN_NUM_FORMS", "0")]
    }
    return {
        **management,
        "leads-TOTAL_FORMS": "1",
        "leads-0-place": "1",
        "leads-0-article": str(page.pk),
        "blocks-TOTAL_FORMS": "1",
        "blocks-0-position": "1",
        "blocks-0-kind": "reviews",
        "blocks-0-size": "4",
        "blocks-0-heading": "",
        **changes,
    }


def test_an_editor_arranges_the_home_page_and_readers_see_it_at_once(client):
    for n in range(1, 6):
        dated(f"Actualité {n}", hours_ago=n)
    chosen = dated("Le grand entretien", hours_ago=72)
    stored(client, "/")
    editor = logged_in(make_member(EDITOR, "redac"))
    # The list opens the one home page.
    change_url = editor.get("/admin/frontpage/frontpage/")["Location"]
    assert editor.get(change_url).status_code == 200
    response = editor.post(change_url, arrangement(chosen))
    assert response.status_code == 302, response.context["errors"]
    assert leads(client.get("/"))[0] == "Le grand entretien"


def test_a_section_block_needs_its_section(client):
    editor = logged_in(make_member(EDITOR, "redac"))
    page = dated("Actualité", hours_ago=1)
    url = f"/admin/frontpage/frontpage/{front_page().pk}/change/"
    response = editor.post(url, arrangement(page, **{"blocks-0-kind": "section"}))
    assert response.status_code == 200
    assert "Choisissez la rubrique" in text(soup(response).select_one(".errorlist"))
    assert not Block.objects.exists()


def test_no_more_blocks_than_the_page_holds(client):
    editor = logged_in(make_member(EDITOR, "redac"))
    page = dated("Actualité", hours_ago=1)
    rows = {"blocks-TOTAL_FORMS": str(MAX_BLOCKS + 1)}
    for n in range(MAX_BLOCKS + 1):
        rows |= {f"blocks-{n}-position": str(n), f"blocks-{n}-kind": "picked"}
        rows |= {f"blocks-{n}-size": "4", f"blocks-{n}-heading": ""}
    url = f"/admin/frontpage/frontpage/{front_page().pk}/change/"
    assert editor.post(url, arrangement(page, **rows)).status_code == 200
    assert not Block.objects.exists()


def test_a_contributor_may_not_arrange_the_home_page(client):
    contributor = logged_in(make_member(CONTRIBUTOR, "pigiste"))
    page = dated("Actualité", hours_ago=1)
    url = f"/admin/frontpage/frontpage/{front_page().pk}/change/"
    assert contributor.get("/admin/frontpage/frontpage/").status_code == 403
    assert contributor.get(url).status_code == 403
    assert contributor.post(url, arrangement(page)).status_code == 403
    assert not LeadPick.objects.exists()


def test_two_articles_at_one_place_are_refused_in_french(client):
    editor = logged_in(make_member(EDITOR, "redac"))
    first, second = dated("Première", hours_ago=1), dated("Seconde", hours_ago=2)
    rows = {"leads-TOTAL_FORMS": "2", "leads-1-place": "1", "leads-1-article": str(second.pk)}
    url = f"/admin/frontpage/frontpage/{front_page().pk}/change/"
    response = editor.post(url, arrangement(first, **rows))
    assert response.status_code == 200
    errors = " ".join(text(error) for error in soup(response).select(".errorlist"))
    assert "Une place, un article : « À la une » est donnée deux fois." in errors
    assert not LeadPick.objects.exists()
