"""
The search page, as a reader uses it. The same tests run on SQLite (FTS5 and simplemma's
lemmas in Python) and on PostgreSQL (the same lemmas in a text-search configuration): CI
runs the suite once on each, and both must agree.
"""

from datetime import timedelta
from importlib import import_module
from io import StringIO
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import search
from articles.models import Article
from search.apps import check_lemma_dictionary
from tests.factories import make_article, make_author, make_image, make_section, make_work
from tests.pages import soup, text
from works.models import Work

pytestmark = pytest.mark.django_db


def found(client, query):
    """The URLs of the articles the search page lists for ``query``, in order."""
    page = soup(client.get("/recherche/", {"q": query}))
    return [a["href"] for a in page.select(".card__title a")]


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Une projection en plein air", "projections"),
        ("Trois projections en plein air", "projection"),
        ("Le festival de Cannes", "festivals"),
        ("Les festivals d'été", "festival"),
        ("Les documentaires de l'année", "documentaire"),
    ],
)
def test_other_forms_of_a_word_find_it(client, written, typed):
    article = make_article(body=written)
    make_article(body="Rien à voir.")
    assert found(client, typed) == [article.get_absolute_url()]


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Le cinéma français", "cinema"),
        ("Le cinema italien", "cinéma"),
        ("Une grève à Hollywood", "GREVE"),
        ("Un dernier rôle", "role"),
        ("Une œuvre majeure", "oeuvre"),
    ],
)
def test_accents_and_case_do_not_matter(client, written, typed):
    article = make_article(title=written)
    assert found(client, typed) == [article.get_absolute_url()]


# French queries both databases must answer alike: a word finds its other forms by their
# lemma, whatever the accents, and never a word that only starts the same way.
@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Une série policière", "séries"),
        ("Les séries de l'automne", "série"),
        ("Les séries de l'automne", "SERIES"),
        ("Une critique sévère", "critiques"),
        ("Les critiques sont unanimes", "critique"),
        ("Les actrices du film", "acteur"),
        ("Un acteur de génie", "actrices"),
        ("La réalisatrice du film", "realisatrice"),
        ("La realisatrice du film", "réalisatrice"),
        ("Les réalisatrices invitées", "réalisateur"),
        ("Les yeux de la nuit", "œil"),
        ("Des chevaux sauvages", "cheval"),
        ("Le tournage était long", "être"),
    ],
)
def test_a_french_word_finds_its_other_forms(client, written, typed):
    article = make_article(body=written)
    make_article(body="Rien à voir.")
    assert found(client, typed) == [article.get_absolute_url()]


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Le film sera en salles mercredi", "série"),
        ("Le tournage serait terminé", "série"),
        ("Le film sera en salles mercredi", "séries"),
        ("Une série policière", "sera"),
        ("Une série policière", "serait"),
        ("Le sérieux de la mise en scène", "série"),
        ("Une critique sévère", "critère"),
        ("Les actrices du film", "action"),
    ],
)
def test_words_sharing_only_a_root_do_not_match(client, written, typed):
    make_article(body=written)
    assert found(client, typed) == []


@pytest.mark.parametrize(("typed", "first"), [("critiques", 0), ("critique", 1)])
def test_the_word_as_typed_ranks_above_another_form(client, typed, first):
    """At the same place in the text; older and newer each way, so the date decides nothing."""
    articles = [
        make_article(body="Trois critiques du film.", published_at=hours_ago(48)),
        make_article(body="Une critique du film.", published_at=hours_ago(1)),
    ]
    assert found(client, typed)[0] == articles[first].get_absolute_url()
    assert len(found(client, typed)) == 2


def test_the_word_as_typed_ignores_accents_when_it_ranks(client):
    plural = make_article(body="Les réalisatrices du festival.", published_at=hours_ago(1))
    singular = make_article(body="La réalisatrice du festival.", published_at=hours_ago(48))
    assert found(client, "realisatrice") == [
        singular.get_absolute_url(),
        plural.get_absolute_url(),
    ]


def test_the_word_as_typed_ranks_first_even_against_another_form_in_a_title(client):
    in_title = make_article(title="La critique de la semaine", published_at=hours_ago(1))
    in_body = make_article(body="Trois critiques en une page.", published_at=hours_ago(48))
    assert found(client, "critiques") == [in_body.get_absolute_url(), in_title.get_absolute_url()]
    assert found(client, "critique") == [in_title.get_absolute_url(), in_body.get_absolute_url()]


def test_title_match_ranks_above_body_match(client):
    in_title = make_article(title="Le western revient", published_at=hours_ago(48))
    in_body = make_article(body="On parle encore du western.", published_at=hours_ago(1))
    assert found(client, "western") == [in_title.get_absolute_url(), in_body.get_absolute_url()]


def test_standfirst_match_ranks_above_body_match(client):
    in_standfirst = make_article(standfirst="Le polar coréen.", published_at=hours_ago(48))
    in_body = make_article(body="Un polar de plus.", published_at=hours_ago(1))
    assert found(client, "polar") == [
        in_standfirst.get_absolute_url(),
        in_body.get_absolute_url(),
    ]


def test_newest_first_between_equal_matches(client):
    fields = {"title": "Cannes", "standfirst": "Le palmarès.", "body": "La palme."}
    older = make_article(published_at=hours_ago(30), **fields)
    newest = make_article(published_at=hours_ago(2), **fields)
    middle = make_article(published_at=hours_ago(10), **fields)
    assert found(client, "palme") == [
        newest.get_absolute_url(),
        middle.get_absolute_url(),
        older.get_absolute_url(),
    ]


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"published_at": timezone.now() + timedelta(days=2)},
    ],
    ids=["draft", "review", "scheduled"],
)
def test_unpublished_articles_are_never_found(client, hidden):
    public = make_article(title="Tournage à Marseille")
    make_article(title="Tournage secret à Marseille", body="Tournage.", **hidden)
    assert found(client, "tournage") == [public.get_absolute_url()]
    assert found(client, "secret") == []


def test_scheduled_article_is_found_once_its_time_comes(client):
    article = make_article(title="Avant-première", published_at=timezone.now() + timedelta(hours=1))
    assert found(client, "avant-première") == []
    # No save at its time: the clock alone, as in production (the page cache included).
    with mock.patch("django.utils.timezone.now", return_value=article.published_at):
        assert found(client, "avant-première") == [article.get_absolute_url()]


def test_index_follows_an_edit(client):
    article = make_article(title="Le mystère de Nantes", body="Un tournage.")
    article.title = "Le secret de Lyon"
    article.body = "Un montage."
    article.save()
    assert found(client, "Nantes") == []
    assert found(client, "tournage") == []
    assert found(client, "Lyon") == [article.get_absolute_url()]
    assert found(client, "montage") == [article.get_absolute_url()]


def test_deleted_article_is_not_found_and_its_words_go_with_it(client):
    gone = make_article(title="Un film perdu")
    gone.delete()
    assert found(client, "perdu") == []
    assert Article.objects.search("perdu").count() == 0
    kept = make_article(title="Un film retrouvé")
    assert found(client, "film") == [kept.get_absolute_url()]


def test_bulk_deleted_articles_leave_nothing_in_the_index(client):
    # The admin's "delete selected" deletes a queryset, which never calls Article.delete().
    make_article(title="Un court métrage oublié")
    Article.objects.filter(title__contains="oublié").delete()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM articles_article_search")
            assert cursor.fetchone() == (0,)
    assert found(client, "oublié") == []


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_nothing_in_the_index():
    make_article(title="Un court métrage oublié")
    # flush empties the articles in SQL, without a post_delete for each.
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM articles_article_search")
            assert cursor.fetchone() == (0,)


def test_every_word_must_appear(client):
    both = make_article(title="Netflix et le documentaire")
    make_article(title="Netflix rachète un studio")
    assert found(client, "documentaire netflix") == [both.get_absolute_url()]


def test_quotes_minus_and_or_work_as_on_a_search_engine(client):
    nouvelle_vague = make_article(title="La nouvelle vague japonaise", published_at=hours_ago(1))
    vague = make_article(title="Une vague nouvelle de séries", published_at=hours_ago(2))
    netflix = make_article(title="Séries Netflix", published_at=hours_ago(3))
    assert found(client, '"nouvelle vague"') == [nouvelle_vague.get_absolute_url()]
    assert found(client, "séries -netflix") == [vague.get_absolute_url()]
    assert set(found(client, "japonaise or netflix")) == {
        nouvelle_vague.get_absolute_url(),
        netflix.get_absolute_url(),
    }


def test_excerpt_marks_the_words_found(client):
    make_article(
        title="Festival",
        standfirst="Le bilan.",
        body="Avant tout, les projections en plein air ont attiré la foule cet été.",
    )
    excerpt = soup(client.get("/recherche/?q=projection")).select_one(".card__excerpt")
    assert [text(mark) for mark in excerpt.select("mark")] == ["projections"]
    assert "attiré la foule" in text(excerpt)


def test_excerpt_shows_the_opening_words_when_only_the_title_matches(client):
    make_article(title="Angoulême", standfirst="Le festival de la bande dessinée.", body="Texte.")
    excerpt = soup(client.get("/recherche/?q=angouleme")).select_one(".card__excerpt")
    assert text(excerpt).startswith("Le festival de la bande dessinée.")
    assert excerpt.select("mark") == []


def test_excerpt_escapes_what_editors_typed(client):
    make_article(
        title="Balises",
        standfirst="Un <script>alert(1)</script> festival.",
        body='Le festival et `<img src=x onerror="alert(1)">`, écrit tel quel.',
    )
    excerpt = soup(client.get("/recherche/?q=festival")).select_one(".card__excerpt")
    assert excerpt.select("script, img") == []
    assert [child.name for child in excerpt.find_all(True)] == ["mark", "mark"]
    assert "<script>alert(1)</script>" in excerpt.get_text()
    assert '<img src=x onerror="alert(1)">' in excerpt.get_text()


def test_long_text_gives_a_short_excerpt_around_the_matches(client):
    filler = " ".join(f"mot{n}" for n in range(200))
    make_article(body=f"{filler} Un western tourné en Espagne. {filler} Un autre western. {filler}")
    excerpt = text(soup(client.get("/recherche/?q=western")).select_one(".card__excerpt"))
    assert len(excerpt.split()) < 50
    assert excerpt.startswith("…")
    assert excerpt.endswith("…")
    assert excerpt.count("western") == 2


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        '"cinéma',
        "-",
        "--cinéma",
        "-cinéma",
        "*",
        "cin*",
        "NEAR(cinéma festival)",
        "title:cinéma",
        "(cinéma",
        "cinéma)",
        "cinéma AND OR NOT",
        "or",
        "OR OR",
        "^cinéma",
        "{title}: cinéma",
        "cinéma & | ! <-> :*",
        "'; DROP TABLE articles_article; --",
        "le la les de",
        "?!…",
        "\x00cinéma",
        "é" * 200,
        " ".join(["cinéma"] * 80),
    ],
)
def test_hostile_queries_never_fail(client, query):
    make_article(title="Le cinéma et le festival")
    response = client.get("/recherche/", {"q": query})
    assert response.status_code == 200


def test_a_query_of_stop_words_or_punctuation_finds_nothing(client):
    make_article(title="Le cinéma et la critique")
    assert found(client, "le la et") == []
    assert found(client, "« ? ! »") == []
    assert found(client, "-cinéma") == []


def test_search_syntax_in_a_query_is_read_as_spaces(client):
    article = make_article(title="Le cinéma et le festival")
    assert found(client, "(cinéma) festival*") == [article.get_absolute_url()]
    assert found(client, "cinéma:festival") == [article.get_absolute_url()]
    assert found(client, "NEAR(cinéma festival)") == []


def test_or_at_either_end_is_a_word(client):
    article = make_article(title="La Palme d'or")
    make_article(title="La palme du public")
    assert found(client, "palme or") == [article.get_absolute_url()]
    assert found(client, "palme d'or") == [article.get_absolute_url()]


def test_page_says_how_many_articles_match(client):
    for _ in range(3):
        make_article(body="Le cinéma, encore.")
    page = soup(client.get("/recherche/?q=cinéma"))
    assert text(page.select_one(".list-header__description")) == "3 résultats pour « cinéma »"
    assert page.select_one("#search-q")["value"] == "cinéma"
    assert page.select_one("#site-search-q")["value"] == "cinéma"
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"


def test_no_match_says_so(client):
    make_article(title="Le cinéma")
    page = soup(client.get("/recherche/?q=opéra"))
    assert text(page.select_one(".list-header__description")) == "0 résultat pour « opéra »"
    assert page.select_one(".empty") is not None


def test_empty_query_shows_the_form_only(client):
    make_article(title="Le cinéma")
    page = soup(client.get("/recherche/?q=+"))
    assert page.select_one("#search-q") is not None
    assert page.select(".card") == []
    assert page.select_one(".list-header__description") is None


def test_pages_keep_the_query_and_the_ranking(client):
    make_work(title="Documentaire")
    in_title = make_article(title="Documentaire", published_at=hours_ago(100))
    for hours in range(13):
        make_article(body="Un documentaire.", published_at=hours_ago(hours + 1))
    first = soup(client.get("/recherche/?q=documentaire"))
    assert first.select(".card__title a")[0]["href"] == in_title.get_absolute_url()
    assert len(first.select(".card")) == 12
    assert first.select_one('a[rel="next"]')["href"] == "/recherche/?q=documentaire&page=2"
    # Ranked by relevance, not by date: no "older articles" here.
    assert text(first.select_one('a[rel="next"]')) == "Résultats suivants"
    assert first.select_one("#search-works") is not None
    second = soup(client.get("/recherche/?q=documentaire&page=2"))
    assert len(second.select(".card")) == 2
    # The film the query names heads the first page only.
    assert second.select_one("#search-works") is None
    assert second.select_one('a[rel="prev"]')["href"] == "/recherche/?q=documentaire"
    assert text(second.select_one('a[rel="prev"]')) == "Résultats précédents"
    assert second.select_one(".card__excerpt mark") is not None


def test_a_common_word_ranks_the_newest_matches_and_says_there_are_more(client, monkeypatch):
    """
    Past MAX_RANKED matches the database would rank every article that has the word;
    the page ranks the newest of them, says so, and still puts a title match first.
    """
    monkeypatch.setattr(search, "MAX_RANKED", 3)
    oldest_in_title = make_article(title="Tournage", published_at=hours_ago(100))
    in_title = make_article(title="Tournage de nuit", published_at=hours_ago(10))
    newest = [
        make_article(body="Un tournage.", published_at=hours_ago(hours)) for hours in (1, 2, 3)
    ]
    page = soup(client.get("/recherche/?q=tournage"))
    assert text(page.select_one(".list-header__description")) == (
        "Plus de 3 résultats pour « tournage » : "
        "les plus pertinents parmi les plus récents d’abord."
    )
    listed = [a["href"] for a in page.select(".card__title a")]
    assert listed[0] == in_title.get_absolute_url()
    assert set(listed[1:]) == {article.get_absolute_url() for article in newest}
    assert oldest_in_title.get_absolute_url() not in listed

    english = soup(client.get("/en/recherche/?q=tournage"))
    assert text(english.select_one(".list-header__description")).startswith(
        "More than 3 results for “tournage”"
    )


@pytest.mark.parametrize(("language", "written"), [("fr", "1\xa0000"), ("en", "1,000")])
def test_the_limit_is_written_as_readers_write_numbers(language, written):
    from django.utils import translation

    from markup.formats import grouped
    from search import MAX_RANKED

    with translation.override(language):
        assert grouped(MAX_RANKED) == written


def search_queries(client, matching):
    """The queries a search page costs with ``matching`` articles found, each fully dressed."""
    section = make_section()
    authors = [make_author(avatar=make_image()) for _ in range(3)]
    for _ in range(matching):
        make_article(
            body="Une critique de cinéma.",
            section=section,
            authors=authors,
            tags=["critique", "cinema"],
            featured_image=make_image(),
        )
    make_article(title="Autre chose")
    url = "/recherche/?q=cinéma"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.usefixtures("page_cache_off")
def test_query_count_does_not_grow_with_the_matches(client, django_assert_max_num_queries):
    few = search_queries(client, 3)
    Article.objects.all().delete()
    many = search_queries(client, 30)
    assert many == few
    with django_assert_max_num_queries(6):
        client.get("/recherche/?q=cinéma&page=2")


def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_migration_indexes_the_articles_already_written(client):
    """Articles indexed by stems before are found by their lemmas once the migration has run."""
    section = make_section()
    (article,) = Article.objects.bulk_create(
        [
            Article(
                title="Les Archives du cinéma",
                slug="archives",
                standfirst="Un fonds.",
                body="Des bobines.",
                body_html="<p>Des bobines restaurées.</p>",
                status=Article.Status.PUBLISHED,
                published_at=hours_ago(1),
                section=section,
            )
        ]
    )
    assert found(client, "bobine") == []
    migration = import_module("search.migrations.0001_french_lemmas")
    state = MigrationExecutor(connection).loader.project_state(("search", "0001_french_lemmas"))
    # The data step only asks the schema editor for its connection.
    migration.index_every_article(state.apps, SimpleNamespace(connection=connection))
    # A deployment's new code starts with an empty page cache (pagecache/middleware.py).
    cache.clear()
    assert found(client, "bobine") == [article.get_absolute_url()]
    assert found(client, "archive") == [article.get_absolute_url()]


def test_reindex_command_indexes_every_article(client):
    articles = Article.objects.bulk_create(
        [
            Article(
                title=f"Les séries de l'hiver, {n}",
                slug=f"hiver-{n}",
                body_html="<p>Des critiques.</p>",
                status=Article.Status.PUBLISHED,
                published_at=hours_ago(n + 1),
                section=make_section(),
            )
            for n in range(3)
        ]
    )
    output = StringIO()
    call_command("reindex_search", stdout=output)
    assert output.getvalue() == "Indexed 3 articles: words match by their French lemmas.\n"
    cache.clear()
    assert found(client, "série critique") == [article.get_absolute_url() for article in articles]


def named(client, query):
    """The films and series, then the authors, the search page lists above the articles."""
    page = soup(client.get("/recherche/", {"q": query}))
    return (
        [(text(a), a["href"]) for a in page.select("#search-works + ul a")],
        [(text(a), a["href"]) for a in page.select("#search-authors + ul a")],
    )


def test_films_and_series_a_query_names_come_before_the_articles(client):
    series = make_work(title="Le Bureau des légendes", kind=Work.Kind.SERIES, slug="bureau")
    film = make_work(title="Le Voyage de Chihiro", original_title="Sen to Chihiro no kamikakushi")
    make_work(title="Légendes du Nord")
    article = make_article(title="Le Bureau des légendes, saison 6")
    works, authors = named(client, "bureau des legendes")
    assert works == [("Le Bureau des légendes", series.get_absolute_url())]
    assert authors == []
    assert found(client, "bureau des legendes") == [article.get_absolute_url()]
    page = soup(client.get("/recherche/", {"q": "bureau des legendes"}))
    assert "Série · " in text(page.select_one("#search-works + ul li"))
    assert named(client, "KAMIKAKUSHI")[0] == [("Le Voyage de Chihiro", film.get_absolute_url())]
    assert [title for title, _ in named(client, "légendes")[0]] == [
        "Le Bureau des légendes",
        "Légendes du Nord",
    ]


def test_a_title_is_matched_on_whole_words(client):
    make_work(title="Serafina")
    make_work(title="Les Dunes")
    make_work(title="Dune")
    assert named(client, "sera")[0] == []
    assert [title for title, _ in named(client, "dune")[0]] == ["Dune"]


def test_authors_a_query_names_come_with_the_articles(client):
    ines = make_author(name="Inès Marchand", slug="ines-marchand", role="Critique cinéma")
    make_article(authors=[ines])
    unpublished = make_author(name="Inès Leroy", slug="ines-leroy")
    make_article(authors=[unpublished], status=Article.Status.DRAFT)
    assert named(client, "ines")[1] == [("Inès Marchand", ines.get_absolute_url())]
    assert named(client, "marchand ines")[1] == [("Inès Marchand", ines.get_absolute_url())]
    page = soup(client.get("/recherche/", {"q": "ines"}))
    assert "Critique cinéma" in text(page.select_one("#search-authors + ul li"))


def test_a_new_film_shows_on_a_search_page_already_cached(client):
    assert named(client, "Anora") == ([], [])
    film = make_work(title="Anora")
    assert named(client, "Anora")[0] == [("Anora", film.get_absolute_url())]


@pytest.mark.usefixtures("page_cache_off")
def test_films_and_authors_cost_one_query_each_however_many_match(
    client, django_assert_num_queries
):
    make_work(title="La Nuit américaine")
    make_article(authors=[make_author(name="Nuit Blanche")])
    # The articles and their count, the works, the authors.
    with django_assert_num_queries(4):
        client.get("/recherche/?q=nuit")
    for n in range(12):
        make_work(title=f"Nuit {n}", slug=f"nuit-{n}")
        make_article(authors=[make_author(name=f"Claire Nuit {n}")])
    with django_assert_num_queries(4):
        page = soup(client.get("/recherche/?q=nuit"))
    assert len(page.select("#search-works + ul li")) == 6
    assert len(page.select("#search-authors + ul li")) == 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's lemmas are in Python")
def test_postgresql_without_the_lemma_files_matches_words_as_written(client, monkeypatch):
    """As on a server where scripts/services.sh never ran: still a search, and a warning."""
    from search import lemmatizer

    monkeypatch.setattr(lemmatizer, "NAME", "screenmania_no_such_file")
    assert search.configure(connection) is False
    assert [warning.id for warning in check_lemma_dictionary(None, databases=["default"])] == [
        "search.W001"
    ]
    singular = make_article(title="La série de Réalisatrice")
    make_article(title="Les séries")
    assert found(client, "serie realisatrice") == [singular.get_absolute_url()]
    # Put back as the migration left it: the test's transaction does not undo a warning.
    monkeypatch.undo()
    assert search.configure(connection) is True
    assert check_lemma_dictionary(None, databases=["default"]) == []
