"""
The same export twice updates and never duplicates; a killed import carries on where it
stopped; a dry run writes nothing.
"""

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.core.management import call_command
from taggit.models import Tag

from articles.models import Article, Section
from authors.models import Author
from images.models import Image
from redirects.models import Redirect
from sitepages.models import SitePage
from tests.factories import image_bytes
from tests.servers import BASE_DIR, copy_database, production_env
from wordpress.importer import import_wxr
from wordpress.models import ImportedItem

from .wxr_files import attachment, page, post, write

pytestmark = pytest.mark.django_db

TAGGED = [("category", "cinema", "Cinéma"), ("post_tag", "cannes", "Cannes")]


def magazine(edited=False):
    return [
        attachment(100, "2023/07/affiche.png"),
        post(1, categories=TAGGED, postmeta={"_thumbnail_id": "100"}),
        post(2, title="Titre corrigé" if edited else "Titre d’origine", categories=TAGGED),
        page(3, post_name="qui-sommes-nous"),
    ]


@pytest.fixture
def media(tmp_path):
    folder = tmp_path / "uploads" / "2023" / "07"
    folder.mkdir(parents=True)
    (folder / "affiche.png").write_bytes(image_bytes(200, 120))
    return tmp_path / "uploads"


def rows():
    return {
        model.__name__: model.objects.count()
        for model in (
            Article,
            Article.history.model,
            Author,
            Section,
            Tag,
            Image,
            SitePage,
            Redirect,
            ImportedItem,
        )
    }


def test_same_export_twice_duplicates_nothing(tmp_path, media):
    export = write(tmp_path / "export.xml", *magazine())
    import_wxr(export, media_dir=media)
    before = rows()
    report = import_wxr(export, media_dir=media)
    assert rows() == before
    assert report.counts["post"] == {"unchanged": 2}
    assert report.counts["page"] == {"unchanged": 1}
    assert report.counts["attachment"] == {"unchanged": 1}


def test_an_edited_post_is_updated_in_place(tmp_path, media):
    import_wxr(write(tmp_path / "export.xml", *magazine()), media_dir=media)
    article = Article.objects.get(title="Titre d’origine")
    before = rows()
    report = import_wxr(write(tmp_path / "export.xml", *magazine(edited=True)), media_dir=media)
    article.refresh_from_db()
    assert article.title == "Titre corrigé"
    assert report.counts["post"] == {"updated": 1, "unchanged": 1}
    # One more revision in the article's history; nothing else added.
    assert rows() == {**before, "HistoricalArticle": before["HistoricalArticle"] + 1}


def test_an_article_edited_here_is_not_overwritten(tmp_path, media):
    import_wxr(write(tmp_path / "export.xml", *magazine()), media_dir=media)
    article = Article.objects.get(title="Titre d’origine")
    article.title = "Retouché par la rédaction"
    article.save()
    report = import_wxr(write(tmp_path / "export.xml", *magazine(edited=True)), media_dir=media)
    article.refresh_from_db()
    assert article.title == "Retouché par la rédaction"
    assert any("laissé tel quel" in loss.message for loss in report.losses)


def test_dry_run_writes_nothing(tmp_path, media):
    before = rows()
    out = call_command_output(
        "import_wordpress",
        str(write(tmp_path / "export.xml", *magazine())),
        "--dry-run",
        "--media",
        str(media),
    )
    assert rows() == before
    assert not any(path.is_file() for path in (tmp_path / "media").rglob("*"))
    assert "Essai à blanc" in out
    assert "Articles\u00a0: 2 créés" in out


def test_command_prints_counts_and_each_loss_with_its_address(tmp_path):
    out = call_command_output("import_wordpress", str(write(tmp_path / "export.xml", *magazine())))
    assert "Articles\u00a0: 2 créés" in out
    assert "Pages\u00a0: 1 créés" in out
    assert "https://cinerevue.example/wp-content/uploads/2023/07/affiche.png\u00a0: " in out


def call_command_output(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def count(database, table, where="1"):
    with sqlite3.connect(database) as connection:
        sql = f"SELECT COUNT(*) FROM {table} WHERE {where}"  # noqa: S608 (the test's own words)
        return connection.execute(sql).fetchone()[0]


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="copies an SQLite file"
)
def test_killed_import_resumes_where_it_stopped(tmp_path, migrated_database):
    posts = [post(n, content=f"<p>Texte {n}.</p>" * 50) for n in range(1, 41)]
    export = write(tmp_path / "export.xml", *posts)
    env = production_env(tmp_path, DJANGO_DEBUG="1")
    copy_database(migrated_database, env)
    database = env["DATABASE_URL"].removeprefix("sqlite:///")
    command = [sys.executable, "manage.py", "import_wordpress", str(export)]
    process = subprocess.Popen(  # noqa: S603 (this venv's Python and our manage.py)
        command, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    posts_done = ("wordpress_importeditem", "kind = 'post'")
    while count(database, *posts_done) < 10:
        assert process.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    halfway = count(database, "articles_article")
    assert 10 <= halfway < 40
    # Whole items only: every article has its record, and the other way round.
    assert count(database, *posts_done) == halfway
    subprocess.run(command, cwd=BASE_DIR, env=env, check=True, capture_output=True)  # noqa: S603
    assert count(database, "articles_article") == 40
    assert count(database, *posts_done) == 40
    # Each post's permalink and /?p=, then the author's and the category's pages and feeds.
    assert count(database, "redirects_redirect") == 2 * 40 + 4
