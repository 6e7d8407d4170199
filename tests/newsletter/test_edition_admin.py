"""Composing, previewing, testing and sending an edition in the admin, per role."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from newsletter.models import Delivery, Edition, Letter, Subscription
from tests.factories import (
    logged_in,
    make_article,
    make_section,
)
from tests.newsletter.editions import daily_letter, make_edition, make_subscriber
from tests.pages import count_queries, soup, text

pytestmark = pytest.mark.django_db


def change_url(edition):
    return reverse("admin:newsletter_edition_change", args=[edition.pk])


def form_data(edition, articles=None, **overrides):
    """
    The edition's form as its page posts it: its rows as they are, or ``articles`` in
    that order (each row kept where it holds one of them, added otherwise).
    """
    items = list(edition.items.all()) if edition.pk else []
    data = {
        "letter": edition.letter.pk,
        "subject": edition.subject,
        "intro": edition.intro,
        "items-INITIAL_FORMS": len(items),
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 12,
    }
    held = {item.article_id: item for item in items}
    wanted = [item.article for item in items] if articles is None else list(articles)
    rows = [held.pop(article.pk, None) for article in wanted]
    # The rows kept first, as the page lists them; those left out are deleted.
    kept = [(item, article) for item, article in zip(rows, wanted, strict=True) if item]
    added = [(None, article) for item, article in zip(rows, wanted, strict=True) if not item]
    removed = [(item, item.article) for item in held.values()]
    for index, (item, article) in enumerate([*kept, *removed, *added]):
        prefix = f"items-{index}-"
        data[f"{prefix}position"] = wanted.index(article) if article in wanted else 0
        data[f"{prefix}article"] = article.pk
        data[f"{prefix}edition"] = edition.pk or ""
        if item is not None:
            data[f"{prefix}id"] = item.pk
        if item is not None and article not in wanted:
            data[f"{prefix}DELETE"] = "on"
    data["items-TOTAL_FORMS"] = len(kept) + len(removed) + len(added)
    data.update(overrides)
    return data


def subscribed(letter, **overrides):
    subscriber = make_subscriber(confirmed_at=timezone.now(), **overrides)
    Subscription.objects.create(
        subscriber=subscriber, letter=letter, consented_at=timezone.now(), consent_text="Oui."
    )
    return subscriber


@pytest.mark.parametrize(
    ("url_name", "contributor_sees", "editor_sees", "administrator_sees"),
    [
        ("admin:newsletter_edition_changelist", False, True, True),
        ("admin:newsletter_edition_add", False, True, True),
        ("admin:newsletter_letter_changelist", False, True, True),
        ("admin:newsletter_subscriber_changelist", False, False, True),
        ("admin:newsletter_suppression_changelist", False, False, True),
        ("admin:newsletter_suppression_add", False, False, True),
    ],
)
def test_who_sees_what(
    url_name, contributor_sees, editor_sees, administrator_sees, contributor, editor, administrator
):
    for user, sees in [
        (contributor, contributor_sees),
        (editor, editor_sees),
        (administrator, administrator_sees),
    ]:
        status = logged_in(user).get(reverse(url_name)).status_code
        assert status == (200 if sees else 403), (user.username, status)


def test_editors_read_letters_and_change_none(editor):
    letter = daily_letter()
    response = logged_in(editor).post(
        reverse("admin:newsletter_letter_change", args=[letter.pk]),
        {"name": "Renommée", "slug": letter.slug, "kind": "daily", "position": 1},
    )
    assert response.status_code == 403
    assert Letter.objects.get(pk=letter.pk).name == "La Quotidienne"


def test_contributors_cannot_preview_test_or_send(contributor, smtp_server):
    edition = make_edition(make_article())
    subscribed(edition.letter)
    client = logged_in(contributor)
    for name in ["preview", "message", "progress", "send"]:
        url = reverse(f"admin:newsletter_edition_{name}", args=[edition.pk])
        assert client.get(url).status_code == 403
    assert client.post(reverse("admin:newsletter_edition_send", args=[edition.pk]), {"now": "1"})
    assert client.post(change_url(edition), form_data(edition, _test="1")).status_code == 403
    assert not Delivery.objects.exists()
    assert smtp_server.messages == []


def test_a_new_edition_fills_itself_with_its_letter_s_latest_articles(editor):
    section = make_section(name="Critiques", slug="critiques")
    letter = Letter.objects.create(name="Les critiques", slug="les-critiques", kind="weekly")
    letter.section = section
    letter.save()
    now = timezone.now()
    older, newer = (
        make_article(
            title=f"Critique {n}", section=section, published_at=now - datetime.timedelta(hours=n)
        )
        for n in (3, 2)
    )
    make_article(title="Hors rubrique")
    make_article(title="Brouillon", section=section, status=Article.Status.DRAFT)
    sent = make_article(title="Déjà envoyée", section=section)
    make_edition(sent, letter=letter, status=Edition.Status.SENT)

    response = logged_in(editor).post(
        reverse("admin:newsletter_edition_add"),
        form_data(Edition(letter=letter, subject="Cette semaine"), intro="Bonne lecture !"),
    )

    edition = Edition.objects.get(subject="Cette semaine")
    assert response.status_code == 302
    assert response["Location"] == change_url(edition)
    assert edition.created_by == editor
    assert [item.article for item in edition.items.all()] == [newer, older]


def test_the_edition_page_reorders_and_refuses_a_draft(editor):
    first, second = make_article(title="Premier"), make_article(title="Second")
    draft = make_article(title="Brouillon", status=Article.Status.DRAFT)
    edition = make_edition(first, second)
    client = logged_in(editor)

    response = client.post(change_url(edition), form_data(edition, [second, first]))
    assert response.status_code == 302
    assert [item.article for item in edition.items.all()] == [second, first]

    response = client.post(change_url(edition), form_data(edition, [second, first, draft]))
    assert response.status_code == 200
    assert "Seul un article publié peut figurer" in text(soup(response).select_one(".errorlist"))


def test_edition_change_page_costs_a_fixed_number_of_queries(editor):
    """A full edition costs what an edition of one article does: no query per row."""
    edition = make_edition(*(make_article() for _ in range(12)), intro="Bonjour.")
    client = logged_in(editor)
    queries = count_queries(client, change_url(edition))
    # The session and its user, the edition, its rows with their articles, the letters.
    assert queries == 5
    one_more = make_edition(make_article())
    assert count_queries(client, change_url(one_more)) == queries


def test_send_me_a_test(editor, smtp_server):
    editor.email = "ines@screenmania.example"
    editor.save()
    edition = make_edition(make_article(title="Au festival"), subject="Ce matin")
    subscribed(edition.letter)

    response = logged_in(editor).post(
        change_url(edition), form_data(edition, _test="1"), follow=True
    )

    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "ines@screenmania.example"
    assert message["Subject"] == "[Test] Ce matin"
    assert "Au festival" in message.get_body(preferencelist=("plain",)).get_content()
    assert "Test envoyé à ines@screenmania.example" in text(
        soup(response).select_one(".messagelist")
    )
    # A test is no sending: nobody else received anything, and it is still a draft.
    assert Edition.objects.get(pk=edition.pk).status == Edition.Status.DRAFT
    assert not Delivery.objects.exists()


def test_send_now_reaches_the_confirmed_readers_and_freezes_the_edition(editor):
    edition = make_edition(make_article())
    reader = subscribed(edition.letter)
    make_subscriber(email="pas-confirme@example.org")
    client = logged_in(editor)

    page = soup(client.get(reverse("admin:newsletter_edition_send", args=[edition.pk])))
    assert "va à 1 lecteur" in text(page.select_one(".edition-send__audience"))

    response = client.post(
        reverse("admin:newsletter_edition_send", args=[edition.pk]), {"now": "1"}
    )
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENDING
    assert [delivery.subscriber for delivery in edition.deliveries.all()] == [reader]
    # What readers received is no longer changed, nor deleted, nor sent again.
    assert client.post(change_url(edition), form_data(edition, subject="Autre")).status_code == 403
    assert (
        client.post(
            reverse("admin:newsletter_edition_delete", args=[edition.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    client.post(
        reverse("admin:newsletter_edition_changelist"),
        {"action": "delete_selected", "_selected_action": [edition.pk], "post": "yes"},
    )
    assert Edition.objects.filter(pk=edition.pk).exists()
    client.post(reverse("admin:newsletter_edition_send", args=[edition.pk]), {"now": "1"})
    assert edition.deliveries.count() == 1
    page = soup(client.get(change_url(edition)))
    assert "0 sur 1 lecteur" in text(page.select_one("[role=status]"))


def test_schedule_at_a_time_in_paris(editor):
    edition = make_edition(make_article())
    client = logged_in(editor)
    url = reverse("admin:newsletter_edition_send", args=[edition.pk])

    past = client.post(url, {"later": "1", "send_at": "2020-01-01T07:00"})
    assert "Ce moment est passé" in text(soup(past).select_one(".errorlist"))

    day = timezone.localdate() + datetime.timedelta(days=2)
    response = client.post(url, {"later": "1", "send_at": f"{day.isoformat()}T07:30"})
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SCHEDULED
    paris = datetime.timezone(datetime.timedelta(hours=1 if day.month in (11, 12, 1, 2) else 2))
    assert edition.send_at == datetime.datetime.combine(day, datetime.time(7, 30), paris)


def test_a_scheduled_edition_is_called_back_to_a_draft(editor, contributor):
    edition = make_edition(make_article())
    subscribed(edition.letter)
    client = logged_in(editor)
    day = timezone.localdate() + datetime.timedelta(days=2)
    client.post(
        reverse("admin:newsletter_edition_send", args=[edition.pk]),
        {"later": "1", "send_at": f"{day.isoformat()}T07:30"},
    )
    page = soup(client.get(change_url(edition)))
    button = page.select_one("button[formaction$='/unschedule/']")
    assert text(button) == "Annuler l’envoi : revenir au brouillon"
    unschedule = button["formaction"]

    assert logged_in(contributor).post(unschedule).status_code == 403
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SCHEDULED

    response = client.post(unschedule, follow=True)
    assert "ne partira pas : c’est de nouveau un brouillon" in text(soup(response))
    edition.refresh_from_db()
    assert (edition.status, edition.send_at) == (Edition.Status.DRAFT, None)
    # Its time comes: the task queued for it finds a draft and sends nothing.
    assert not edition.deliveries.exists()


def test_an_edition_already_going_out_cannot_be_called_back(editor):
    edition = make_edition(make_article())
    subscribed(edition.letter)
    client = logged_in(editor)
    client.post(reverse("admin:newsletter_edition_send", args=[edition.pk]), {"now": "1"})

    response = client.post(
        reverse("admin:newsletter_edition_unschedule", args=[edition.pk]), follow=True
    )
    assert "Trop tard pour annuler" in text(soup(response))
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENDING


def test_preview_frames_the_message_at_a_phone_s_width(editor):
    edition = make_edition(make_article(title="Au festival"))
    client = logged_in(editor)

    page = client.get(reverse("admin:newsletter_edition_preview", args=[edition.pk]))
    frame = soup(page).select_one("iframe.edition-preview__phone")
    (frames,) = [
        directive
        for directive in page["Content-Security-Policy"].split("; ")
        if directive.startswith("frame-src ")
    ]
    assert "'self'" in frames.split()

    message = client.get(frame["src"])
    assert message.status_code == 200
    assert "Au festival" in message.content.decode()
    policy = message["Content-Security-Policy"]
    assert "script-src 'none'" in policy
    assert "style-src 'unsafe-inline'" in policy
    assert "frame-ancestors 'self'" in policy
    assert "sandbox" in policy
    assert message["X-Frame-Options"] == "SAMEORIGIN"
