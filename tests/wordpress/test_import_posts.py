"""Posts become articles: status, dates, authors, sections, tags, headline, slugs, pages."""

import datetime

import pytest
from taggit.models import Tag

from articles.models import Article, Section
from authors.models import Author
from sitepages.models import SitePage
from tests.factories import make_article
from wordpress.importer import import_wxr
from wordpress.models import ImportedItem

from .wxr_files import page, post, write

pytestmark = pytest.mark.django_db

MARIE = {"id": 1, "login": "marie", "display_name": "Marie Curieux", "email": "m@x.example"}
PAUL = {"id": 2, "login": "paul", "display_name": "Paul Lenoir", "email": "p@x.example"}
CATEGORIES = [
    {"id": 10, "slug": "cinema", "name": "Cinéma"},
    {"id": 11, "slug": "series", "name": "Séries"},
    {"id": 12, "slug": "festivals", "name": "Festivals"},
]


def run(tmp_path, *items, **options):
    options.setdefault("authors", (MARIE, PAUL))
    options.setdefault("categories", CATEGORIES)
    return import_wxr(write(tmp_path / "export.xml", *items, **options))


def test_each_status_becomes_ours(tmp_path):
    report = run(
        tmp_path,
        post(1, post_name="publie", status="publish"),
        post(
            2,
            post_name="programme",
            status="future",
            post_date_gmt="2099-01-02 08:00:00",
            post_date="2099-01-02 09:00:00",
        ),
        post(3, post_name="brouillon", status="draft", post_date_gmt="0000-00-00 00:00:00"),
        post(4, post_name="relire", status="pending"),
        post(5, post_name="prive", status="private"),
        post(6, post_name="secret", status="publish", post_password="motdepasse"),
        post(7, post_name="jete", status="trash"),
    )
    articles = {article.slug: article for article in Article.objects.all()}
    assert articles["publie"].status == "published"
    assert articles["publie"].published_at == datetime.datetime(2023, 7, 28, 8, tzinfo=datetime.UTC)
    assert articles["publie"].is_published
    assert articles["programme"].state == "scheduled"
    assert articles["programme"].published_at == datetime.datetime(
        2099, 1, 2, 8, tzinfo=datetime.UTC
    )
    assert articles["brouillon"].status == "draft"
    assert articles["relire"].status == "review"
    assert articles["prive"].status == "draft"
    assert articles["secret"].status == "draft"
    assert "jete" not in articles
    assert report.counts["post"] == {"created": 6, "skipped": 1}
    lost = {loss.address: loss.message for loss in report.losses}
    assert "brouillon" in lost["/2023/07/28/prive/"]
    assert "mot de passe" in lost["/2023/07/28/secret/"]


def test_fields_come_from_the_post(tmp_path):
    run(
        tmp_path,
        post(
            1,
            title="L’été des « blockbusters »",
            post_name="ete-blockbusters",
            excerpt="<p>Un chapô <em>court</em>.</p>",
            content="<p>Premier paragraphe.</p><p>Second paragraphe.</p>",
            is_sticky=1,
        ),
        post(2, post_name="autre"),
    )
    article = Article.objects.get(slug="ete-blockbusters")
    # Set in French as editors' titles are, with no-break spaces inside the quotes.
    assert article.title == "L’été des «\u00a0blockbusters\u00a0»"
    assert article.standfirst == "Un chapô court."
    assert "Premier paragraphe." in article.body
    assert "<p>Second paragraphe.</p>" in article.body_html
    assert article.is_featured
    assert Article.objects.published().headline() == article
    assert not Article.objects.get(slug="autre").is_featured


def test_authors_who_wrote_become_authors_without_account(tmp_path):
    unused = {"id": 3, "login": "ghost", "display_name": "Nobody"}
    run(
        tmp_path,
        post(1, creator="marie"),
        post(2, creator="paul"),
        post(3, creator="marie"),
        authors=(MARIE, PAUL, unused),
    )
    assert sorted(Author.objects.values_list("name", flat=True)) == ["Marie Curieux", "Paul Lenoir"]
    marie = Author.objects.get(name="Marie Curieux")
    assert marie.user is None
    assert marie.slug == "marie-curieux"
    assert list(Article.objects.get(slug="article-1").authors.all()) == [marie]
    assert marie.articles.count() == 2


def test_primary_category_is_the_section_and_the_others_tags(tmp_path):
    run(
        tmp_path,
        post(
            1,
            categories=[
                ("category", "series", "Séries"),
                ("category", "festivals", "Festivals"),
                ("post_tag", "cannes", "Cannes"),
                ("post_tag", "palme-d-or", "Palme d’or"),
            ],
        ),
        # Yoast's primary category wins over the order.
        post(
            2,
            categories=[("category", "cinema", "Cinéma"), ("category", "festivals", "Festivals")],
            postmeta={"_yoast_wpseo_primary_category": "12"},
        ),
        post(3, categories=[]),
    )
    first, second, third = (Article.objects.get(slug=f"article-{n}") for n in (1, 2, 3))
    assert first.section.name == "Séries"
    assert sorted(first.tags.names()) == ["Cannes", "Festivals", "Palme d’or"]
    assert second.section.name == "Festivals"
    assert list(second.tags.names()) == ["Cinéma"]
    assert third.section.slug == "non-classe"
    assert set(Section.objects.values_list("name", flat=True)) >= {"Séries", "Festivals"}
    # Never anyone's first category: a tag only, not a section.
    assert not Section.objects.filter(name="Cinéma").exists()


def test_existing_section_and_tag_are_reused(tmp_path):
    section = Section.objects.create(name="Cinéma", slug="le-cinema")
    tag = Tag.objects.create(name="cannes", slug="cannes")
    run(
        tmp_path,
        post(1, categories=[("category", "cinema", "Cinéma"), ("post_tag", "cannes", "Cannes")]),
    )
    article = Article.objects.get()
    assert article.section == section
    assert list(article.tags.all()) == [tag]


def test_duplicate_slugs_are_made_unique_and_reported(tmp_path):
    make_article(slug="avant-premiere")
    report = run(
        tmp_path,
        post(1, post_name="avant-premiere", title="Avant-première"),
        post(2, post_name="", title="Sans slug : le titre sert"),
        post(3, post_name="", title=""),
    )
    assert Article.objects.filter(slug="avant-premiere-2", title="Avant-première").exists()
    assert Article.objects.filter(slug="sans-slug-le-titre-sert").exists()
    untitled = Article.objects.get(title__startswith="Sans titre")
    assert untitled.title == "Sans titre (WordPress 3)"
    messages = [loss.message for loss in report.losses]
    assert any("«\u00a0avant-premiere-2\u00a0»" in message for message in messages)
    assert any("Sans titre" in message or "titre" in message for message in messages)


def test_unicode_slug_is_spelt_in_ascii(tmp_path):
    run(tmp_path, post(1, post_name="%c3%a9t%c3%a9-fran%c3%a7ais", title="Été français"))
    assert Article.objects.get().slug == "ete-francais"


def test_published_pages_become_site_pages(tmp_path):
    report = run(
        tmp_path,
        page(20, post_name="qui-sommes-nous", title="Qui sommes-nous ?", content="<p>Nous.</p>"),
        page(21, post_name="brouillon", status="draft"),
        # The footer's own page already answers at /contact/.
        page(22, post_name="contact", title="Nous écrire"),
    )
    about = SitePage.objects.get(slug="qui-sommes-nous")
    assert about.title == "Qui sommes-nous ?"
    assert "Nous." in about.body_html
    assert not SitePage.objects.filter(title="Article 21").exists()
    assert SitePage.objects.get(title="Nous écrire").slug == "contact-2"
    assert report.counts["page"] == {"created": 2, "skipped": 1}
    assert ImportedItem.objects.filter(kind="page").count() == 2
