"""
Full-text search: on PostgreSQL a French configuration that ignores accents and a GIN index
on the article's vector; on SQLite an FTS5 table. Existing articles are indexed.

The GIN index is created here rather than declared in Article.Meta: SQLite rebuilds a
table's declared indexes whenever it alters the table, and cannot build this one.
"""

import django.contrib.postgres.search
from django.db import migrations

import search

# Django's UnaccentExtension cannot be reversed on SQLite: its reverse looks for the
# extension in PostgreSQL's catalogue whatever the database.
CREATE = {
    "postgresql": [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        "CREATE TEXT SEARCH CONFIGURATION screenmania_french (COPY = pg_catalog.french)",
        # Words with accents (and hyphenated ones) lose them before stemming, so that
        # « cinéma » and « cinema » give the same lexeme; plain ASCII words need no unaccent.
        "ALTER TEXT SEARCH CONFIGURATION screenmania_french "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
        "CREATE INDEX article_search_idx ON articles_article USING gin (search_vector)",
    ],
    "sqlite": [
        "CREATE VIRTUAL TABLE articles_article_search USING fts5("
        "title, standfirst, body, tokenize = 'unicode61 remove_diacritics 2')",
    ],
}
DROP = {
    "postgresql": [
        "DROP INDEX IF EXISTS article_search_idx",
        "DROP TEXT SEARCH CONFIGURATION IF EXISTS screenmania_french",
        "DROP EXTENSION IF EXISTS unaccent",
    ],
    "sqlite": ["DROP TABLE IF EXISTS articles_article_search"],
}


def create_index(apps, schema_editor):
    for statement in CREATE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def index_existing_articles(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    articles = Article.objects.using(schema_editor.connection.alias)
    for article in articles.only("title", "standfirst", "body_html").iterator():
        search.index(article)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0004_body_images"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(index_existing_articles, migrations.RunPython.noop),
    ]
