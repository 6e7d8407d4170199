"""
Search by French lemmas rather than Snowball stems (search/__init__.py): on PostgreSQL the
Ispell dictionary, or words as written, accents folded, when its files are missing (then
``manage.py check --database default`` warns, and ``manage.py reindex_search`` applies it
once they are installed); on SQLite an FTS5 table with a column of the words as typed.
Every article is indexed again, so a deployment's ``migrate`` is all it takes.

Reversed, the tables and configuration are as articles' 0005 made them, but empty: the
release before this one indexes with ``manage.py reindex_search`` of its own, or by saving.
"""

from django.db import migrations

import search

FTS5_OPTIONS = "tokenize = 'unicode61 remove_diacritics 2'"


def use_lemmas(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS articles_article_search")
        schema_editor.execute(
            "CREATE VIRTUAL TABLE articles_article_search USING fts5("
            f"title, standfirst, body, typed, {FTS5_OPTIONS})"
        )
    else:
        search.configure(connection)


def use_stems(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS articles_article_search")
        schema_editor.execute(
            "CREATE VIRTUAL TABLE articles_article_search USING fts5("
            f"title, standfirst, body, {FTS5_OPTIONS})"
        )
    else:
        schema_editor.execute(
            "ALTER TEXT SEARCH CONFIGURATION screenmania_french "
            "ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH french_stem"
        )
        schema_editor.execute(
            "ALTER TEXT SEARCH CONFIGURATION screenmania_french "
            "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem"
        )
        for dictionary in (search.POSTGRESQL_DICTIONARY, search.POSTGRESQL_STOP_WORDS):
            schema_editor.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {dictionary}")
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS screenmania_typed")


def index_every_article(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    search.index_all(Article.objects.using(schema_editor.connection.alias))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_article_byline_and_tags"),
    ]

    operations = [
        migrations.RunPython(use_lemmas, use_stems),
        migrations.RunPython(index_every_article, migrations.RunPython.noop),
    ]
