"""
The newsroom's whole path in a real browser: a contributor submits, an editor
previews and schedules, and a reader finds the article at the time set, not before.

What the test reads back while Chromium runs is read in a thread of its own, which
closes its connection: on PostgreSQL, a connection left open by the test's
own thread would stop the teardown from dropping the test database.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, EditorialAction
from tests.browser.login import log_in_by_cookie
from tests.browser.test_newsroom_browser import show_markdown
from tests.factories import CONTRIBUTOR, EDITOR, make_member, make_section

pytestmark = pytest.mark.browser

PARIS = ZoneInfo("Europe/Paris")
PASSWORD = "mot-de-passe-de-test"
TITLE = "Les nuits blanches du festival de La Rochelle"
STANDFIRST = "Dix jours de films, de rencontres et de séances à minuit."
HEADING = "Une programmation sans frontières"
BODY = f"Le festival ouvre ses portes.\n\n## {HEADING}\n\nTrois cents films, dont vingt inédits."
CHANGELIST = reverse("admin:articles_article_changelist")


def read_db(query):
    """``query()`` run in a thread of its own, whose connections are closed afterwards."""

    def run():
        try:
            return query()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def stored_article():
    return read_db(
        lambda: (
            Article.objects.filter(title=TITLE).values("pk", "slug", "status", "published_at").get()
        )
    )


def article_authors(pk):
    return read_db(
        lambda: list(Article.objects.get(pk=pk).authors.values_list("user__username", flat=True))
    )


@pytest.fixture
def newsroom(live_server, transactional_db):
    for role, username in ((CONTRIBUTOR, "camille"), (EDITOR, "ines")):
        user = make_member(role, username)
        user.set_password(PASSWORD)
        user.save()
    section = make_section(name="Festivals", slug="festivals")
    return live_server.url, section


def log_in(page, origin, username, next_url):
    log_in_by_cookie(page.context, origin, username)
    page.goto(f"{origin}{next_url}")


def assert_hidden_from_readers(page, origin, article_path):
    response = page.goto(origin + article_path)
    assert response.status == 404
    page.goto(origin + "/")
    expect(page.locator(f"a[href$='{article_path}']")).to_have_count(0)


def contributor_submits(browser, origin, section):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    log_in(page, origin, "camille", CHANGELIST)
    page.get_by_role("link", name="Nouvel article").click()
    page.wait_for_url(f"{origin}{reverse('admin:articles_article_add')}")

    page.fill("#id_title", TITLE)
    page.fill("#id_standfirst", STANDFIRST)
    show_markdown(page)
    page.fill("#id_body", BODY)
    page.select_option("#id_section", label=section.name)
    buttons = page.locator(".publishing-panel button")
    expect(buttons).to_have_text(["Enregistrer le brouillon", "Soumettre à la relecture"])
    expect(page.locator("[name^=published_at], [name^=scheduled_for]")).to_have_count(0)
    page.get_by_role("button", name="Soumettre à la relecture").click()
    page.wait_for_load_state("load")
    expect(page.locator(".messagelist .success")).to_contain_text(TITLE)
    expect(page.locator(".messagelist .success")).to_contain_text("est soumis à la relecture")
    expect(page.locator(".publishing-state")).to_contain_text("En relecture")
    context.close()

    article = stored_article()
    assert article["status"] == Article.Status.REVIEW
    assert article["published_at"] is None
    assert article_authors(article["pk"]) == ["camille"]
    return article


def editor_previews(browser, origin, article):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    log_in(page, origin, "ines", CHANGELIST)
    row = page.locator("#result_list tbody tr", has_text=TITLE)
    expect(row).to_contain_text("En relecture")
    row.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"{origin}{reverse('admin:articles_article_change', args=[article['pk']])}")

    with context.expect_page() as new_tab:
        page.get_by_role("link", name="Prévisualiser", exact=True).click()
    preview = new_tab.value
    preview.wait_for_load_state("load")
    expect(preview.locator(".preview-banner__title")).to_have_text(
        "Aperçu — cet article n’est pas publié"
    )
    expect(preview.locator("h1")).to_have_text(TITLE)
    expect(preview.locator("h2", has_text=HEADING)).to_be_visible()
    preview.close()
    return context, page


def editor_schedules(page, origin):
    page.goto(origin + CHANGELIST)
    row = page.locator("#result_list tbody tr", has_text=TITLE)
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", label="Programmer…")
    typed = (datetime.now(PARIS) + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M")
    page.fill("input[name=publish_at]", typed)
    page.click("button[name=index]")
    expect(page.locator(".messagelist .success")).to_have_text("1 article programmé.")
    expect(row).to_contain_text("Programmé pour le")

    when = datetime.strptime(typed, "%Y-%m-%dT%H:%M").replace(tzinfo=PARIS)
    assert stored_article()["published_at"] == when
    return when


def reader_reads_at_the_time(browser, origin, article_path, when):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    assert_hidden_from_readers(page, origin, article_path)

    # The live server runs in this process: moving the clock here moves its clock.
    real_now = timezone.now
    offset = when + timedelta(seconds=1) - real_now()
    with mock.patch("django.utils.timezone.now", new=lambda: real_now() + offset):
        response = page.goto(origin + article_path)
        assert response.status == 200
        expect(page.locator("main h1")).to_have_text(TITLE)
        page.goto(origin + "/")
        expect(page.locator(f"a[href$='{article_path}']").first).to_be_visible()
    context.close()


def logged_actions(pk):
    return read_db(
        lambda: list(
            EditorialAction.objects.filter(article_id=pk)
            .order_by("at", "id")
            .values_list("kind", "user__username")
        )
    )


def test_contributor_submits_editor_schedules_reader_reads_at_the_time(newsroom, chromium):
    origin, section = newsroom

    article = contributor_submits(chromium, origin, section)
    article_path = reverse("articles:detail", kwargs={"slug": article["slug"]})
    reader = chromium.new_context(locale="fr-FR")
    assert_hidden_from_readers(reader.new_page(), origin, article_path)
    reader.close()

    editor, page = editor_previews(chromium, origin, article)
    when = editor_schedules(page, origin)
    editor.close()

    reader_reads_at_the_time(chromium, origin, article_path, when)

    assert logged_actions(article["pk"]) == [
        (EditorialAction.Kind.SUBMITTED, "camille"),
        (EditorialAction.Kind.SCHEDULED, "ines"),
    ]
