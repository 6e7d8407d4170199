"""
Small factories: sensible defaults, overridden by keyword.

    article = make_article(title="Cannes", authors=[make_author()], tags=["festival"])
"""

import functools
import io
import itertools
from datetime import timedelta
from importlib import import_module

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone
from PIL import Image as PillowImage

from articles.models import Article, Authorship, Section
from authors.models import Author
from images.models import Image
from sitepages.models import FOOTER_PAGES, SitePage
from works.models import Work

_sequence = itertools.count(1)


def image_bytes(width=64, height=48, image_format="PNG", color=(200, 30, 60)):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), color).save(buffer, format=image_format)
    return buffer.getvalue()


def make_image(**overrides):
    n = next(_sequence)
    fields = {
        "file": SimpleUploadedFile(f"image-{n}.png", image_bytes(), content_type="image/png"),
        "alt_text": f"Image de test {n}",
        "caption": f"Légende {n}",
        "credit": "Screenmania",
        "licence": "Création Screenmania",
    }
    fields.update(overrides)
    return Image.objects.create(**fields)


def make_section(**overrides):
    n = next(_sequence)
    fields = {"name": f"Rubrique {n}", "slug": f"rubrique-{n}"}
    fields.update(overrides)
    return Section.objects.create(**fields)


def make_author(**overrides):
    n = next(_sequence)
    fields = {"name": f"Autrice {n}", "slug": f"autrice-{n}", "bio": "Critique de cinéma."}
    fields.update(overrides)
    return Author.objects.create(**fields)


def make_work(**overrides):
    """A French film of last year, out in cinemas on no particular date unless told."""
    n = next(_sequence)
    fields = {
        "title": f"Film {n}",
        "slug": f"film-{n}",
        "kind": Work.Kind.FILM,
        "year": timezone.now().year - 1,
        "directors": "Réalisatrice Un",
        "cast": "Acteur Un, Actrice Deux",
        "countries": ["FR"],
        "runtime": 100,
        "synopsis": "Une histoire de cinéma.",
    }
    fields.update(overrides)
    return Work.objects.create(**fields)


def make_article(*, authors=None, tags=(), works=(), **overrides):
    """A published article dated an hour ago, unless told otherwise."""
    n = next(_sequence)
    fields = {
        "title": f"Article {n}",
        "slug": f"article-{n}",
        "standfirst": "Un chapô qui résume l'histoire.",
        "body": "## Le contexte\n\nUn paragraphe de texte.",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=1),
    }
    fields.update(overrides)
    if "section" not in fields:
        fields["section"] = make_section()
    article = Article.objects.create(**fields)
    for position, author in enumerate(authors if authors is not None else [make_author()]):
        Authorship.objects.create(article=article, author=author, position=position)
    if tags:
        article.tags.add(*tags)
    discussed = {*works, *([article.reviewed_work] if article.reviewed_work else [])}
    if discussed:
        article.works.add(*discussed)
    return article


# The newsroom's roles, as the data migration names their groups.
CONTRIBUTOR, EDITOR, ADMINISTRATOR = "Contributeur", "Éditeur", "Administrateur"
# The migrations that make the data every site starts with, in order, each with the
# function that does it: the roles and their permissions, the pages the footer links to,
# the home page's row, the newsletter's letters.
STARTING_DATA_MIGRATIONS = [
    ("articles", "0003_roles", "create_roles"),
    ("works", "0002_roles", "grant"),
    ("sitepages", "0002_footer_pages_and_roles", "create"),
    ("frontpage", "0002_home_page_and_roles", "create"),
    ("wordpress", "0003_administrators_import", "grant"),
    ("redirects", "0002_roles", "grant"),
    ("newsletter", "0002_the_three_letters", "create_letters"),
    ("newsletter", "0005_roles", "grant"),
]


def ensure_starting_data():
    """
    The roles and the footer's pages, made again by their migrations' own code when they
    are missing: a transactional test (the browser tests) ends with a flush, which
    empties every table and gives back only the content types and permissions, so
    whichever test runs next would find no role and no legal notice.
    """
    roles = [CONTRIBUTOR, EDITOR, ADMINISTRATOR]
    if Group.objects.filter(name__in=roles).count() == len(roles) and SitePage.objects.filter(
        slug__in=FOOTER_PAGES
    ).count() == len(FOOTER_PAGES):
        return
    for (app_label, name, function), models in zip(
        STARTING_DATA_MIGRATIONS, starting_data_models(), strict=True
    ):
        migration = import_module(f"{app_label}.migrations.{name}")
        getattr(migration, function)(models, None)


@functools.cache
def starting_data_models():
    """
    The models as each starting-data migration knew them, drawn once per process: drawing
    them (loading the migrations, rendering eight project states) took two thirds of each
    transactional test's flush, a hundred of them a run.
    """
    loader = MigrationExecutor(connection).loader
    return [
        loader.project_state((app_label, name), at_end=True).apps
        for app_label, name, _function in STARTING_DATA_MIGRATIONS
    ]


def make_member(role, username, *, profile=True):
    """A staff login in the group of ``role``, signing as its own author profile."""
    ensure_starting_data()
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    if profile:
        make_author(name=username.capitalize(), user=user)
    return user


def logged_in(user, **client_options):
    client = Client(**client_options)
    client.force_login(user)
    return client
