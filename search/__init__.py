"""
Full-text search of articles, the same to callers whatever the database.

PostgreSQL keeps a weighted ``tsvector`` per article (title A, standfirst B, body C) in a
French configuration that ignores accents, with a GIN index. SQLite keeps an FTS5 table of
the same three texts, folded and stemmed here by the Snowball French stemmer (the algorithm
PostgreSQL uses), with the title weighted the most. Both are brought up to date when an
article is saved; every article is indexed, and ``published()`` decides at query time what a
reader may find, so a scheduled article becomes findable when its time comes.

Queries read as on a search engine: every word must appear, "quoted words" in that order,
-word must not, and ``or`` accepts either side.
"""

import functools
import re
import unicodedata
from collections import namedtuple
from html.parser import HTMLParser

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, Value
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from markup.rendering import replace_spoilers

POSTGRESQL_CONFIG = "screenmania_french"

# Longer queries are cut rather than refused: nobody types more, and each word costs a lookup.
MAX_QUERY_WORDS = 32

# French function words: in nearly every article, so they cannot tell two apart.
# PostgreSQL's french configuration drops its own list of them.
_STOP_WORDS = """
    a au aux avec c ce ces d dans de des du elle elles en est et il ils j je l la le les
    leur leurs lui m ma mais me mes moi mon n ne nos notre nous on ou par pas pour qu que
    qui s sa se ses son sur t ta te tes toi ton tu un une vos votre vous y
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_WORD = re.compile(r"[^\W_]+")
# Characters of PostgreSQL's own query syntax, which websearch_to_tsquery reads as spaces.
_QUERY_SYNTAX = re.compile(r"[():*&|!<>]")
# A quoted phrase, its closing quote optional, or a run of anything but spaces and quotes
# (« jean-luc », « d'or »: words joined by punctuation, read as a phrase); either may carry a
# leading minus.
_QUERY_PART = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')

Part = namedtuple("Part", "excluded words")


# Cached, as stem() is: excerpts fold every word of the text they look through.
@functools.lru_cache(maxsize=50_000)
def fold(word):
    """Lower case without accents, as PostgreSQL's unaccent makes it: « Œuvré » → « oeuvre »."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.replace("œ", "oe").replace("æ", "ae")


def words(text):
    return [fold(word) for word in _WORD.findall(text)]


# Pure-Python stemming costs tens of microseconds a word, and a text repeats most of its words.
@functools.lru_cache(maxsize=50_000)
def stem(word):
    # A stemmer keeps state while it works, so each call has its own: threads cannot share one.
    return snowballstemmer.stemmer("french").stemWord(word)


def stems(folded_words):
    return [stem(word) for word in folded_words if word not in STOP_WORDS]


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
        # One UPDATE per text: PostgreSQL parses and stems a constant once, when it plans
        # the statement, rather than once for each article sharing the text.
        by_text = {}
        for article in articles:
            by_text.setdefault(plain_text(article.body_html), []).append(article.pk)
        manager = type(articles[0])._default_manager.using(using)
        for text, pks in by_text.items():
            vector = (
                SearchVector(F("title"), config=POSTGRESQL_CONFIG, weight="A")
                + SearchVector(F("standfirst"), config=POSTGRESQL_CONFIG, weight="B")
                + SearchVector(Value(text), config=POSTGRESQL_CONFIG, weight="C")
            )
            manager.filter(pk__in=pks).update(search_vector=vector)

    @staticmethod
    def unindex(pk, using):
        """Nothing to do: the vector goes with the article's row."""

    @staticmethod
    def search(queryset, query, alternatives):
        search_query = SearchQuery(query, config=POSTGRESQL_CONFIG, search_type="websearch")
        matching = queryset.filter(search_vector=search_query)
        # PostgreSQL finds the newest matches by the GIN index for a rare word, down
        # article_listing_idx for a common one, whichever its statistics say is shorter.
        return (
            queryset.filter(pk__in=_newest(matching))
            .annotate(search_rank=SearchRank(F("search_vector"), search_query))
            .order_by("-search_rank", "-published_at", "-id")
        )


class _SQLite:
    @staticmethod
    def index(articles, using):
        # Stemming is slow in pure Python: a text shared by several articles is stemmed once.
        body_stems = {}
        rows = []
        for article in articles:
            if article.body_html not in body_stems:
                body_text = plain_text(article.body_html)
                body_stems[article.body_html] = " ".join(stems(words(body_text)))
            rows.append(
                [
                    article.pk,
                    " ".join(stems(words(article.title))),
                    " ".join(stems(words(article.standfirst))),
                    body_stems[article.body_html],
                ]
            )
        with connections[using].cursor() as cursor:
            cursor.executemany(
                "INSERT OR REPLACE INTO articles_article_search (rowid, title, standfirst, body) "
                "VALUES (%s, %s, %s, %s)",
                rows,
            )

    @staticmethod
    def unindex(pk, using):
        with connections[using].cursor() as cursor:
            cursor.execute("DELETE FROM articles_article_search WHERE rowid = %s", [pk])

    @staticmethod
    def search(queryset, query, alternatives):
        expression = _fts5_expression(alternatives)
        if not expression:
            return queryset.none()
        # A join with the FTS5 table, not a subquery per article: one full-text cursor
        # reads each word's matches once and ranks them all, where a correlated
        # bm25() would read them again for every article (minutes at 100,000 articles
        # for a common word). QuerySet.extra() is the one way to join a virtual table.
        # bm25() is lower for a better match. Its weights follow the columns: a word in the
        # title counts ten times one in the body, one in the standfirst four times.
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
                select={"search_rank": "bm25(articles_article_search, 10.0, 4.0, 1.0)"},
            )
            .order_by("search_rank", "-published_at", "-id")
        )


def _fts5_expression(alternatives):
    """
    An FTS5 query made of stems only, each quoted: nothing a reader types (quotes, *, :,
    parentheses, NEAR, AND) reaches FTS5 as syntax.
    """
    clauses = []
    for parts in alternatives:
        wanted, unwanted = [], []
        for part in parts:
            part_stems = stems(part.words)
            if part_stems:
                phrase = '"{}"'.format(" ".join(part_stems))
                (unwanted if part.excluded else wanted).append(phrase)
        if wanted:
            clauses.append(
                "(" + " AND ".join(wanted) + "".join(f" NOT {p}" for p in unwanted) + ")"
            )
    return " OR ".join(clauses)


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


def unindex(pk, using):
    """Removes a deleted article's search entry."""
    _backend(using).unindex(pk, using)


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
        word_stem
        for parts in parse(query)
        for part in parts
        if not part.excluded
        for word_stem in stems(part.words)
    }
    articles = list(articles)
    for article in articles:
        article.search_excerpt = excerpt(
            # Never a spoiler's words, which the page keeps closed.
            f"{article.standfirst} {plain_text(replace_spoilers(article.body_html, str))}",
            wanted,
        )
    return articles


def excerpt(text, wanted_stems):
    tokens = list(_WORD.finditer(text))
    if not tokens:
        return ""
    # Stemming is slow in pure Python. Snowball rewrites at most the last three letters of
    # a stem, so a word that does not start like a wanted stem cannot have it: most words
    # are ruled out without being stemmed.
    prefixes = tuple(wanted[: max(1, len(wanted) - 3)] for wanted in wanted_stems)

    def matches(token):
        word = fold(token.group())
        return bool(prefixes) and word.startswith(prefixes) and stem(word) in wanted_stems

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
