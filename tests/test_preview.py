"""
Previews: an editor reads a draft from the admin, and someone without an
account through a signed, expiring, revocable link. Neither page is cached,
indexed, nor gives its address away.
"""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, pgettext

from articles.models import Article, PreviewLink
from markup.formats import long_date
from newsroom.preview import token_for
from tests.factories import (
    EDITOR,
    ensure_starting_data,
    logged_in,
    make_article,
    make_author,
    make_image,
)
from tests.pages import soup, text

pytestmark = pytest.mark.django_db


def french(message, values=None):
    """A message as a reader sees it, spaces folded as tests.pages.text() folds them."""
    with translation.override("fr"):
        translated = gettext(message) if values is None else gettext(message) % values
    return " ".join(translated.split())


def paris_date_and_time(moment):
    """A date and time as the banner writes them, in French and in Paris time."""
    with translation.override("fr"):
        local = timezone.localtime(moment)
        return {"date": long_date(local), "time": formats.time_format(local, "TIME_FORMAT")}


@pytest.fixture
def draft():
    return make_article(
        title="Le prochain film de Céline Sciamma",
        standfirst="La cinéaste tourne cet été en Bretagne.",
        body="## Un tournage discret\n\nL'équipe reste muette.",
        status=Article.Status.DRAFT,
        published_at=None,
    )


def staff_preview_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


def links_url(article):
    return reverse("admin:articles_article_preview_links", args=[article.pk])


def create_url(article):
    return reverse("admin:articles_article_preview_link_create", args=[article.pk])


def revoke_url(link):
    return reverse("admin:articles_article_preview_link_revoke", args=[link.article_id, link.pk])


def link_for(article, *, expires_in=timedelta(hours=24), **fields):
    return PreviewLink.objects.create(
        article=article, expires_at=timezone.now() + expires_in, **fields
    )


def public_url(link):
    return reverse("newsroom:preview", kwargs={"token": token_for(link)})


def count_queries(url):
    client = Client()
    # The first request fills Django's content-type cache, which taggit needs.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def banner_title(page):
    return text(page.select_one(".preview-banner__title"))


def assert_private(response):
    """Not stored by any cache, not indexed, and no Referer carrying the address away."""
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"


def assert_noindex_meta(page):
    robots = page.select_one('meta[name="robots"]')
    assert robots is not None and robots["content"] == "noindex, nofollow"


# Staff preview, from the admin


def test_editor_previews_a_draft_as_the_public_page_will_show_it(editor, draft):
    response = logged_in(editor).get(staff_preview_url(draft))

    page = soup(response)
    assert_private(response)
    assert_noindex_meta(page)
    assert banner_title(page) == french("Preview — this article is not published")
    assert text(page.select_one("h1.article-title")) == draft.title
    assert text(page.select_one(".standfirst")) == draft.standfirst
    assert text(page.select_one(".article-body h2")) == "Un tournage discret"
    back = page.select_one(".preview-banner a")
    assert back["href"] == reverse("admin:articles_article_change", args=[draft.pk])


def test_staff_preview_of_a_scheduled_article_says_when_it_goes_online(editor):
    article = make_article(
        status=Article.Status.PUBLISHED, published_at=timezone.now() + timedelta(days=3)
    )

    page = soup(logged_in(editor).get(staff_preview_url(article)))

    assert banner_title(page) == french(
        "Preview — this article is scheduled for %(date)s at %(time)s",
        paris_date_and_time(article.published_at),
    )


def test_staff_preview_of_a_published_article_links_to_the_public_page(editor):
    article = make_article()

    page = soup(logged_in(editor).get(staff_preview_url(article)))

    assert banner_title(page) == french("Preview — this article is published")
    assert page.select_one(f'.preview-banner a[href="{article.get_absolute_url()}"]') is not None


def test_anonymous_visitor_is_sent_to_the_admin_login(draft):
    response = Client().get(staff_preview_url(draft))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_contributor_cannot_preview_a_colleagues_draft(contributor, draft):
    response = logged_in(contributor).get(staff_preview_url(draft))

    assert response.status_code == 403


def test_staff_without_any_article_permission_cannot_preview(draft):
    intern = User.objects.create_user("intern", password="pw", is_staff=True)

    response = logged_in(intern).get(staff_preview_url(draft))

    assert response.status_code == 403


def test_contributor_previews_their_own_draft(contributor):
    article = make_article(
        authors=[contributor.author_profile], status=Article.Status.DRAFT, published_at=None
    )

    response = logged_in(contributor).get(staff_preview_url(article))

    assert banner_title(soup(response)) == french("Preview — this article is not published")


def test_staff_preview_of_a_missing_article_is_not_found(editor):
    response = logged_in(editor).get(reverse("admin:articles_article_preview", args=["999999"]))

    assert response.status_code == 404


def test_public_page_of_a_draft_stays_not_found(draft):
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_change_page_offers_the_preview_and_the_preview_links(editor, draft):
    page = soup(logged_in(editor).get(reverse("admin:articles_article_change", args=[draft.pk])))

    tools = {a["href"]: text(a) for a in page.select(".object-tools a")}
    with translation.override("fr"):
        preview_label = pgettext("verb", "Preview")
    assert tools[staff_preview_url(draft)] == preview_label
    assert tools[links_url(draft)] == french("Preview links")


def test_change_page_offers_no_preview_links_to_a_contributor(contributor):
    article = make_article(
        authors=[contributor.author_profile], status=Article.Status.DRAFT, published_at=None
    )

    page = soup(
        logged_in(contributor).get(reverse("admin:articles_article_change", args=[article.pk]))
    )

    hrefs = {a["href"] for a in page.select(".object-tools a")}
    assert staff_preview_url(article) in hrefs
    assert links_url(article) not in hrefs


# Preview links, for readers without an account


def test_preview_link_shows_the_draft_to_someone_without_an_account(draft):
    link = link_for(draft)

    response = Client().get(public_url(link))

    page = soup(response)
    assert text(page.select_one("h1.article-title")) == draft.title
    assert text(page.select_one(".article-body h2")) == "Un tournage discret"
    assert banner_title(page) == french("Preview — this article is not published")
    assert french(
        "This link was sent to you for a read before publication. It works until %(date)s at "
        "%(time)s: please do not pass it on.",
        paris_date_and_time(link.expires_at),
    ) in text(page.select_one(".preview-banner"))
    assert_private(response)
    assert_noindex_meta(page)


def test_preview_link_page_sets_no_cookie(draft):
    response = Client().get(public_url(link_for(draft)))

    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.get("Vary", "")


def test_preview_link_page_does_not_give_its_token_away(draft):
    link = link_for(draft)
    token = token_for(link)

    page = soup(Client().get(public_url(link)))

    assert page.select_one('link[rel="canonical"]')["href"] == draft.absolute_url
    shared = [a["href"] for a in page.select(".share a")] + [
        button["data-copy-url"] for button in page.select("[data-copy-url]")
    ]
    assert shared
    assert not [url for url in shared if token in url]
    assert not [meta for meta in page.select("meta[content]") if token in meta["content"]]


def test_preview_link_to_a_published_article_shows_the_public_page(editor):
    article = make_article(body="## Sortie\n\nEn salles mercredi.")
    link = link_for(article)

    preview = soup(Client().get(public_url(link)))
    public = soup(Client().get(article.get_absolute_url()))

    assert banner_title(preview) == french("Preview — this article is published")
    assert str(preview.select_one("article.article")) == str(public.select_one("article.article"))


@pytest.mark.usefixtures("page_cache_off")
def test_preview_link_page_costs_one_query_more_than_the_public_page():
    """The link's row; the article itself is read with the public page's queries."""
    article = make_article(
        authors=[make_author(), make_author()],
        tags=["cannes", "palme"],
        featured_image=make_image(),
    )
    make_article(tags=["cannes"])
    link = link_for(article)

    public = count_queries(article.get_absolute_url())
    preview = count_queries(public_url(link))

    # One more for the link's row, one fewer for the letters of the newsletter's form,
    # which a preview leaves out: nobody subscribes from an unpublished article.
    assert preview == public + 1 - 1


def test_expired_preview_link_is_gone(draft):
    link = link_for(draft, expires_in=-timedelta(minutes=1))

    response = Client().get(public_url(link))

    assert response.status_code == 410
    page = response.content.decode()
    assert french("This preview link has expired.") in page
    assert (
        french(
            "If you still need to read the article before it is published, "
            "ask the newsroom for a new link."
        )
        in page
    )
    assert draft.title not in page
    assert_private(response)
    assert not response.cookies


def test_revoked_preview_link_is_gone(draft):
    link = link_for(draft, revoked_at=timezone.now())

    response = Client().get(public_url(link))

    assert response.status_code == 410
    assert french("This preview link was revoked.") in response.content.decode()
    assert draft.title not in response.content.decode()


def test_tampered_preview_link_is_not_found(draft):
    token = token_for(link_for(draft))
    last = token[-1]
    tampered = token[:-1] + ("A" if last != "A" else "B")

    response = Client().get(reverse("newsroom:preview", kwargs={"token": tampered}))

    assert response.status_code == 404


def test_preview_link_to_another_id_is_not_found(draft):
    link = link_for(draft)
    other = link_for(make_article(status=Article.Status.DRAFT, published_at=None))
    signature = token_for(link).split(":")[1]
    forged = token_for(other).split(":")[0] + ":" + signature

    response = Client().get(reverse("newsroom:preview", kwargs={"token": forged}))

    assert response.status_code == 404


def test_value_signed_for_another_purpose_is_no_preview_link(draft):
    link = link_for(draft)
    token = signing.Signer(salt="something.else").sign_object(link.pk)

    response = Client().get(reverse("newsroom:preview", kwargs={"token": token}))

    assert response.status_code == 404


def test_link_to_a_deleted_row_is_not_found(draft):
    link = link_for(draft)
    url = public_url(link)
    link.delete()

    assert Client().get(url).status_code == 404


def test_english_preview_link_works_too(draft):
    url = "/en" + public_url(link_for(draft))

    assert Client().get(url).status_code == 200


# Creating and revoking links in the admin


def test_editor_creates_a_preview_link_that_works_for_an_hour(editor, draft):
    client = logged_in(editor, enforce_csrf_checks=True)
    page = soup(client.get(links_url(draft)))
    csrf = page.select_one(f'form[action="{create_url(draft)}"] [name=csrfmiddlewaretoken]')
    assert page.select_one("select[name=valid_for] option[selected]")["value"] == "24"

    before = timezone.now()
    response = client.post(
        create_url(draft), {"valid_for": "1", "csrfmiddlewaretoken": csrf["value"]}
    )

    link = PreviewLink.objects.get(article=draft)
    assert response.status_code == 302
    assert response["Location"] == f"{links_url(draft)}#preview-link-{link.pk}"
    assert link.created_by == editor
    assert before + timedelta(hours=1) <= link.expires_at <= timezone.now() + timedelta(hours=1)
    assert LogEntry.objects.filter(object_id=str(draft.pk), user=editor).exists()

    listed = soup(client.get(links_url(draft)))
    address = listed.select_one(f"#preview-link-{link.pk} input.preview-link-url")["value"]
    assert address.endswith(public_url(link))
    assert Client().get(public_url(link)).status_code == 200


def test_creating_a_link_needs_a_post(editor, draft):
    response = logged_in(editor).get(create_url(draft))

    assert response.status_code == 405
    assert not PreviewLink.objects.exists()


def test_creating_a_link_needs_the_csrf_token(editor, draft):
    client = logged_in(editor, enforce_csrf_checks=True)

    response = client.post(create_url(draft), {"valid_for": "24"})

    assert response.status_code == 403
    assert not PreviewLink.objects.exists()


def test_creating_a_link_refuses_an_expiry_not_offered(editor, draft):
    logged_in(editor).post(create_url(draft), {"valid_for": "8760"})

    assert not PreviewLink.objects.exists()


def test_contributor_cannot_create_a_preview_link_even_for_their_draft(contributor):
    article = make_article(
        authors=[contributor.author_profile], status=Article.Status.DRAFT, published_at=None
    )
    client = logged_in(contributor)

    assert client.post(create_url(article), {"valid_for": "24"}).status_code == 403
    assert client.get(links_url(article)).status_code == 403
    assert not PreviewLink.objects.exists()


def test_creating_a_link_needs_the_right_to_change_the_article(draft):
    ensure_starting_data()  # The roles, which a browser test's flush may have emptied.
    # May create links in general, but may not change this article.
    user = User.objects.create_user("reader", password="pw", is_staff=True)
    user.user_permissions.add(
        *Group.objects.get(name=EDITOR).permissions.filter(
            codename__in=["add_previewlink", "view_previewlink", "view_article"]
        )
    )

    response = logged_in(user).post(create_url(draft), {"valid_for": "24"})

    assert response.status_code == 403
    assert not PreviewLink.objects.exists()


def test_links_page_lists_only_the_links_that_work(editor, draft):
    working = link_for(draft)
    expired = link_for(draft, expires_in=-timedelta(hours=1))
    revoked = link_for(draft, revoked_at=timezone.now())
    elsewhere = link_for(make_article())

    page = soup(logged_in(editor).get(links_url(draft)))

    assert page.select_one(f"#preview-link-{working.pk}") is not None
    for link in (expired, revoked, elsewhere):
        assert page.select_one(f"#preview-link-{link.pk}") is None


def test_editor_revokes_a_preview_link(editor, draft):
    link = link_for(draft)
    client = logged_in(editor)

    response = client.post(revoke_url(link))

    assert response.status_code == 302
    assert response["Location"] == links_url(draft)
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert not link.is_active
    assert Client().get(public_url(link)).status_code == 410


def test_revoking_needs_a_post(editor, draft):
    link = link_for(draft)

    response = logged_in(editor).get(revoke_url(link))

    assert response.status_code == 405
    link.refresh_from_db()
    assert link.revoked_at is None


def test_contributor_cannot_revoke_a_link(contributor):
    article = make_article(
        authors=[contributor.author_profile], status=Article.Status.DRAFT, published_at=None
    )
    link = link_for(article)

    response = logged_in(contributor).post(revoke_url(link))

    assert response.status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_link_is_revoked_only_through_its_own_article(editor, draft):
    link = link_for(make_article())
    url = reverse("admin:articles_article_preview_link_revoke", args=[draft.pk, link.pk])

    response = logged_in(editor).post(url)

    assert response.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_preview_of_an_undated_draft_announces_no_publication_date(editor):
    undated = make_article(status=Article.Status.DRAFT, published_at=None)

    page = soup(logged_in(editor).get(reverse("admin:articles_article_preview", args=[undated.pk])))

    meta = page.select_one(".article-meta")
    assert meta.select_one("time") is None
    assert "Publié le" not in text(meta)
