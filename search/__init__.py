"""
Full-text search of articles, the same to callers whatever the database, and the films,
series and authors a query names.

Words match by their French lemma, the form a dictionary lists: « séries » finds « série »,
« critiques » « critique », « actrices » « acteur », but « série » does not find « sera » or
« serait », which the Snowball stemmer used before cut to the same root. Accents and case
are folded first, so « realisatrice » finds « réalisatrice »; a word the table does not know
(a name, a title) matches as written. Articles having every word as typed come first, then
by where the words are (title above standfirst above body), then the newest.

The lemmas are simplemma's French table, folded (search/lemmatizer.py), the same on both
databases. PostgreSQL keeps a weighted ``tsvector`` per article (title A, standfirst B,
body C) in the configuration ``screenmania_french`` (unaccent, the stop words, a synonym
dictionary of the table, then the word as written), with a GIN index; the words as typed
are in it too, each behind an "=" and weighted D. The dictionaries' files are written on
the database server by ``scripts/services.sh postgres``; without them the configuration
matches words as written, accents folded, and ``manage.py check --database default`` says
so. (PostgreSQL's Ispell dictionary fed by Debian's hunspell-fr was tried first: it reads
the French affix rules loosely and invents lemmas, « sa » → savoir, « fait » → fer, « mois »
→ moitir.) SQLite keeps an FTS5 table of the lemmas of the same three texts and a fourth
column of the words as typed. Both are brought up to date when an article is saved; every
article is indexed, and ``published()`` decides at query time what a reader may find, so a
scheduled article becomes findable when its time comes. ``manage.py reindex_search``
indexes them all again.

Queries read as on a search engine: every word must appear, "quoted words" in that order,
-word must not, and ``or`` accepts either side.
"""

import functools
import re
from collections import namedtuple
from html.parser import HTMLParser

from django.contrib.postgres.search import (
    SearchQuery,
    SearchQueryField,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import DatabaseError, connections, transaction
from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, Lower
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from markup.rendering import replace_spoilers

from . import lemmatizer
from .lemmatizer import STOP_WORDS, fold_text, lemma
from .lemmatizer import WORD as _WORD

POSTGRESQL_CONFIG = "screenmania_french"
# PostgreSQL's synonym and simple dictionaries of the lemmas and stop words SQLite uses,
# from the files search/lemmatizer.py writes into PostgreSQL's tsearch_data.
POSTGRESQL_DICTIONARY = "screenmania_french_lemmas"
POSTGRESQL_STOP_WORDS = "screenmania_french_stop"
# Before a word as typed in an article's vector, so that it never matches a lemma.
EXACT_MARK = "="

# Longer queries are cut rather than refused: nobody types more, and each word costs a lookup.
MAX_QUERY_WORDS = 32

# Characters of PostgreSQL's own query syntax, which websearch_to_tsquery reads as spaces.
_QUERY_SYNTAX = re.compile(r"[():*&|!<>]")
# A quoted phrase, its closing quote optional, or a run of anything but spaces and quotes
# (« jean-luc », « d'or »: words joined by punctuation, read as a phrase); either may carry a
# leading minus.
_QUERY_PART = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')

Part = namedtuple("Part", "excluded words")


# Cached: excerpts fold every word of the text they look through, saves every word of theirs.
@functools.lru_cache(maxsize=50_000)
def fold(word):
    return fold_text(word)


def words(text):
    return [fold(word) for word in _WORD.findall(text)]


def lemmas(folded_words):
    return [lemma(word) for word in folded_words if word not in STOP_WORDS]


def exact_words(folded_words):
    return [word for word in folded_words if word not in STOP_WORDS]


def typed_words(parts):
    """The words of an alternative that an article must have as typed to come first."""
    return [word for part in parts if not part.excluded for word in exact_words(part.words)]


def parse(query):
    """
    The query as websearch_to_tsquery reads it: a list of alternatives (what ``or``
    separates), each a list of parts that must all hold. Only alternatives asking for at
    least one word are kept.
    """
    matches = list(_QUERY_PART.finditer(_QUERY_SYNTAX.sub(" ", query)))
    alternatives = [[]]
    count = 0
    for position, match in enumerate(matches):
        minus_phrase, phrase, minus_word, word = match.groups()
        # « or » between two groups of words is the operator; anywhere else it is the
        # French word (« l'âge d'or »).
        between = bool(alternatives[-1]) and position + 1 < len(matches)
        if word is not None and word.lower() == "or" and not minus_word and between:
            alternatives.append([])
            continue
        part_words = words(phrase if phrase is not None else word)[: MAX_QUERY_WORDS - count]
        if part_words:
            count += len(part_words)
            alternatives[-1].append(Part(bool(minus_phrase or minus_word), part_words))
    return [parts for parts in alternatives if any(not part.excluded for part in parts)]


def plain_text(html_text):
    """The words of rendered HTML with single spaces between blocks, for indexing and excerpts."""
    parser = _TextParser()
    parser.feed(html_text or "")
    parser.close()
    return re.sub(r"[ \t\r\n]+", " ", "".join(parser.parts)).strip()


class _TextParser(HTMLParser):
    # Inline elements run on within a sentence; any other tag (a paragraph, a list item,
    # a table cell, a note call) separates the words on either side of it.
    _INLINE = frozenset(
        {"a", "abbr", "b", "cite", "code", "del", "em", "i", "ins", "kbd", "mark", "q"}
        | {"s", "small", "span", "strong", "sub", "time", "u"}
    )

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag not in self._INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag not in self._INLINE:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


class _PostgreSQL:
    @staticmethod
    def index(articles, using):
        # One UPDATE per text: PostgreSQL parses and looks up a constant once, when it plans
        # the statement, rather than once for each article sharing the text.
        by_text = {}
        for article in articles:
            by_text.setdefault(plain_text(article.body_html), []).append(article.pk)
        manager = type(articles[0])._default_manager.using(using)
        for text, pks in by_text.items():
            vector = CombinedExpression(
                SearchVector(F("title"), config=POSTGRESQL_CONFIG, weight="A")
                + SearchVector(F("standfirst"), config=POSTGRESQL_CONFIG, weight="B")
                + SearchVector(Value(text), config=POSTGRESQL_CONFIG, weight="C"),
                "||",
                _TypedWords(F("title"), F("standfirst"), Value(text)),
                output_field=SearchVectorField(),
            )
            manager.filter(pk__in=pks).update(search_vector=vector)

    @staticmethod
    def unindex(pk, using):
        """Nothing to do: the vector goes with the article's row."""

    @staticmethod
    def forget_missing(using):
        """Nothing to do: the vectors go with the articles' rows."""

    @staticmethod
    def search(queryset, query, alternatives):
        search_query = SearchQuery(query, config=POSTGRESQL_CONFIG, search_type="websearch")
        matching = queryset.filter(search_vector=search_query)
        typed = _typed_words_tsquery(alternatives)
        has_typed_words = Value(False)
        if typed:
            has_typed_words = Func(
                F("search_vector"),
                Cast(Value(typed), SearchQueryField()),
                arg_joiner=" @@ ",
                template="(%(expressions)s)",
                output_field=BooleanField(),
            )
        # PostgreSQL finds the newest matches by the GIN index for a rare word, down
        # article_listing_idx for a common one, whichever its statistics say is shorter.
        return (
            queryset.filter(pk__in=_newest(matching))
            .annotate(
                search_typed=has_typed_words,
                search_rank=SearchRank(F("search_vector"), search_query),
            )
            .order_by("-search_typed", "-search_rank", "-published_at", "-id")
        )


class _TypedWords(Func):
    """
    The words of the texts as typed, accents folded, each behind EXACT_MARK and weighted D:
    what ranks « critiques » above « critique » for a reader who typed the first.
    """

    template = (
        "setweight(array_to_tsvector(ARRAY(SELECT '" + EXACT_MARK + "' || lexeme "
        "FROM unnest(to_tsvector('screenmania_typed', concat_ws(' ', %(expressions)s))))), 'D')"
    )
    output_field = SearchVectorField()


def _typed_words_tsquery(alternatives):
    """
    A tsquery literal: every word as typed, folded, in one alternative at least; empty
    for a query of stop words.
    """
    clauses = []
    for parts in alternatives:
        typed = typed_words(parts)
        if typed:
            clauses.append("(" + " & ".join(f"'{EXACT_MARK}{word}'" for word in typed) + ")")
    return " | ".join(clauses)


class _SQLite:
    @staticmethod
    def index(articles, using):
        # A text shared by several articles (generated ones) is read once.
        body_words = {}
        rows = []
        for article in articles:
            if article.body_html not in body_words:
                body_words[article.body_html] = words(plain_text(article.body_html))
            body = body_words[article.body_html]
            title, standfirst = words(article.title), words(article.standfirst)
            rows.append(
                [
                    article.pk,
                    " ".join(lemmas(title)),
                    " ".join(lemmas(standfirst)),
                    " ".join(lemmas(body)),
                    " ".join(exact_words([*title, *standfirst, *body])),
                ]
            )
        with connections[using].cursor() as cursor:
            cursor.executemany(
                "INSERT OR REPLACE INTO articles_article_search "
                "(rowid, title, standfirst, body, typed) VALUES (%s, %s, %s, %s, %s)",
                rows,
            )

    @staticmethod
    def unindex(pk, using):
        with connections[using].cursor() as cursor:
            cursor.execute("DELETE FROM articles_article_search WHERE rowid = %s", [pk])

    @staticmethod
    def forget_missing(using):
        connection = connections[using]
        if "articles_article_search" not in connection.introspection.table_names():
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM articles_article_search "
                "WHERE rowid NOT IN (SELECT id FROM articles_article)"
            )

    @staticmethod
    def search(queryset, query, alternatives):
        expression = _fts5_expression(alternatives)
        if not expression:
            return queryset.none()
        # A join with the FTS5 table, not a subquery per article: one full-text cursor
        # reads each word's matches once and ranks them all, where a correlated
        # bm25() would read them again for every article (minutes at 100,000 articles
        # for a common word). QuerySet.extra() is the one way to join a virtual table.
        # Articles having every word as typed come first (an uncorrelated subquery, read
        # once). bm25() is lower for a better match. Its weights follow the columns: a lemma
        # in the title counts ten times one in the body, one in the standfirst four times.
        # The newest matches, down article_listing_idx: "+" keeps SQLite from starting at
        # the full-text matches instead, all 97,000 of them for a common word, to sort them
        # by date. The unqualified "id" is the article's, in the subquery _newest() makes.
        matching = queryset.extra(
            where=[
                "+id IN (SELECT rowid FROM articles_article_search "
                "WHERE articles_article_search MATCH %s)"
            ],
            params=[expression],
        )
        return (
            queryset.filter(pk__in=_newest(matching))
            .extra(
                tables=["articles_article_search"],
                where=[
                    "articles_article_search.rowid = articles_article.id",
                    "articles_article_search MATCH %s",
                ],
                params=[expression],
                select={
                    "search_typed": (
                        "articles_article.id IN (SELECT rowid FROM articles_article_search "
                        "WHERE articles_article_search MATCH %s)"
                    ),
                    "search_rank": "bm25(articles_article_search, 10.0, 4.0, 1.0, 0.0)",
                },
                select_params=[_fts5_typed_words(alternatives)],
            )
            .order_by("-search_typed", "search_rank", "-published_at", "-id")
        )


def _fts5_expression(alternatives):
    """
    An FTS5 query made of lemmas only, each quoted, in the columns of lemmas: nothing a
    reader types (quotes, *, :, parentheses, NEAR, AND) reaches FTS5 as syntax.
    """
    clauses = []
    for parts in alternatives:
        wanted, unwanted = [], []
        for part in parts:
            part_lemmas = lemmas(part.words)
            if part_lemmas:
                phrase = '"{}"'.format(" ".join(part_lemmas))
                (unwanted if part.excluded else wanted).append(phrase)
        if wanted:
            clauses.append(
                "(" + " AND ".join(wanted) + "".join(f" NOT {p}" for p in unwanted) + ")"
            )
    return "{title standfirst body} : (" + " OR ".join(clauses) + ")" if clauses else ""


def _fts5_typed_words(alternatives):
    """Every word as typed, in one alternative at least, in the column of typed words."""
    clauses = []
    for parts in alternatives:
        typed = typed_words(parts)
        if typed:
            clauses.append("(" + " AND ".join(f'"{word}"' for word in typed) + ")")
    # Never empty: _fts5_expression() found a word that is no stop word.
    return "typed : (" + " OR ".join(clauses) + ")"


_BACKENDS = {"postgresql": _PostgreSQL, "sqlite": _SQLite}


def _backend(alias):
    return _BACKENDS[connections[alias].vendor]


def index(*articles):
    """
    Brings the search entries of ``articles`` (one, from save(), or a bulk insert's, all
    from one database) in line with what was just saved.
    """
    if articles:
        using = articles[0]._state.db
        _backend(using).index(articles, using)


def index_all(articles, batch_size=500):
    """Indexes ``articles`` (a queryset) again, a batch at a time; returns how many."""
    batch, count = [], 0
    for article in articles.only("title", "standfirst", "body_html").iterator(batch_size):
        batch.append(article)
        if len(batch) == batch_size:
            index(*batch)
            count, batch = count + len(batch), []
    index(*batch)
    return count + len(batch)


def unindex(pk, using):
    """Removes a deleted article's search entry."""
    _backend(using).unindex(pk, using)


def forget_missing(using):
    """
    Removes the entries of articles no longer there. ``manage.py flush`` empties the
    articles in SQL, which no post_delete hears; the ids start again from 1, and a new
    article would be found by the words of the one that had its id before.
    """
    _backend(using).forget_missing(using)


# A search ranks the newest articles that match, this many at most, and one more to tell
# that there are more. Ranking every match of a common word (« film ») took 1.3 s at 100,000
# articles on PostgreSQL, for a reader who reads the first page (bench/explain.md).
MAX_RANKED = 1000


def _newest(matching):
    return matching.order_by("-published_at", "-id").values("pk")[: MAX_RANKED + 1]


def find(queryset, query):
    """
    ``queryset`` narrowed to the articles matching ``query``, best match first, then newest;
    past MAX_RANKED matches, the best among the newest of them.
    """
    # PostgreSQL refuses NUL in any text, a query parameter included.
    query = query.replace("\x00", " ")
    alternatives = parse(query)
    if not alternatives:
        return queryset.none()
    return _backend(queryset.db).search(queryset, query, alternatives)


def named(queryset, query, *fields):
    """
    ``queryset`` narrowed to the rows whose ``fields`` hold, between them, every word of
    ``query`` as a whole word, accents and case folded: « ines marchand » finds Inès
    Marchand, « dune » finds Dune and not Dunes. For the films, series and people a reader
    names, a few hundred rows: each is read, with no index.
    """
    folded = {f"{field}_folded": Func(Lower(field), function="unaccent") for field in fields}
    alternatives = Q()
    for parts in parse(query.replace("\x00", " ")):
        every_word = Q()
        for word in (word for part in parts if not part.excluded for word in part.words):
            # The same pattern for PostgreSQL's ~ and Python's re (SQLite's REGEXP in Django).
            pattern = rf"(^|\W){re.escape(word)}($|\W)"
            in_a_field = Q()
            for name in folded:
                in_a_field |= Q(**{f"{name}__regex": pattern})
            every_word &= in_a_field
        alternatives |= every_word
    if not alternatives:
        return queryset.none()
    return queryset.alias(**folded).filter(alternatives)


def add_unaccent(connection):
    """Gives SQLite PostgreSQL's unaccent(), as fold_text(): named() calls it on both."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "unaccent",
            1,
            lambda text: None if text is None else fold_text(text),
            deterministic=True,
        )


_WORD_TYPES = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"


def configure(connection):
    """
    Sets up PostgreSQL's text search configurations and returns whether words match by
    their lemmas: without the files of the lemmas (scripts/services.sh writes them),
    ``screenmania_french`` matches words as written, accents folded, and
    ``manage.py check --database default`` says so. The index must be built again after.
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:

        def map_words(configuration, dictionaries):
            cursor.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {configuration} "
                f"ALTER MAPPING FOR {_WORD_TYPES} WITH {dictionaries}"
            )

        cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        cursor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS screenmania_typed")
        cursor.execute("CREATE TEXT SEARCH CONFIGURATION screenmania_typed (COPY = simple)")
        map_words("screenmania_typed", "unaccent, simple")
        # Words as written first: then nothing uses the dictionaries, made again below.
        map_words(POSTGRESQL_CONFIG, "unaccent, simple")
        try:
            # PostgreSQL reads a dictionary's files as it creates it: missing, it refuses.
            with transaction.atomic(using=connection.alias):
                for dictionary in (POSTGRESQL_STOP_WORDS, POSTGRESQL_DICTIONARY):
                    cursor.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {dictionary}")
                cursor.execute(
                    f"CREATE TEXT SEARCH DICTIONARY {POSTGRESQL_STOP_WORDS} "
                    f"(TEMPLATE = simple, StopWords = {lemmatizer.NAME}, Accept = false)"
                )
                cursor.execute(
                    f"CREATE TEXT SEARCH DICTIONARY {POSTGRESQL_DICTIONARY} "
                    f"(TEMPLATE = synonym, Synonyms = {lemmatizer.NAME})"
                )
        except DatabaseError:
            pass
        else:
            # Stop words go; a word the table does not know (a name) is kept as written.
            map_words(
                POSTGRESQL_CONFIG,
                f"unaccent, {POSTGRESQL_STOP_WORDS}, {POSTGRESQL_DICTIONARY}, simple",
            )
    return uses_lemmas(connection)


def uses_lemmas(connection):
    """
    Whether ``connection``'s index matches words by their lemmas: always on SQLite; on
    PostgreSQL once configure() found the dictionary. None before the configuration exists.
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bool_or(dictionary.dictname = %s) FROM pg_ts_config configuration "
            "JOIN pg_ts_config_map map ON map.mapcfg = configuration.oid "
            "JOIN pg_ts_dict dictionary ON dictionary.oid = map.mapdict "
            "WHERE configuration.cfgname = %s",
            [POSTGRESQL_DICTIONARY, POSTGRESQL_CONFIG],
        )
        return cursor.fetchone()[0]


# An excerpt shows the words around the first matches, or the opening words when only the
# title matched.
EXCERPT_WORDS = 30
FRAGMENT_WORDS = 18
WORDS_BEFORE_MATCH = 6
MAX_FRAGMENTS = 2


def with_excerpts(articles, query):
    """
    ``articles`` as a list, each given ``search_excerpt``: safe HTML of the passages that
    match, the matching words in ``<mark>``, everything else escaped. Built for the few
    articles a page shows, as it reads each one's whole text.
    """
    wanted = {
        word_lemma
        for parts in parse(query)
        for part in parts
        if not part.excluded
        for word_lemma in lemmas(part.words)
    }
    articles = list(articles)
    for article in articles:
        article.search_excerpt = excerpt(
            # Never a spoiler's words, which the page keeps closed.
            f"{article.standfirst} {plain_text(replace_spoilers(article.body_html, str))}",
            wanted,
        )
    return articles


def excerpt(text, wanted_lemmas):
    tokens = list(_WORD.finditer(text))
    if not tokens:
        return ""

    def matches(token):
        # The index's lemmas, on either database: PostgreSQL reads the same table.
        return lemma(fold(token.group())) in wanted_lemmas

    fragments, marked = [], set()
    for position, token in enumerate(tokens):
        if len(fragments) == MAX_FRAGMENTS and position >= fragments[-1][1]:
            break
        if not matches(token):
            continue
        marked.add(position)
        if fragments and position < fragments[-1][1]:
            continue
        start = max(position - WORDS_BEFORE_MATCH, fragments[-1][1] if fragments else 0)
        fragments.append((start, min(len(tokens), start + FRAGMENT_WORDS)))
    if not fragments:
        fragments = [(0, min(len(tokens), EXCERPT_WORDS))]

    def fragment_html(start, end):
        html, cursor = [], tokens[start].start()
        for position in range(start, end):
            token = tokens[position]
            html.append(escape(text[cursor : token.start()]))
            if position in marked:
                html.append(format_html("<mark>{}</mark>", token.group()))
            else:
                html.append(escape(token.group()))
            cursor = token.end()
        return "".join(html)

    # Two fragments that touch read as one passage.
    passages = []
    for start, end in fragments:
        if passages and passages[-1][1] == start:
            passages[-1] = (passages[-1][0], end)
        else:
            passages.append((start, end))
    html = " … ".join(fragment_html(start, end) for start, end in passages)
    if passages[0][0] > 0:
        html = "… " + html
    if passages[-1][1] < len(tokens):
        html += " …"
    # Safe: every piece of the text went through escape() or format_html().
    return mark_safe(html)  # noqa: S308
