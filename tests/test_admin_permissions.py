"""
Every view the admin site registers, the libraries' included, and every action
each admin offers, for each role and for a staff account with no role: a refusal
wherever the account lacks the right, and never a server error.

The right is read from the permission model (``user.has_perm``), in the terms of
what each view does; a view or an action this module does not know fails the
walk until its right is written below.
"""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import URLResolver, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article, EditorialAction, PreviewLink
from frontpage.models import Block, FrontPage, LeadPick
from newsletter.models import Edition, Letter, Subscriber, Suppression
from newsroom.models import Note
from redirects.models import Redirect
from tests.factories import (
    ADMINISTRATOR,
    CONTRIBUTOR,
    EDITOR,
    logged_in,
    make_article,
    make_author,
    make_image,
    make_member,
    make_work,
)
from tests.pages import soup
from wordpress.models import WordPressImport

# Django's permissions, the same rows on every database: the walk runs on SQLite (CI).
pytestmark = [pytest.mark.django_db, pytest.mark.same_on_every_database]

NO_ROLE = "staff without a role"


# What the views of every ModelAdmin do, by the end of their URL name, then the
# newsroom's and the libraries' own views by their name: for each method, the
# right it takes, asked of ``may(action, model=None)``.
def view(may):
    return may("view")


def add(may):
    return may("add")


def change(may):
    return may("change")


def delete(may):
    return may("delete")


def nobody(may):
    return False


MODEL_VIEWS = {
    "changelist": {"GET": view},
    "add": {"GET": add, "POST": add},
    "change": {"GET": view, "POST": change},
    "delete": {"GET": delete, "POST": delete},
    "history": {"GET": view},
}
OTHER_VIEWS = {
    "auth_user_password_change": {"GET": change, "POST": change},
    # A device's secret: nobody reads it back (OTP_ADMIN_HIDE_SENSITIVE_DATA).
    "otp_totp_totpdevice_config": {"GET": nobody},
    "otp_totp_totpdevice_qrcode": {"GET": nobody},
    "images_image_library": {"GET": view},
    "images_image_from_article": {"POST": add},
    "images_image_upload": {"GET": add, "POST": add},
    # A contributor adds images and changes none: they describe those they uploaded.
    "images_image_describe": {
        "GET": lambda may: may("add") or may("change"),
        "POST": lambda may: may("add") or may("change"),
    },
    # An import makes and replaces redirects: both rights.
    "redirects_redirect_import": {
        "GET": lambda may: may("add") and may("change"),
        "POST": lambda may: may("add") and may("change"),
    },
    "redirects_redirect_export": {"GET": view},
    "articles_article_tag_suggestions": {"GET": lambda may: may("add") or may("change")},
    "articles_article_writing_preview": {"POST": lambda may: may("add") or may("change")},
    # The writer's working copy of the article posted, which they must be able to change.
    "articles_article_working_copy": {"POST": change},
    "articles_article_preview": {"GET": view},
    "articles_article_preview_links": {
        "GET": lambda may: may("view") and (may("view", PreviewLink) or may("add", PreviewLink))
    },
    "articles_article_preview_link_create": {
        "POST": lambda may: may("change") and may("add", PreviewLink)
    },
    "articles_article_preview_link_revoke": {
        "POST": lambda may: may("change") and may("change", PreviewLink)
    },
    "articles_article_revisions": {"GET": view},
    "articles_article_revision_compare": {"GET": view},
    "articles_article_revision_restore": {"GET": change, "POST": change},
    # Notes do not change the text, but take the right to (newsroom/notes.py).
    "articles_article_note_create": {"POST": change},
    "articles_article_note_answer": {"POST": change},
    "articles_article_note_resolve": {"POST": change},
    "wordpress_wordpressimport_progress": {"GET": view},
    "wordpress_wordpressimport_resume": {"POST": add},
    "newsletter_edition_preview": {"GET": view},
    "newsletter_edition_message": {"GET": view},
    "newsletter_edition_progress": {"GET": view},
    "newsletter_edition_send": {"GET": change, "POST": change},
    # Calling a scheduled edition back takes the right to send it.
    "newsletter_edition_unschedule": {"GET": change, "POST": change},
    # A reader subscribes and changes their letters themselves: the desk only reads them.
    "newsletter_subscriber_add": {"GET": nobody, "POST": nobody},
    "newsletter_subscriber_change": {"GET": view, "POST": nobody},
}
# Views of the site itself that every staff account may open.
EVERY_STAFF_ACCOUNT = {
    "index",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "jsi18n",
}
ACTIONS = {
    "delete_selected": delete,
    "submit_for_review": change,
    "publish_now": lambda may: may("change") and may("publish"),
    "schedule": lambda may: may("change") and may("publish"),
    "unpublish": lambda may: may("change") and may("publish"),
    # Unpublished for good: its addresses answer 410, a redirect each.
    "withdraw": lambda may: may("change") and may("publish") and may("add", Redirect),
    "merge": lambda may: may("change") and may("delete"),
    "cleanup_expired_attempts": delete,
}


def holds(user, action, model, obj=None):
    """Whether ``user`` may do ``action`` on ``model`` (on ``obj``, for an article)."""
    opts = model._meta
    allowed = user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
    if action == "view":
        allowed = allowed or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
    if isinstance(obj, Article):
        # Beyond one's own drafts, an article takes this one too (newsroom/workflow.py).
        allowed = allowed and user.has_perm("articles.edit_any_article")
    return allowed


@pytest.fixture
def newsroom():
    """One object of every model the admin manages, none of them the walking account's."""
    someone = make_member(EDITOR, "quelquun")
    author = make_author(name="Zoé Arnaud")
    article = make_article(
        authors=[author],
        status=Article.Status.DRAFT,
        published_at=None,
        tags=["Cannes"],
        featured_image=make_image(),
        reviewed_work=make_work(),
        embargo_until=timezone.now() + timedelta(days=2),
    )
    article.save()  # A second revision, to compare and restore.
    EditorialAction.record(article, someone, EditorialAction.Kind.SUBMITTED)
    PreviewLink.objects.create(
        article=article, created_by=someone, expires_at=timezone.now() + timedelta(days=1)
    )
    Note.objects.create(article=article, author=someone, text="Une remarque.")
    # The home page's own row is the migration's: its change page shows a lead and a block.
    front_page = FrontPage.objects.get()
    LeadPick.objects.create(front_page=front_page, place=1, article=article)
    Block.objects.create(front_page=front_page, kind=Block.Kind.PICKED).articles.add(article)
    TOTPDevice.objects.create(user=someone, name="Téléphone")
    attempt = {"user_agent": "Firefox", "ip_address": "192.0.2.1", "username": "quelquun"}
    attempt |= {"http_accept": "*/*", "path_info": "/admin/login/"}
    apps.get_model("axes", "AccessAttempt").objects.create(
        **attempt, get_data="", post_data="", failures_since_start=1
    )
    apps.get_model("axes", "AccessLog").objects.create(**attempt)
    apps.get_model("axes", "AccessFailureLog").objects.create(**attempt)
    Redirect.objects.point("/2023/07/28/ancien/", "/", source=Redirect.Source.WORDPRESS)
    WordPressImport.objects.create(file="wordpress/2026/12/export.xml", started_by=someone)
    letter = Letter.objects.get(slug="la-quotidienne")
    edition = Edition.objects.create(letter=letter, subject="Ce matin", created_by=someone)
    edition.items.create(article=article)
    reader = Subscriber.objects.create(email="lectrice@example.org", confirmed_at=timezone.now())
    reader.subscriptions.create(letter=letter, consented_at=timezone.now(), consent_text="Oui.")
    Suppression.objects.create(email="rebond@example.org", reason=Suppression.Reason.BOUNCED)
    samples = {}
    for model in admin.site._registry:
        samples[model] = model._default_manager.order_by("pk").first()
        assert samples[model] is not None, f"The walk needs a {model._meta.label}: make one above."
    samples[Article] = article
    samples[User] = someone
    samples[Group] = Group.objects.get(name=EDITOR)
    return samples


def account(role):
    if role != NO_ROLE:
        return make_member(role, "walker", profile=False)
    user = make_member(CONTRIBUTOR, "walker", profile=False)
    user.groups.clear()
    return User.objects.get(pk=user.pk)  # Without the permissions cached.


def client_of(user):
    return logged_in(user, raise_request_exception=False)


def payload(article):
    """Whatever the views read from a POST, so that each goes as far as its rights let it."""
    later = timezone.localtime() + timedelta(days=3)
    return {
        "post": "yes",
        "article": str(article.pk),
        "version": str(article.version),
        "body": "Un paragraphe.",
        "valid_for": "24",
        "publish_at": later.strftime("%Y-%m-%dT%H:%M"),
        "merge-name": "Festival",
        "index": "0",
        "day": later.strftime("%Y-%m-%d"),
        "time": "07:00",
        "text": "Une remarque.",
    }


def outcome(client, method, url, data):
    """
    The response, in a transaction rolled back after it: each request finds the same
    data. A redirect to another admin page (an object's old address) is followed; one
    out of the admin is an answer, which a reader's 404 there must not hide.
    """
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, data)
        location = response.get("Location", "")
        if method == "GET" and response.status_code == 302 and within_admin(location):
            response = client.get(location)
        transaction.set_rollback(True)
    return response


def within_admin(location):
    return location.startswith(reverse("admin:index")) and not location.startswith(
        reverse("admin:login")
    )


def refused(response):
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def model_admin_urls(samples):
    """Each URL of each ModelAdmin, with its name, its model and whether it names an object."""
    for model, model_admin in admin.site._registry.items():
        sample = samples[model]
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for pattern in model_admin.get_urls():
            parameters = set(pattern.pattern.converters)
            arguments = {
                "object_id": sample.pk,
                "pk": sample.pk,
                "id": sample.pk,
                "link_id": getattr(samples[Article].preview_links.first(), "pk", None),
                "revision_id": samples[Article].history.first().history_id,
                "note_id": getattr(samples[Article].notes.first(), "pk", None),
            }
            kwargs = {name: arguments[name] for name in parameters}
            if pattern.name is None:
                # The old address of the change page, which redirects to it.
                yield f"{changelist}{sample.pk}/", "change", {"GET": view}, model, bool(kwargs)
                continue
            url = reverse(f"admin:{pattern.name}", kwargs=kwargs)
            prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
            suffix = pattern.name.removeprefix(prefix)
            rights = OTHER_VIEWS.get(pattern.name) or MODEL_VIEWS.get(suffix)
            assert rights is not None, f"{pattern.name}: say below what right this view takes"
            yield url, pattern.name, rights, model, bool(kwargs)


def site_urls():
    """The site's own URLs: each with its name, the ModelAdmins' being walked on their own."""
    for pattern in admin.site.get_urls():
        if isinstance(pattern, URLResolver):
            continue
        yield pattern.name


def autocomplete_urls():
    """The autocomplete for every relation of every model to a model the admin searches."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete) or field.related_model is None:
                continue
            remote = field.related_model
            if not admin.site.is_registered(remote):
                continue
            query = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field.name,
                "term": "a",
            }
            yield f"{reverse('admin:autocomplete')}?{urlencode(query)}", remote


def reader_may_open(obj):
    return Client().get(obj.get_absolute_url()).status_code == 200


def walk(user, samples, only=None):
    """
    Every request of the walk as (label, response, whether ``user`` has the right): those
    whose label is in ``only``, when it is given.
    """
    client = client_of(user)
    data = payload(samples[Article])
    for label, method, url, right in planned_walk(user, samples):
        if only is not None and label not in only:
            continue
        # Logging out ends the session: in a client of its own.
        own_client = client_of(user) if url == reverse("admin:logout") else client
        yield label, outcome(own_client, method, url, data), right


def planned_walk(user, samples):
    """Each request of the walk as (label, method, URL, whether ``user`` has the right)."""
    for url, name, rights, model, names_object in model_admin_urls(samples):
        obj = samples[model] if names_object else None

        def may(action, other=None, model=model, obj=obj):
            return holds(user, action, other or model, obj if other is None else None)

        for method, right in rights.items():
            yield f"{method} {url} ({name})", method, url, right(may)

    for name in site_urls():
        if name in EVERY_STAFF_ACCOUNT:
            url = reverse(f"admin:{name}")
            method = "POST" if name == "logout" else "GET"
            yield f"{method} {url}", method, url, True
        elif name == "app_list":
            for app_label in {model._meta.app_label for model in admin.site._registry}:
                url = reverse("admin:app_list", kwargs={"app_label": app_label})
                yield f"GET {url}", "GET", url, user.has_module_perms(app_label)
        elif name == "autocomplete":
            for url, remote in autocomplete_urls():
                yield f"GET {url}", "GET", url, holds(user, "view", remote)
        elif name == "view_on_site":
            for model, obj in samples.items():
                content_type = ContentType.objects.get_for_model(model)
                url = reverse("admin:view_on_site", args=[content_type.pk, obj.pk])
                right = hasattr(obj, "get_absolute_url") and (
                    reader_may_open(obj) or holds(user, "change", model, obj)
                )
                yield f"GET {url} ({model._meta.label})", "GET", url, right
        elif name == "calendar":
            url = reverse("admin:calendar")
            yield f"GET {url}", "GET", url, holds(user, "view", Article)
        elif name == "calendar_move":
            article = samples[Article]
            url = reverse("admin:calendar_move", args=[article.pk])
            yield f"POST {url}", "POST", url, holds(user, "change", Article, article)
        elif name is not None:  # The last pattern, unnamed, answers 404 for any other path.
            raise AssertionError(f"admin:{name}: say in the walk what right this view takes")


def action_walk(user, samples):
    """Each action of each admin, forged by ``user``: label, offered, changed anything, right."""
    superuser = User.objects.create_superuser("reference", password="pw")
    request = RequestFactory().get("/")
    request.user = superuser
    client = client_of(user)
    data = payload(samples[Article])
    for model, model_admin in admin.site._registry.items():
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page = client.get(changelist)
        offered = set()
        if page.status_code == 200:
            offered = {option["value"] for option in soup(page).select("[name=action] option")}
        obj = samples[model]
        for name in model_admin.get_actions(request):
            assert name in ACTIONS, f"{model._meta.label} {name}: say what right this action takes"

            def may(action, model=model, obj=obj):
                return holds(user, action, model, obj)

            with transaction.atomic():
                before = snapshot()
                client.post(changelist, {**data, "action": name, "_selected_action": [obj.pk]})
                changed = snapshot() != before
                transaction.set_rollback(True)
            yield f"{model._meta.label} {name}", name in offered, changed, ACTIONS[name](may)
    superuser.delete()


def snapshot():
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
        # An unmanaged model has no table (django-rq's dashboard, with REDIS_URL set).
        if model is not Session and model._meta.managed
    }


def wrong_answers(walked):
    """What the walk answered wrongly: a server error, or a page given without the right."""
    wrong = []
    for label, response, right in walked:
        if response.status_code >= 500:
            wrong.append(f"{label}: server error {response.status_code}")
        elif not right and not refused(response):
            wrong.append(f"{label}: answered {response.status_code} without the right")
    return wrong


def wrong_actions(walked):
    """The actions offered, or that changed data, without the right."""
    return [
        f"{label}: {'offered' if offered else 'changed data'} without the right"
        for label, offered, changed, right in walked
        if not right and (offered or changed)
    ]


# Administrators are walked once, by the last two tests, which check them as these do:
# each walk takes seconds.
@pytest.mark.parametrize("role", [CONTRIBUTOR, EDITOR, NO_ROLE])
def test_every_admin_view_refuses_who_lacks_the_right(role, newsroom):
    assert wrong_answers(walk(account(role), newsroom)) == []


@pytest.mark.parametrize("role", [CONTRIBUTOR, EDITOR, NO_ROLE])
def test_every_admin_action_refuses_who_lacks_the_right(role, newsroom):
    assert wrong_actions(action_walk(account(role), newsroom)) == []


def test_administrators_reach_every_view_a_superuser_reaches(newsroom):
    """
    The walk reaches real pages: the role with every permission is refused nothing, and
    like every role it is refused what it lacks the right to and meets no server error.
    """
    by_administrator = list(walk(account(ADMINISTRATOR), newsroom))
    assert wrong_answers(by_administrator) == []

    # A superuser, asked only what administrators were refused: half the walk's time.
    refused_to_administrators = {
        label for label, response, _right in by_administrator if refused(response)
    }
    superuser = User.objects.create_superuser("tout", password="pw")
    wrong = [
        f"{label}: refused to administrators"
        for label, reference, _right in walk(superuser, newsroom, only=refused_to_administrators)
        if not refused(reference)
    ]
    assert wrong == []
    assert sum(not refused(response) for _label, response, _right in by_administrator) > 50


def test_the_action_walk_sees_what_an_action_changes(newsroom):
    """
    Forged by administrators, who hold every right, actions do change data; like every
    role, administrators are offered no action they lack the right to.
    """
    administrator = account(ADMINISTRATOR)

    walked = list(action_walk(administrator, newsroom))

    assert wrong_actions(walked) == []
    changed = {label for label, _offered, moved, _right in walked if moved}
    assert {"articles.Article delete_selected", "articles.Article submit_for_review"} <= changed
    assert {"taggit.Tag merge", "axes.AccessAttempt delete_selected"} <= changed
