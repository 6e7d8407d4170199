"""
`loaddemo` fills an empty site with a browsable magazine, once; `ensure_editor`
opens the newsroom to a staff account that is not a superuser.
"""

import io
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PillowImage
from taggit.models import Tag, TaggedItem

from articles.models import Article, Authorship, BodyImage, Section
from authors.models import Author
from demo.art import AVATAR_SIZE, FEATURED_SIZE, POSTER_SIZE
from frontpage.models import Block, LeadPick
from images.models import Image
from sitepages.models import SitePage
from sitepages.starter import PAGES as STARTER_PAGES
from tests.html_validator import html_problems
from works.models import Work, release_week_start

# The demo's content and pages, made through the ORM alone: CI loads it on SQLite.
pytestmark = pytest.mark.same_on_every_database

# The demo articles readers must never see, with the state that hides each.
UNPUBLISHED = {
    "rentree-cinema-films-attendus": "draft",
    "entretien-adele-rinaldi-station-vega": "review",
    "les-hauts-fourneaux-saison-finale-critique": "scheduled",
}


def load_demo():
    output = io.StringIO()
    call_command("loaddemo", stdout=output)
    return output.getvalue()


@dataclass
class Demo:
    output: str
    media_root: Path


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory, shared_renditions):
    """
    The demo, loaded once for the module's tests rather than once each: drawing it is
    most of their time. It is loaded in a transaction, inside which each test runs in
    its own and is rolled back to it, as Django's TestCase.setUpTestData() does; the
    module's end rolls the demo back too. Its files are the module's.
    """
    media_root = tmp_path_factory.mktemp("demo") / "media"
    media_root.mkdir()
    (media_root / "renditions").symlink_to(shared_renditions, target_is_directory=True)
    with override_settings(MEDIA_ROOT=media_root):
        with django_db_blocker.unblock():
            loaded = transaction.atomic()
            loaded.__enter__()
            output = load_demo()
        yield Demo(output, media_root)
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            loaded.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def media_root(settings, demo):
    """The demo's files, for every test: a test that deletes one has the demo draw it again."""
    settings.MEDIA_ROOT = demo.media_root
    return demo.media_root


def ensure_editor():
    output = io.StringIO()
    call_command("ensure_editor", stdout=output)
    return output.getvalue()


def snapshot(media_root):
    """Everything the demo creates, as a reader or an editor would notice a change in it."""
    return {
        "sections": list(Section.objects.order_by("slug").values_list()),
        "authors": list(Author.objects.order_by("slug").values_list()),
        "articles": list(Article.objects.order_by("slug").values_list()),
        "authorships": list(
            Authorship.objects.order_by("article__slug", "position").values_list(
                "article__slug", "author__slug", "position"
            )
        ),
        "works": list(Work.objects.order_by("slug").values_list()),
        "works_discussed": list(
            Article.works.through.objects.order_by("article__slug", "work__slug").values_list(
                "article__slug", "work__slug"
            )
        ),
        "images": list(Image.objects.order_by("title").values_list()),
        "tags": list(Tag.objects.order_by("slug").values_list()),
        "tagged_items": TaggedItem.objects.count(),
        "home page": [
            list(LeadPick.objects.order_by("place").values_list()),
            list(Block.objects.order_by("position").values_list()),
            list(Block.articles.through.objects.order_by("pk").values_list()),
        ],
        "files": sorted(
            (str(path.relative_to(media_root)), path.stat().st_mtime_ns)
            for path in media_root.rglob("*")
            if path.is_file()
        ),
    }


def assert_picture(image, size):
    assert image.file.storage.exists(image.file.name), image.file.name
    with PillowImage.open(image.file.path) as picture:
        picture.load()
        assert picture.size == size
        assert picture.format == "JPEG"
    # As stored, not as Django recomputes them on load when they are missing.
    assert Image.objects.values_list("width", "height").get(pk=image.pk) == size
    assert image.alt_text.strip()
    assert image.credit == "Illustration Screenmania"


def test_running_the_demo_twice_creates_and_changes_nothing(db, demo, media_root):
    first_output = demo.output
    before = snapshot(media_root)

    second_output = load_demo()

    assert snapshot(media_root) == before
    assert "0" not in re.findall(r"(\d+) new", first_output)
    assert set(re.findall(r"(\d+) new", second_output)) == {"0"}


def test_running_the_demo_again_redraws_a_lost_poster(db):
    poster = Work.objects.get(slug="maree-basse").poster
    poster.file.storage.delete(poster.file.name)

    output = load_demo()

    poster.refresh_from_db()
    assert_picture(poster, POSTER_SIZE)
    assert "1 redrawn" in output


def test_running_the_demo_again_leaves_an_edited_work_alone(db):
    Work.objects.filter(slug="maree-basse").update(
        runtime=101, synopsis="Corrigé par la rédaction."
    )
    Article.objects.get(slug="critique-maree-basse").works.clear()

    load_demo()

    work = Work.objects.get(slug="maree-basse")
    assert (work.runtime, work.synopsis) == (101, "Corrigé par la rédaction.")
    assert not Article.objects.get(slug="critique-maree-basse").works.exists()


def test_running_the_demo_again_redraws_a_lost_illustration(db):
    image = Article.objects.get(slug="festival-port-lanvec-palmares").featured_image
    image.file.storage.delete(image.file.name)

    output = load_demo()

    image.refresh_from_db()
    assert_picture(image, FEATURED_SIZE)
    assert "1 redrawn" in output
    illustrations = (
        Article.objects.count()
        + Author.objects.count()
        + BodyImage.objects.count()
        + Work.objects.count()
    )
    assert Image.objects.count() == illustrations


def test_demo_writes_the_site_pages_and_leaves_an_edited_one_alone(db, client):
    legal_notice = SitePage.objects.get(slug="mentions-legales")
    assert "Screenmania Éditions" in legal_notice.body
    assert all(
        page.body != STARTER_PAGES[page.slug][1]
        for page in SitePage.objects.filter(slug__in=STARTER_PAGES)
    )
    SitePage.objects.filter(slug="contact").update(body="Écrivez-nous.")

    load_demo()

    assert SitePage.objects.get(slug="contact").body == "Écrivez-nous."
    assert "Screenmania Éditions" in client.get("/mentions-legales/").content.decode()


def test_demo_arranges_the_home_page_and_leaves_an_editor_s_arrangement_alone(db, client):
    page = BeautifulSoup(client.get("/").content, "html.parser")
    lead = page.select_one(".headline .card__title a")["href"]
    assert lead == Article.objects.get(slug="critique-maree-basse").get_absolute_url()
    blocks = page.select(".front-block")
    headings = [block.h2.get_text(" ", strip=True) for block in blocks]
    assert headings[0].startswith("Sorties de la semaine du ")
    assert headings[1:] == ["Critiques", "Le choix de la rédaction", "Festivals"]
    # Every block full, and no article twice on the page.
    assert all(len(block.select(".card")) >= 2 for block in blocks)
    shown = [a["href"] for a in page.select("main .card__title a")]
    assert len(shown) == len(set(shown))

    Block.objects.filter(kind=Block.Kind.SECTION).delete()
    load_demo()
    assert not Block.objects.filter(kind=Block.Kind.SECTION).exists()


def test_demo_fills_the_home_sections_and_bylines(db):
    published = Article.objects.published()

    assert published.count() >= 12
    assert Section.objects.filter(articles__in=published).distinct().count() >= 3
    assert Author.objects.filter(articles__in=published).distinct().count() >= 3
    assert published.filter(is_featured=True).exists()
    # Bylines of two, to show « et ».
    assert published.annotate(n=Count("authorships")).filter(n=2).exists()


def test_every_published_demo_article_is_complete(db):
    bodies = []

    for article in Article.objects.published().select_related("featured_image"):
        assert_picture(article.featured_image, FEATURED_SIZE)
        assert article.featured_image.caption
        assert article.standfirst
        assert 300 <= len(article.body.split()) <= 900, article.slug
        assert 2 <= article.tags.count() <= 5, article.slug
        assert article.authors.exists()
        html = BeautifulSoup(article.body_html, "html.parser")
        assert html.find("h2"), article.slug
        assert html.find("blockquote"), article.slug
        bodies.append(html)

    assert any(html.find(["ul", "ol"]) for html in bodies)
    assert any(html.find("table") for html in bodies)
    assert any(html.find(class_="footnote") for html in bodies)
    assert any(html.find("a", href=re.compile(r"^/articles/[\w-]+/$")) for html in bodies)


def test_no_two_published_demo_articles_show_the_same_drawing(db):
    """A front page of a dozen articles repeats no illustration, whatever the palette."""
    # The alt text says what is drawn, then its colours: « …, dans des tons bordeaux et or. »
    drawings = [
        article.featured_image.alt_text.partition(", dans des tons")[0]
        for article in Article.objects.published().select_related("featured_image")
    ]

    assert len(drawings) >= 12
    repeated = {drawing for drawing in drawings if drawings.count(drawing) > 1}
    assert not repeated


def test_demo_authors_have_an_avatar_a_bio_and_a_signature(db):
    assert Author.objects.count() >= 4
    for author in Author.objects.select_related("avatar"):
        assert_picture(author.avatar, AVATAR_SIZE)
        assert author.bio_html.startswith("<p>")
        assert author.signature.startswith("Article écrit avec passion par")


def test_demo_content_passes_model_validation(db):
    """What SQLite lets through (a text too long, say), PostgreSQL and the admin would refuse."""
    for model in (Section, Author, Article, Image, Work):
        for instance in model.objects.all():
            instance.full_clean()


def test_demo_shows_every_editorial_state_in_the_newsroom_only(db):
    published = Article.objects.published()
    states = {
        article.slug: (
            "scheduled" if article.status == "published" else article.status,
            article.published_at,
        )
        for article in Article.objects.filter(slug__in=UNPUBLISHED)
    }

    assert {slug: state for slug, (state, _date) in states.items()} == UNPUBLISHED
    assert states["les-hauts-fourneaux-saison-finale-critique"][1] is not None
    assert not published.filter(slug__in=UNPUBLISHED).exists()


def test_every_public_page_of_the_demo_responds(db, client):
    published = Article.objects.published()
    urls = ["/"]
    urls += [article.get_absolute_url() for article in published]
    urls += [section.get_absolute_url() for section in Section.objects.all()]
    urls += [
        f"/tags/{tag.slug}/"
        for tag in Tag.objects.filter(taggit_taggeditem_items__object_id__in=published.values("pk"))
        .distinct()
        .order_by("slug")
    ]
    urls += [author.get_absolute_url() for author in Author.objects.all()]
    urls += [page.get_absolute_url() for page in SitePage.objects.all()]

    statuses = {url: client.get(url).status_code for url in urls}

    assert {url: status for url, status in statuses.items() if status != 200} == {}
    assert len(urls) >= 1 + 12 + 4 + 10 + 4 + 4


def test_unpublished_demo_articles_are_not_found(db, client):
    for slug in UNPUBLISHED:
        assert client.get(f"/articles/{slug}/").status_code == 404, slug
    # Carried by the scheduled article only: the tag must not leak the title early.
    assert client.get("/tags/les-hauts-fourneaux/").status_code == 404


def test_unpublished_demo_articles_are_listed_nowhere(db, client):
    listings = ["/", "/tags/critique/", "/tags/series-francaises/"]
    listings += [section.get_absolute_url() for section in Section.objects.all()]
    listings += [author.get_absolute_url() for author in Author.objects.all()]
    listings += [work.get_absolute_url() for work in Work.objects.all()]
    listings.append(reverse("works:current_release_week"))

    for url in listings:
        page = client.get(url).content.decode()
        leaks = [slug for slug in UNPUBLISHED if f"/articles/{slug}/" in page]
        assert leaks == [], url


def test_demo_works_have_a_poster_and_their_facts(db):
    works = Work.objects.select_related("poster")

    assert works.count() >= 8
    assert works.filter(kind=Work.Kind.FILM).exists()
    assert works.filter(kind=Work.Kind.SERIES).exists()
    for work in works:
        assert_picture(work.poster, POSTER_SIZE)
        assert work.poster.alt_text.startswith(f"Affiche de « {work.title} » : "), work.slug
        assert work.director_names and work.cast_names and work.countries, work.slug
        assert work.synopsis, work.slug
        if work.is_serial:
            assert work.seasons and not work.runtime, work.slug
        else:
            assert work.runtime and not work.seasons, work.slug


def test_demo_release_week_has_films_in_cinemas_and_on_platforms_whatever_the_day(db):
    this_week = release_week_start(timezone.localdate())
    released = Work.objects.released_in_week(this_week)

    assert released.filter(release_date__isnull=False).exists()
    assert released.filter(platform_date__isnull=False).exists()
    assert Work.objects.released_in_week(this_week + timedelta(days=7)).exists()
    assert Work.objects.released_in_week(this_week - timedelta(days=7)).exists()


def test_demo_reviews_rate_their_works_in_half_stars(db):
    reviews = Article.objects.published().filter(reviewed_work__isnull=False)

    assert reviews.count() >= 3
    assert not reviews.filter(rating__isnull=True).exists()
    assert not reviews.filter(spoilers="").exists()
    assert {rating % 1 for rating in reviews.values_list("rating", flat=True)} == {0, 0.5}
    for review in reviews:
        assert review.works.filter(pk=review.reviewed_work_id).exists(), review.slug
    rated = [work for work in Work.objects.with_reviews() if work.magazine_review]
    assert len(rated) == reviews.values("reviewed_work").distinct().count()


def test_demo_review_under_embargo_comes_out_with_its_series(db):
    review = Article.objects.select_related("reviewed_work").get(
        slug="les-hauts-fourneaux-saison-finale-critique"
    )

    assert review.is_under_embargo
    assert review.published_at == review.embargo_until
    assert timezone.localdate(review.embargo_until) == review.reviewed_work.platform_date


def test_demo_bodies_show_a_spoiler_block_and_a_trailer(db):
    bodies = [
        BeautifulSoup(html, "html.parser")
        for html in Article.objects.published().values_list("body_html", flat=True)
    ]

    spoilers = [spoiler for html in bodies for spoiler in html.select("details.spoiler")]
    assert spoilers and not any(spoiler.has_attr("open") for spoiler in spoilers)
    trailers = [link for html in bodies for link in html.select("figure.trailer a[href]")]
    assert [link["href"] for link in trailers] == ["https://www.youtube.com/watch?v=Xk3vQ9mLp2A"]


def test_every_work_page_and_release_week_of_the_demo_responds(db, client):
    this_week = release_week_start(timezone.localdate())
    urls = [work.get_absolute_url() for work in Work.objects.all()]
    urls.append(reverse("works:current_release_week"))
    urls += [
        reverse("works:release_week", kwargs={"day": this_week + timedelta(days=days)})
        for days in (-7, 7)
    ]

    statuses = {url: client.get(url).status_code for url in urls}

    assert {url: status for url, status in statuses.items() if status != 200} == {}


def test_demo_work_pages_link_to_their_reviews(db, client):
    for review in Article.objects.published().filter(reviewed_work__isnull=False):
        page = client.get(review.reviewed_work.get_absolute_url()).content.decode()
        assert review.get_absolute_url() in page, review.slug


@pytest.fixture
def editor_env(monkeypatch):
    monkeypatch.delenv("SCREENMANIA_EDITOR_USERNAME", raising=False)
    monkeypatch.delenv("SCREENMANIA_EDITOR_PASSWORD", raising=False)
    monkeypatch.delenv("SCREENMANIA_EDITOR_AUTHOR", raising=False)
    return monkeypatch


def printed_password(output):
    return re.search(r"Password: (\S+)", output).group(1)


def logs_in(client, username, password):
    """Whether the admin's login form lets ``username`` in with ``password``, as for a person."""
    response = client.post(reverse("admin:login"), {"username": username, "password": password})
    return response.status_code == 302


def test_editor_is_staff_without_being_superuser_and_reaches_the_admin(db, client, editor_env):
    output = ensure_editor()
    user = get_user_model().objects.get(username="redaction")

    assert user.is_staff and user.is_active and not user.is_superuser
    for permission in (
        "articles.add_article",
        "articles.change_article",
        "articles.change_section",
        "authors.change_author",
        "images.add_image",
        "taggit.change_tag",
    ):
        assert user.has_perm(permission), permission
    assert not user.has_perm("auth.change_user")
    assert "http://127.0.0.1:8000/admin/" in output
    assert logs_in(client, "redaction", printed_password(output))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/articles/article/").status_code == 200


def test_editor_gets_a_new_random_password_on_each_run(db, client, editor_env):
    first = printed_password(ensure_editor())
    second = printed_password(ensure_editor())

    assert first != second
    assert get_user_model().objects.filter(username="redaction").count() == 1
    assert not logs_in(client, "redaction", first)
    assert logs_in(client, "redaction", second)


def test_editor_takes_username_and_password_from_the_environment(db, client, editor_env):
    editor_env.setenv("SCREENMANIA_EDITOR_USERNAME", "chloe")
    editor_env.setenv("SCREENMANIA_EDITOR_PASSWORD", "bobine-35-mm-grain-fin")

    output = ensure_editor()
    ensure_editor()

    assert "bobine-35-mm-grain-fin" not in output
    assert get_user_model().objects.filter(username="chloe").count() == 1
    assert not get_user_model().objects.filter(username="redaction").exists()
    assert logs_in(client, "chloe", "bobine-35-mm-grain-fin")


def test_editor_writes_as_the_demo_editor_in_chief(db, editor_env):
    ensure_editor()
    ensure_editor()

    user = get_user_model().objects.get(username="redaction")
    assert user.author_profile.slug == "ines-marchand"


def test_editor_leaves_an_author_already_linked_to_someone_else(db, editor_env):
    someone = get_user_model().objects.create_user("ines", password="x")
    Author.objects.filter(slug="ines-marchand").update(user=someone)

    ensure_editor()

    assert Author.objects.get(slug="ines-marchand").user == someone
    assert not Author.objects.filter(user__username="redaction").exists()


def test_editor_refuses_to_demote_a_superuser(db, editor_env):
    get_user_model().objects.create_superuser("admin", password="x")
    editor_env.setenv("SCREENMANIA_EDITOR_USERNAME", "admin")

    with pytest.raises(CommandError, match="superuser"):
        ensure_editor()

    assert get_user_model().objects.get(username="admin").is_superuser


def test_every_demo_page_is_valid_html(client, db, vnu_jar, tmp_path):
    """
    The demo articles use what editors really write: headings, quotes, links, lists, images;
    every page of the demo is valid HTML, as the W3C's Nu Html Checker reads it.
    """
    published = Article.objects.published()
    urls = {"home": reverse("articles:home")}
    urls.update({f"article {a.slug}": a.get_absolute_url() for a in published})
    urls.update({f"section {s.slug}": s.get_absolute_url() for s in Section.objects.all()})
    authors = Author.objects.filter(articles__in=published).distinct()
    urls.update({f"author {a.slug}": a.get_absolute_url() for a in authors})
    tags = Tag.objects.filter(article__in=published).distinct()
    urls.update({f"tag {t.slug}": reverse("articles:tag", kwargs={"slug": t.slug}) for t in tags})
    urls.update({f"work {w.slug}": w.get_absolute_url() for w in Work.objects.all()})
    urls["release week"] = reverse("works:current_release_week")
    assert len(urls) > 5, "the demo content has too few pages to be worth validating"

    problems = html_problems(client, vnu_jar, tmp_path, urls)
    assert not problems, "invalid HTML:\n" + "\n".join(problems)
