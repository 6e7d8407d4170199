"""
The newsroom's calendar in a real browser: an editor drags a scheduled article
to another day and hour, under the site's CSP, and the month and the week are
usable on a laptop and on a phone.
"""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.axe import WCAG_22, serious_violations_at
from tests.browser.login import log_in_by_cookie
from tests.browser.test_newsroom_browser import watch
from tests.browser.test_reading import keep_screenshot
from tests.factories import EDITOR, make_article, make_member, make_section

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def paris(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def week(live_server, transactional_db):
    """Next week, with a scheduled article on its Monday at 9 h 00 and a few others around."""
    editor = make_member(EDITOR, "ines")
    editor.set_password("pw")
    editor.save()
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    section = make_section()
    article = make_article(title="Critique de Dune", published_at=paris(monday, 9), section=section)
    make_article(
        title="Entretien avec la réalisatrice",
        status=Article.Status.DRAFT,
        published_at=None,
        planned_for=paris(monday + timedelta(days=2), 14, 30),
        section=section,
    )
    make_article(
        title="Le box-office du week-end",
        status=Article.Status.REVIEW,
        published_at=None,
        planned_for=paris(monday + timedelta(days=4), 18),
        section=section,
    )
    make_article(title="Bilan de Cannes", published_at=paris(today, 6), section=section)
    return live_server.url, monday, article


def log_in(page, origin):
    log_in_by_cookie(page.context, origin, "ines")
    page.goto(f"{origin}{reverse('admin:index')}")


def test_an_editor_drags_a_scheduled_article_to_another_day_and_hour(week, chromium, tmp_path):
    origin, monday, article = week
    tuesday = monday + timedelta(days=1)
    context = chromium.new_context(viewport=LAPTOP, locale="fr-FR")
    page = context.new_page()
    errors, _requests = watch(page)
    log_in(page, origin)
    iso_year, number, _day = monday.isocalendar()
    page.goto(f"{origin}{reverse('admin:calendar')}?semaine={iso_year}-W{number:02d}")

    entry = page.locator(".cal-entry", has_text="Critique de Dune")
    target = page.locator(f".cal-slot[data-day='{tuesday:%Y-%m-%d}'][data-time='07:00']")
    entry.drag_to(target)

    expect(page.locator(".messagelist .success")).to_contain_text(
        "« Critique de Dune » est programmé pour le"
    )
    expect(target.locator(".cal-entry")).to_contain_text("Critique de Dune")
    expect(target.locator(".cal-entry time")).to_have_text("7\u00a0h\u00a000")
    article.refresh_from_db()
    assert article.published_at == paris(tuesday, 7)
    assert errors == []
    context.close()


def test_the_calendar_on_a_laptop_and_a_phone(week, chromium):
    origin, monday, _article = week
    iso_year, number, _day = monday.isocalendar()
    views = {
        "month": f"?mois={monday:%Y-%m}",
        "week": f"?semaine={iso_year}-W{number:02d}",
    }
    for size, viewport in {"1366": LAPTOP, "390": PHONE}.items():
        context = chromium.new_context(viewport=viewport, locale="fr-FR")
        page = context.new_page()
        errors, _requests = watch(page)
        log_in(page, origin)
        for name, query in views.items():
            page.goto(f"{origin}{reverse('admin:calendar')}{query}")
            expect(page.locator(".cal-entry", has_text="Critique de Dune")).to_be_visible()
            # Nothing wider than the screen: no sideways scrolling on a phone.
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (name, size, width)
            # One entry's own form open, to see that it fits its day.
            page.locator(".cal-entry", has_text="Critique de Dune").locator("summary").click()
            keep_screenshot(page, f"calendar-{name}-{size}.png", full_page=True)
        assert errors == []
        context.close()


def test_the_calendar_has_no_serious_accessibility_violation(week, chromium, axe_js):
    origin, monday, _article = week
    iso_year, number, _day = monday.isocalendar()
    # axe is injected as an inline script, which our own CSP rightly forbids.
    context = chromium.new_context(viewport=LAPTOP, locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    log_in(page, origin)
    axe_source = axe_js.read_text()
    problems = []
    for query in (f"?mois={monday:%Y-%m}", f"?semaine={iso_year}-W{number:02d}"):
        page.goto(f"{origin}{reverse('admin:calendar')}{query}")
        # With WCAG 2.2's target size: on a phone an entry's title and « Déplacer… » touch.
        problems += serious_violations_at(
            page, axe_source, query, (LAPTOP, PHONE), scope="#content", rules=WCAG_22
        )
    context.close()
    assert not problems, "\n".join(problems)


def open_week(page, origin, monday):
    iso_year, number, _day = monday.isocalendar()
    page.goto(f"{origin}{reverse('admin:calendar')}?semaine={iso_year}-W{number:02d}")


def hour_row(page, day, hour):
    return page.locator(f".cal-slot[data-day='{day:%Y-%m-%d}'][data-time='{hour:02d}:00']")


def first_hour_in_sight(page, day):
    """The hour whose row starts where the days' headings end, in the week's scrolling box."""
    box = page.locator(".cal-week").bounding_box()
    under_headings = box["y"] + page.locator(".cal-week .cal-date").first.bounding_box()["height"]
    for hour in range(24):
        if abs(hour_row(page, day, hour).bounding_box()["y"] - under_headings) <= 2:
            return hour
    return None


def test_the_week_opens_on_the_working_day_on_a_laptop(week, chromium):
    origin, monday, _article = week
    context = chromium.new_context(viewport=LAPTOP, locale="fr-FR")
    page = context.new_page()
    log_in(page, origin)
    open_week(page, origin, monday)

    expect(page.locator(".cal-week")).not_to_have_js_property("scrollTop", 0)
    assert first_hour_in_sight(page, monday) == 6
    # The night is one scroll up, within the week: the days' headings stay in sight.
    page.locator(".cal-week").evaluate("week => { week.scrollTop = 0; }")
    assert first_hour_in_sight(page, monday) == 0
    expect(page.locator(".cal-week .cal-date").first).to_be_in_viewport()
    context.close()


@pytest.fixture
def early_week(week):
    """The week after, with a draft planned for its Thursday at 4 h 00."""
    origin, monday, _article = week
    following = monday + timedelta(days=7)
    make_article(
        title="Les Césars, la liste",
        status=Article.Status.DRAFT,
        published_at=None,
        planned_for=paris(following + timedelta(days=3), 4),
    )
    return origin, following


def test_the_week_opens_on_an_article_planned_before_the_working_day(early_week, chromium):
    origin, monday = early_week
    context = chromium.new_context(viewport=LAPTOP, locale="fr-FR")
    page = context.new_page()
    log_in(page, origin)
    open_week(page, origin, monday)

    expect(page.locator(".cal-entry", has_text="Les Césars, la liste")).to_be_in_viewport()
    assert first_hour_in_sight(page, monday) == 4
    context.close()


def test_an_editor_moves_an_article_with_its_form_without_javascript(week, chromium):
    origin, monday, article = week
    tuesday = monday + timedelta(days=1)
    context = chromium.new_context(viewport=LAPTOP, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    log_in(page, origin)
    open_week(page, origin, monday)

    entry = page.locator(".cal-entry", has_text="Critique de Dune")
    entry.locator("summary").click()
    entry.get_by_label("Jour").fill(f"{tuesday:%Y-%m-%d}")
    entry.get_by_label("Heure (Paris)").fill("07:00")
    entry.locator("button[type=submit]").click()

    expect(page.locator(".messagelist .success")).to_contain_text(
        "« Critique de Dune » est programmé pour le"
    )
    expect(hour_row(page, tuesday, 7).locator(".cal-entry")).to_contain_text("Critique de Dune")
    article.refresh_from_db()
    assert article.published_at == paris(tuesday, 7)
    context.close()
