"""
The newsroom's calendar: what each role sees on a month and a week, and the
moves made on it, checked by the workflow as the bulk « Programmer… » action is.
"""

from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, EditorialAction
from newsroom.calendar import date_range
from pagecache import key_for, list_key
from pagecache.purge import RecordingPurgeBackend
from tests.factories import logged_in, make_article, make_author, make_member, make_section
from tests.pages import soup, text

CALENDAR = reverse("admin:calendar")

# The clock of these tests: Sunday 6 December 2026, noon in Paris.
NOW = datetime(2026, 12, 6, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def december_2026():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


def paris(*args):
    """A moment given in Paris time."""
    return datetime(*args, tzinfo=timezone.get_current_timezone())


def move_url(article):
    return reverse("admin:calendar_move", args=[article.pk])


def move(client, article, day, time, **extra):
    return client.post(move_url(article), {"day": day, "time": time, **extra}, follow=True)


def messages_of(response):
    page = soup(response)
    return {
        level: [text(li) for li in page.select(f".messagelist .{level}")]
        for level in ("success", "error", "warning")
    }


def entries(response):
    """Each entry on the page as (day, time, state, title)."""
    page = soup(response)
    return [
        (
            entry.find_parent(attrs={"data-day": True})["data-day"],
            text(entry.select_one(".cal-entry-head time")),
            text(entry.select_one(".cal-state")),
            text(entry.select_one(".cal-title")),
        )
        for entry in page.select(".cal-entry")
    ]


@pytest.fixture
def newsroom(contributor):
    """A month of work: published, scheduled, planned drafts of two writers, and one unplanned."""
    camille = contributor.author_profile
    other = make_author(name="Alex")
    section = make_section()
    return {
        "published": make_article(
            title="Bilan de Cannes", published_at=paris(2026, 12, 2, 6), section=section
        ),
        "scheduled": make_article(
            title="Critique de Dune", published_at=paris(2026, 12, 12, 7), section=section
        ),
        "mine": make_article(
            title="Mon portrait",
            status=Article.Status.DRAFT,
            published_at=None,
            planned_for=paris(2026, 12, 15, 9, 30),
            authors=[camille],
            section=section,
        ),
        "theirs": make_article(
            title="Leur entretien",
            status=Article.Status.DRAFT,
            published_at=None,
            planned_for=paris(2026, 12, 16, 18),
            authors=[other],
            section=section,
        ),
        "unplanned": make_article(
            title="Sans date", status=Article.Status.DRAFT, published_at=None, section=section
        ),
        "next_month": make_article(
            title="Rétrospective", published_at=paris(2027, 1, 20, 8), section=section
        ),
    }


# -- What the calendar shows --------------------------------------------------------------


def test_an_editor_sees_the_month_of_published_scheduled_and_planned_articles(editor, newsroom):
    response = logged_in(editor).get(CALENDAR, {"mois": "2026-12"})

    assert entries(response) == [
        ("2026-12-02", "6 h 00", "Publié", "Bilan de Cannes"),
        ("2026-12-12", "7 h 00", "Programmé", "Critique de Dune"),
        ("2026-12-15", "9 h 30", "Brouillon", "Mon portrait"),
        ("2026-12-16", "18 h 00", "Brouillon", "Leur entretien"),
    ]
    page = soup(response)
    assert "décembre 2026" in text(page.select_one("h1"))
    # Each entry leads to its article's change page.
    links = {text(a): a["href"] for a in page.select(".cal-title")}
    assert links["Critique de Dune"] == reverse(
        "admin:articles_article_change", args=[newsroom["scheduled"].pk]
    )


def test_a_contributor_sees_only_their_own_articles(contributor, newsroom):
    response = logged_in(contributor).get(CALENDAR, {"mois": "2026-12"})

    assert [title for *_, title in entries(response)] == ["Mon portrait"]


def test_the_week_puts_each_entry_at_its_hour(editor, newsroom):
    response = logged_in(editor).get(CALENDAR, {"semaine": "2026-W51"})

    page = soup(response)
    slot = page.select_one(".cal-entry").find_parent(class_="cal-slot")
    assert (slot["data-day"], slot["data-time"]) == ("2026-12-15", "09:00")
    assert [title for *_, title in entries(response)] == ["Mon portrait", "Leur entretien"]
    assert text(page.select_one("h1")) == "Calendrier : semaine 51, du 14 au 20 décembre 2026"


def test_the_week_names_its_days_as_a_newsroom_writes_them(editor):
    page = soup(logged_in(editor).get(CALENDAR, {"semaine": "2026-W53"}))

    assert text(page.select_one("h1")) == (
        "Calendrier : semaine 53, du 28 décembre 2026 au 3 janvier 2027"
    )
    assert [text(heading) for heading in page.select(".cal-date time")][3:6] == [
        "jeudi 31 décembre",
        "vendredi 1er janvier",
        "samedi 2 janvier",
    ]


@pytest.mark.parametrize(
    ("first", "last", "written"),
    [
        (date(2026, 12, 7), date(2026, 12, 13), "du 7 au 13 décembre 2026"),
        (date(2026, 11, 30), date(2026, 12, 6), "du 30 novembre au 6 décembre 2026"),
        (date(2026, 12, 28), date(2027, 1, 3), "du 28 décembre 2026 au 3 janvier 2027"),
        (date(2027, 3, 1), date(2027, 3, 7), "du 1er au 7 mars 2027"),
        (date(2027, 2, 22), date(2027, 3, 1), "du 22 février au 1er mars 2027"),
    ],
)
def test_a_span_of_days_says_its_month_and_year_once(first, last, written):
    with translation.override("fr"):
        assert date_range(first, last) == written


def test_only_what_the_user_may_move_can_be_dragged_or_has_a_form(contributor, editor, newsroom):
    def movable(user):
        page = soup(logged_in(user).get(CALENDAR, {"mois": "2026-12"}))
        return {
            text(entry.select_one(".cal-title")): (
                entry.get("draggable") == "true",
                entry.select_one(".cal-move form") is not None,
            )
            for entry in page.select(".cal-entry")
        }

    assert movable(editor) == {
        "Bilan de Cannes": (False, False),  # Online: readers have it.
        "Critique de Dune": (True, True),
        "Mon portrait": (True, True),
        "Leur entretien": (True, True),
    }
    assert movable(contributor) == {"Mon portrait": (True, True)}


@pytest.mark.parametrize("period", [{"mois": "2026-12"}, {"semaine": "2026-W51"}])
def test_the_help_tells_each_user_what_they_may_move(contributor, editor, period):
    def help_text(user):
        return text(soup(logged_in(user).get(CALENDAR, period)).select_one(".cal-help-drag"))

    assert help_text(editor).startswith("Faites glisser un article programmé, ou un brouillon")
    # A contributor cannot move a scheduled article: she is not told she may.
    assert help_text(contributor).startswith("Faites glisser l’un de vos brouillons qui a une")
    assert "programmé" not in help_text(contributor)


def test_the_calendar_is_linked_from_the_admin_navigation(editor):
    page = soup(logged_in(editor).get(reverse("admin:index")))

    assert page.select_one(f".newsroom-nav a[href='{CALENDAR}']")


def test_a_nonsense_period_shows_this_month(editor):
    response = logged_in(editor).get(CALENDAR, {"mois": "2026-13", "semaine": "demain"})

    assert "décembre 2026" in text(soup(response).select_one("h1"))


def test_the_calendar_costs_the_same_queries_however_many_articles(editor):
    section = make_section()
    authors = [make_author(), make_author()]
    client = logged_in(editor)

    def queries():
        client.get(CALENDAR)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(CALENDAR).status_code == 200
            assert client.get(CALENDAR, {"semaine": "2026-W50"}).status_code == 200
        return len(captured)

    make_article(section=section, authors=authors, published_at=paris(2026, 12, 8, 6))
    few = queries()
    for day in range(1, 29):
        make_article(section=section, authors=authors, published_at=paris(2026, 12, day, 7))
        make_article(
            section=section,
            authors=authors,
            status=Article.Status.DRAFT,
            planned_for=paris(2026, 12, day, 8),
        )
    assert queries() == few
    # Session, user with their permissions, articles, their bylines: each page.
    assert few == 2 * 4


# -- Moving -------------------------------------------------------------------------------


def test_an_editor_reschedules_an_article_without_javascript(editor, newsroom):
    article = newsroom["scheduled"]
    back = f"{CALENDAR}?semaine=2026-W50"

    response = move(logged_in(editor), article, "2026-12-13", "08:15", next=back)

    assert response.redirect_chain == [(back, 302)]
    assert messages_of(response)["success"] == [
        "« Critique de Dune » est programmé pour le 13 décembre 2026 à 8 h 15."
    ]
    article.refresh_from_db()
    assert article.published_at == paris(2026, 12, 13, 8, 15)
    assert article.status == Article.Status.PUBLISHED
    # Logged as the bulk action logs a schedule, and in the article's admin history.
    action = article.actions.get()
    assert (action.kind, action.user, action.detail) == (
        "scheduled",
        editor,
        "2026-12-13 08:15 CET",
    )
    entry = LogEntry.objects.get(object_id=str(article.pk))
    assert entry.user == editor
    assert " ".join(entry.get_change_message().split()) == (
        "« Critique de Dune » est programmé pour le 13 décembre 2026 à 8 h 15."
    )


def test_the_message_names_the_moment_in_french(editor, newsroom):
    response = move(logged_in(editor), newsroom["scheduled"], "2026-12-12", "07:00")

    assert messages_of(response)["success"] == [
        "« Critique de Dune » est programmé pour le 12 décembre 2026 à 7 h 00."
    ]


def test_a_contributor_moves_the_planned_date_of_their_own_draft(contributor, newsroom):
    article = newsroom["mine"]

    response = move(logged_in(contributor), article, "2026-12-18", "10:00")

    assert messages_of(response)["success"] == [
        "« Mon portrait » est prévu pour le 18 décembre 2026 à 10 h 00."
    ]
    article.refresh_from_db()
    assert article.planned_for == paris(2026, 12, 18, 10)
    # Planned, not published: a draft stays a draft.
    assert (article.status, article.published_at) == (Article.Status.DRAFT, None)
    assert LogEntry.objects.filter(object_id=str(article.pk), user=contributor).exists()


def test_a_contributor_cannot_reschedule_a_scheduled_article(contributor, newsroom):
    article = make_article(
        title="Mon article programmé",
        published_at=paris(2026, 12, 12, 7),
        authors=[contributor.author_profile],
    )

    response = move(logged_in(contributor), article, "2026-12-20", "07:00")

    assert messages_of(response)["error"] == [
        "« Mon article programmé » n’a pas été déplacé. Seul un éditeur peut déplacer un "
        "article programmé ; un contributeur peut déplacer la date prévue de ses propres "
        "brouillons."
    ]
    article.refresh_from_db()
    assert article.published_at == paris(2026, 12, 12, 7)
    assert not LogEntry.objects.exists()
    assert not EditorialAction.objects.exists()


def test_a_contributor_cannot_move_someone_elses_draft(contributor, newsroom):
    article = newsroom["theirs"]

    response = logged_in(contributor).post(
        move_url(article), {"day": "2026-12-20", "time": "07:00"}
    )

    # Not theirs to know of: the same answer as for an article that does not exist.
    assert response.status_code == 404
    article.refresh_from_db()
    assert article.planned_for == paris(2026, 12, 16, 18)


def test_an_embargo_shows_on_its_entry(editor, newsroom):
    Article.objects.filter(pk=newsroom["scheduled"].pk).update(embargo_until=paris(2026, 12, 12, 7))

    page = soup(logged_in(editor).get(CALENDAR, {"mois": "2026-12"}))

    assert [text(span) for span in page.select(".cal-embargo")] == [
        "Sous embargo jusqu’au 12 décembre 2026 à 7 h 00"
    ]


def test_a_move_before_the_embargo_ends_is_refused(editor, newsroom):
    article = newsroom["scheduled"]
    Article.objects.filter(pk=article.pk).update(embargo_until=paris(2026, 12, 12, 7))

    response = move(logged_in(editor), article, "2026-12-11", "20:00")

    assert messages_of(response)["error"] == [
        "« Critique de Dune » n’a pas été déplacé. Sous embargo jusqu’au 12 décembre 2026 "
        "à 7 h 00 (heure de Paris) : l’article ne peut être ni publié ni programmé avant."
    ]
    article.refresh_from_db()
    assert article.published_at == paris(2026, 12, 12, 7)
    # At the very minute the embargo ends, or after: allowed.
    response = move(logged_in(editor), article, "2026-12-12", "07:00")
    assert messages_of(response)["success"]


def test_a_planned_draft_cannot_be_planned_before_its_embargo(contributor, newsroom):
    article = newsroom["mine"]
    Article.objects.filter(pk=article.pk).update(embargo_until=paris(2026, 12, 20, 12))

    response = move(logged_in(contributor), article, "2026-12-19", "12:00")

    assert "Sous embargo jusqu’au 20 décembre 2026 à 12 h 00" in messages_of(response)["error"][0]
    article.refresh_from_db()
    assert article.planned_for == paris(2026, 12, 15, 9, 30)


@pytest.mark.parametrize(
    ("day", "time", "said"),
    [
        ("2026-12-05", "07:00", "Cette date est passée : choisissez-en une à venir."),
        ("2026-12-06", "11:59", "Cette date est passée : choisissez-en une à venir."),
        ("2026-12-40", "07:00", "Saisissez une date valide."),
        ("2026-12-12", "", "Ce champ est obligatoire."),
    ],
)
def test_a_move_into_the_past_or_to_no_date_is_refused(editor, newsroom, day, time, said):
    article = newsroom["scheduled"]

    response = move(logged_in(editor), article, day, time)

    errors = messages_of(response)["error"]
    assert len(errors) == 1 and said in errors[0], errors
    article.refresh_from_db()
    assert article.published_at == paris(2026, 12, 12, 7)
    assert not EditorialAction.objects.exists()


def test_a_published_article_stays_where_it_is(editor, newsroom):
    article = newsroom["published"]

    response = move(logged_in(editor), article, "2026-12-20", "07:00")

    assert messages_of(response)["error"] == [
        "« Bilan de Cannes » n’a pas été déplacé. Il est déjà en ligne : modifiez l’article "
        "pour le changer."
    ]
    article.refresh_from_db()
    assert article.published_at == paris(2026, 12, 2, 6)


# -- Daylight saving time in Paris --------------------------------------------------------


@pytest.fixture
def winter_2026(editor):
    """The clock in January 2026, before both changes of the year; a scheduled article."""
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 1, 15, tzinfo=UTC)):
        yield make_article(title="Printemps", published_at=paris(2026, 3, 1, 9))


@pytest.mark.parametrize(
    ("day", "said"),
    [
        (
            "2026-03-29",  # Spring: 2:00 becomes 3:00.
            "« Printemps » n’a pas été déplacé. Le 29 mars 2026 à 2 h 30 n’existe pas à "
            "Paris : cette nuit-là, les horloges avancent d’une heure, de 2 h 00 à 3 h 00. "
            "Choisissez une autre heure.",
        ),
        (
            "2026-10-25",  # Autumn: 3:00 becomes 2:00 again.
            "« Printemps » n’a pas été déplacé. Le 25 octobre 2026 à 2 h 30 a lieu deux fois "
            "à Paris : cette nuit-là, les horloges reculent d’une heure, de 3 h 00 à 2 h 00. "
            "Choisissez une heure avant 2 h 00 ou à partir de 3 h 00.",
        ),
    ],
)
def test_a_move_to_a_time_a_change_of_time_skips_or_repeats_is_refused(
    editor, winter_2026, day, said
):
    response = move(logged_in(editor), winter_2026, day, "02:30")

    assert messages_of(response)["error"] == [said]
    winter_2026.refresh_from_db()
    assert winter_2026.published_at == paris(2026, 3, 1, 9)
    assert not EditorialAction.objects.exists()


def test_a_move_across_a_change_of_time_keeps_the_paris_hour(editor, winter_2026):
    """7 h 00 in Paris is 6:00 UTC in winter and 5:00 UTC in summer."""
    client = logged_in(editor)

    move(client, winter_2026, "2026-03-28", "07:00")
    winter_2026.refresh_from_db()
    assert winter_2026.published_at == datetime(2026, 3, 28, 6, tzinfo=UTC)

    response = move(client, winter_2026, "2026-03-29", "07:00")
    winter_2026.refresh_from_db()
    assert winter_2026.published_at == datetime(2026, 3, 29, 5, tzinfo=UTC)
    assert messages_of(response)["success"] == [
        "« Printemps » est programmé pour le 29 mars 2026 à 7 h 00."
    ]
    assert list(winter_2026.actions.values_list("detail", flat=True)) == [
        "2026-03-29 07:00 CEST",
        "2026-03-28 07:00 CET",
    ]


# -- Around the move ----------------------------------------------------------------------


def test_a_move_from_the_script_answers_json_and_keeps_the_message(editor, newsroom):
    article = newsroom["scheduled"]
    client = logged_in(editor)

    response = client.post(
        move_url(article),
        {"day": "2026-12-14", "time": "07:00"},
        headers={"Accept": "application/json"},
    )

    assert response.json() == {"moved": True}
    # The page the script reloads says what happened.
    assert messages_of(client.get(CALENDAR))["success"] == [
        "« Critique de Dune » est programmé pour le 14 décembre 2026 à 7 h 00."
    ]


def test_a_move_needs_the_csrf_token(editor, newsroom):
    client = logged_in(editor, enforce_csrf_checks=True)

    response = client.post(move_url(newsroom["scheduled"]), {"day": "2026-12-14", "time": "07:00"})

    assert response.status_code == 403


def test_a_move_is_a_post(editor, newsroom):
    assert logged_in(editor).get(move_url(newsroom["scheduled"])).status_code == 405


def test_the_redirect_stays_on_the_calendar(editor, newsroom):
    response = move(
        logged_in(editor),
        newsroom["scheduled"],
        "2026-12-14",
        "07:00",
        next="https://evil.example/",
    )

    assert response.redirect_chain == [(CALENDAR, 302)]


def test_a_rescheduled_article_stamps_the_pages_listing_it(
    editor, newsroom, settings, django_capture_on_commit_callbacks
):
    settings.PAGECACHE_PURGE_BACKENDS = {
        "default": {"BACKEND": "pagecache.purge.RecordingPurgeBackend"}
    }
    RecordingPurgeBackend.purged.clear()
    article = newsroom["scheduled"]

    with django_capture_on_commit_callbacks(execute=True):
        move(logged_in(editor), article, "2026-12-14", "07:00")

    purged = set().union(*RecordingPurgeBackend.purged)
    RecordingPurgeBackend.purged.clear()
    assert {key_for(article), list_key(Article)} <= purged


def test_the_article_form_offers_the_planned_date_to_its_writer(contributor, newsroom):
    page = soup(
        logged_in(contributor).get(
            reverse("admin:articles_article_change", args=[newsroom["mine"].pk])
        )
    )

    assert page.select_one("input[name='planned_for_0']")
    assert "Date prévue" in text(page.select_one(".field-planned_for"))


def test_a_member_without_articles_cannot_open_the_calendar(db):
    user = make_member("Administrateur", "dominique")
    user.groups.clear()

    assert logged_in(user).get(CALENDAR).status_code == 403
