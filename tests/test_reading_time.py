"""
Reading time, for French text at 230 words a minute.

The rule: words read / 230, rounded to the nearest minute (halves up), never under one.
A word is what sits between spaces and holds a letter or a digit, in text content only:
tags, entities, code, and the « » ? ! French sets apart do not count; l’histoire is one word.
"""

import itertools

import pytest

from markup.rendering import reading_time, render
from tests.factories import make_article

SENTENCE = (
    "la grève des scénaristes a mis Hollywood à l’arrêt pendant près de cinq mois "
    "et les plateformes ont cherché des réponses du côté de l’intelligence artificielle"
)


def words(count):
    return " ".join(itertools.islice(itertools.cycle(SENTENCE.split()), count))


@pytest.mark.parametrize(
    ("count", "minutes"),
    [
        (0, 1),
        (10, 1),
        (230, 1),
        (344, 1),  # 1.496 minutes
        (345, 2),  # 1.5 minutes, rounded up
        (460, 2),
        (1000, 4),  # 4.35 minutes
        (1035, 5),  # 4.5 minutes
    ],
)
def test_minutes_for_word_counts(count, minutes):
    assert reading_time(f"<p>{words(count)}</p>") == minutes


def test_empty_html_takes_a_minute():
    assert reading_time("") == 1
    assert reading_time(None) == 1


def test_tags_and_entities_are_not_words():
    # 340 words: 1.48 minutes. Counting tag names or entity names would pass 1.5.
    html = " &amp; ".join(
        f'<em class="note">{word}</em>&nbsp;<a href="/x">&#8217;</a>' for word in words(340).split()
    )
    assert reading_time(f"<p>{html}</p>") == 1


def test_code_is_not_counted():
    code = words(1000)
    html = f"<p>{words(340)} <code>{code}</code></p><pre><code>{code}</code></pre>"
    assert reading_time(html) == 1


def test_block_boundaries_separate_words():
    # 345 one-word paragraphs with no space between them: 1.5 minutes, not one long word.
    html = "".join(f"<p>{word}</p>" for word in words(345).split())
    assert reading_time(html) == 2


def test_french_punctuation_set_apart_is_not_a_word():
    # 340 words and 400 lone marks: 1.48 minutes if the marks are ignored, 3 if not.
    marks = " ".join(itertools.islice(itertools.cycle(["«", "»", "?", "!", "—", "…"]), 400))
    assert reading_time(f"<p>{words(340)} {marks}</p>") == 1


def test_elided_words_count_once():
    # 230 words; split at the apostrophe they would be 460.
    assert reading_time("<p>" + " ".join(["l’histoire"] * 230) + "</p>") == 1


def test_rendered_markdown_with_notes_and_headings():
    source = f"## Le contexte\n\n{words(230)}[^1]\n\n> {words(200)}\n\n[^1]: {words(30)}"
    assert reading_time(render(source).html) == 2


@pytest.mark.django_db
def test_reading_time_is_stored_at_save():
    article = make_article(body=f"## Le contexte\n\n{words(690)}")
    article.refresh_from_db()
    assert article.reading_time == 3

    article.body = words(100)
    article.save()
    article.refresh_from_db()
    assert article.reading_time == 1
